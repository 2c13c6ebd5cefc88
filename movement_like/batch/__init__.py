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

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> module that holds it; imported on first use, so that the command line
#: (which imports :mod:`movement_like.batch.command`) does not import xarray or dask.
_WHERE = {
    "run_batch": "run",
    "step_summary": "run",
    "output_path": "run",
    "local_cluster": "run",
    "RESULT_COLUMNS": "run",
    "BatchInput": "apply",
    "load_input": "apply",
    "apply_steps": "apply",
    "run_one": "apply",
    "Pipeline": "pipeline",
    "Step": "pipeline",
    "load_pipeline": "pipeline",
    "save_pipeline": "pipeline",
    "resolve_function": "pipeline",
    "STEP_ROOMS": "pipeline",
    "SAVE_FORMATS": "pipeline",
}

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


def __getattr__(name: str) -> Any:
    """Import the public names lazily (PEP 562)."""
    if name in _WHERE:
        value = getattr(importlib.import_module(f"movement_like.batch.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'movement_like.batch' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
