"""Run the same pipeline over many recordings, on one machine or a cluster.

>>> from movement_like.batch import load_pipeline, run_batch
>>> pipeline = load_pipeline("clean.toml")  # doctest: +SKIP
>>> table = run_batch(pipeline, ["a.h5", "b.h5"], "out/")  # doctest: +SKIP

A pipeline is data (:class:`Pipeline`, :class:`Step`, TOML files), validated
and hashed before anything runs; :func:`run_batch` runs one task per input on a
``dask.distributed`` client (a local cluster of worker processes by default,
or any scheduler's address), writes each output atomically under a name that
carries the pipeline's hash, and returns a table of every input's outcome.
"""

from movement_like.batch.apply import BatchInput, apply_steps, load_input, run_one
from movement_like.batch.pipeline import (
    SAVE_FORMATS,
    STEP_ROOMS,
    Pipeline,
    Step,
    load_pipeline,
    resolve_function,
    save_pipeline,
)
from movement_like.batch.run import (
    RESULT_COLUMNS,
    local_cluster,
    output_path,
    run_batch,
    step_summary,
)

__all__ = [
    "run_batch",
    "step_summary",
    "output_path",
    "local_cluster",
    "RESULT_COLUMNS",
    "BatchInput",
    "load_input",
    "apply_steps",
    "run_one",
    "Pipeline",
    "Step",
    "load_pipeline",
    "save_pipeline",
    "resolve_function",
    "STEP_ROOMS",
    "SAVE_FORMATS",
]
