"""Apply a pipeline to one input: load it, run the steps, save the result.

This is what each task of :func:`movement_like.batch.run_batch` does on a
worker, and what a user calls by hand on one recording (numpy- or dask-backed:
the steps stay lazy on dask data, and a ``save`` to zarr then writes each chunk
from the worker that computed it).
"""

from __future__ import annotations

import inspect
import os
import re
import time
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dask
import xarray as xr

from movement_like.batch.pipeline import Pipeline, Step, resolve_function
from movement_like.errors import PipelineError

__all__ = ["BatchInput", "load_input", "apply_steps", "run_one"]

_OPTION = re.compile(r"^\{(\w+)\}$")

#: Formats whose readers load lazily when given dask ``chunks`` (the others ignore them).
LAZY_FORMATS = ("netCDF", "zarr")


@dataclass(frozen=True)
class BatchInput:
    """One input of a batch: a file (or folder) and its own options.

    Parameters
    ----------
    path
        The file to load.
    options
        Per-input options: ``fps`` and ``source_software`` override the
        pipeline's ``[load]``; any other (``video = "session1.mp4"``) fills the
        step arguments written ``"{video}"``.
    """

    path: str
    options: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, item: Any) -> BatchInput:
        """Make a BatchInput of a path, a BatchInput, or a mapping with a ``path``."""
        if isinstance(item, BatchInput):
            return item
        if isinstance(item, Mapping):
            options = {k: v for k, v in item.items() if k != "path"}
            if "path" not in item:
                raise PipelineError(f"an input given as a table needs a 'path': {dict(item)!r}")
            return cls(os.fspath(item["path"]), options)
        return cls(os.fspath(item))

    def to_dict(self) -> dict[str, Any]:
        """Return the input as plain data."""
        return {"path": self.path, **dict(self.options)}


def load_input(pipeline: Pipeline, item: BatchInput | str | os.PathLike, chunks: Any = None):
    """Load one input as the pipeline's ``[load]`` section (and the input's options) say.

    Parameters
    ----------
    pipeline
        The pipeline.
    item
        The input.
    chunks
        For netCDF and zarr inputs: ``{}`` (or a dask chunk specification) to
        load lazily; ignored by the other formats.

    Returns
    -------
    xarray.Dataset
        The dataset.
    """
    from movement_like.io import registry

    item = BatchInput.of(item)
    options = dict(pipeline.load)
    options.update({k: v for k, v in item.options.items() if k in ("fps", "source_software")})
    source = options.pop("source_software", "auto")
    fps = options.pop("fps", None)
    path = Path(item.path).expanduser()
    if chunks is not None:
        fmt = (
            registry.detect_format(path)
            if source in (None, "auto")
            else registry.find_format(source)
        )
        if fmt.name in LAZY_FORMATS:
            options["chunks"] = chunks
        source = fmt.name
    return registry.load(path, source_software=source, fps=fps, **options)


def _fill(value: Any, options: Mapping[str, Any], where: str) -> Any:
    if isinstance(value, str):
        match = _OPTION.match(value)
        if match is None:
            return value
        if match[1] not in options:
            raise PipelineError(
                f"{where}: needs the input option {match[1]!r}, which this input does not have; "
                "give it per input (e.g. a column of --inputs-table)"
            )
        return options[match[1]]
    if isinstance(value, list):
        return [_fill(v, options, where) for v in value]
    if isinstance(value, Mapping):
        return {k: _fill(v, options, where) for k, v in value.items()}
    return value


def _missing(var: xr.DataArray) -> int | None:
    """Missing points of ``var`` (a point is missing if any coordinate is), None if lazy."""
    if var.chunks is not None:
        return None
    missing = var.isnull()
    if "space" in missing.dims:
        missing = missing.any("space")
    return int(missing.sum())


def _apply_step(
    ds: xr.Dataset, step: Step, function: Any, options: Mapping[str, Any], where: str
) -> xr.Dataset:
    kwargs = {k: _fill(v, options, where) for k, v in step.args.items()}
    try:
        params = list(inspect.signature(function).parameters.values())[1:]
    except (TypeError, ValueError):
        params = []
    if step.input == "*":
        result = function(ds, **kwargs)
        if not isinstance(result, xr.Dataset):
            raise PipelineError(f"{where}: with input = '*' the function must return a dataset")
        return result
    if step.input not in ds.variables:
        raise PipelineError(
            f"{where}: the dataset has no variable {step.input!r} "
            f"(it has {sorted(map(str, ds.data_vars))})"
        )
    for p in params:
        if p.name not in kwargs and p.name in ds.data_vars:
            kwargs[p.name] = ds[p.name]
        elif p.name == "progress" and p.name not in kwargs:
            kwargs["progress"] = False  # workers show no bars; the batch has one
    result = function(ds[step.input], **kwargs)
    if not isinstance(result, xr.DataArray):
        raise PipelineError(
            f"{where}: returned {type(result).__name__}, not a DataArray; "
            "use input = '*' for a function of the whole dataset"
        )
    return ds.assign({step.target: result.rename(step.target)})


def apply_steps(
    pipeline: Pipeline,
    ds: xr.Dataset,
    options: Mapping[str, Any] | None = None,
) -> tuple[xr.Dataset, list[dict[str, Any]]]:
    """Run the pipeline's steps on one dataset (numpy- or dask-backed).

    Parameters
    ----------
    pipeline
        The pipeline (only its ``steps`` are used).
    ds
        The dataset; it is not modified.
    options
        The input's options, for arguments written ``"{name}"``.

    Returns
    -------
    xarray.Dataset
        The result, lazy if ``ds`` was.
    list of dict
        One summary per step: ``step``, ``function``, ``variable``, missing points
        before and after (``None`` on lazy data), ``points_filled``,
        ``points_dropped``, ``frames_dropped`` and ``seconds``.

    Raises
    ------
    PipelineError
        Naming the step, if a step cannot be applied; errors of the step's
        function propagate as they are.
    """
    options = dict(options or {})
    summaries = []
    functions = [
        resolve_function(s.function, allow_external=True, where=f"step {i + 1} ({s.function})")
        for i, s in enumerate(pipeline.steps)
    ]  # imported before the clock starts
    for index, (step, function) in enumerate(zip(pipeline.steps, functions, strict=True)):
        where = f"step {index + 1} ({step.function})"
        target = step.target
        before = _missing(ds[target]) if target in ds.variables else None
        frames = ds.sizes.get("time", 0)
        start = time.perf_counter()
        try:
            ds = _apply_step(ds, step, function, options, where)
        except Exception as exc:
            exc.add_note(where)  # run_one names the step in its report
            raise
        seconds = time.perf_counter() - start
        after = _missing(ds[target]) if step.input != "*" or target in ds.variables else None
        known = before is not None and after is not None
        summaries.append(
            {
                "step": index + 1,
                "function": step.function,
                "variable": target,
                "missing_before": before,
                "missing_after": after,
                "points_filled": max(0, before - after) if known else 0,  # type: ignore[operator]
                "points_dropped": max(0, after - before) if known else 0,  # type: ignore[operator]
                "frames_dropped": frames - ds.sizes.get("time", 0),
                "seconds": seconds,
            }
        )
    return ds, summaries


def _save(pipeline: Pipeline, ds: xr.Dataset, out: Path, overwrite: bool) -> Path:
    from movement_like.io import registry

    ds = ds.copy(deep=False)
    ds.attrs = dict(ds.attrs) | {"pipeline_hash": pipeline.hash(), "pipeline": pipeline.to_toml()}
    kwargs = {k: v for k, v in pipeline.save.items() if k != "format"}
    return registry.save(ds, out, to=pipeline.save_format, overwrite=overwrite, **kwargs)


def run_one(
    pipeline: Pipeline | Mapping[str, Any],
    item: BatchInput | Mapping[str, Any] | str | os.PathLike,
    out: str | os.PathLike,
    overwrite: bool = False,
    chunks: Any = None,
) -> dict[str, Any]:
    """Load, process and save one input; report the outcome instead of raising.

    Parameters
    ----------
    pipeline
        The pipeline, or its plain data (as sent to a worker).
    item
        The input.
    out
        The output path.
    overwrite
        Replace an existing output.
    chunks
        Load netCDF and zarr inputs lazily with these chunks (see :func:`load_input`).

    Returns
    -------
    dict
        ``input``, ``status`` (``"done"`` or ``"failed"``), ``seconds`` (wall),
        ``cpu_seconds`` (of the process: on a busy machine, the work it really got),
        ``output``, ``error`` (one line naming the stage: ``load``, the step, or
        ``save``), ``steps`` (the summaries of :func:`apply_steps`) and ``worker``
        (host and process id).
    """
    if not isinstance(pipeline, Pipeline):
        pipeline = Pipeline.from_dict(pipeline)
    item = BatchInput.of(item)
    start, cpu_start = time.perf_counter(), time.process_time()
    record: dict[str, Any] = {
        "input": item.path,
        "status": "failed",
        "seconds": 0.0,
        "cpu_seconds": 0.0,
        "output": "",
        "error": "",
        "steps": [],
        "worker": f"{os.uname().nodename}:{os.getpid()}",
    }
    stage = "load"
    # On a worker, xarray would guard every HDF5 access with a cluster-wide lock held by
    # the scheduler (a round trip each, the tenfold slow-down of netCDF under distributed).
    # Numpy-backed data of one input, written to its own file, needs no such lock: the
    # synchronous scheduler makes xarray use the process's own HDF5 lock.
    local: Any = dask.config.set(scheduler="synchronous") if chunks is None else nullcontext()
    try:
        with local:
            ds = load_input(pipeline, item, chunks=chunks)
            stage = "steps"
            ds, record["steps"] = apply_steps(pipeline, ds, item.options)
            stage = "save"
            record["output"] = str(_save(pipeline, ds, Path(out), overwrite))
        record["status"] = "done"
    except Exception as exc:  # one bad input never stops the batch: it is reported
        message = " ".join(str(exc).split())
        notes = getattr(exc, "__notes__", None) or [stage]
        where = notes[-1]
        if message.startswith(where):
            message = message[len(where) :].lstrip(": ")
        record["error"] = f"{where}: {type(exc).__name__}: {message}"
    record["seconds"] = time.perf_counter() - start
    record["cpu_seconds"] = time.process_time() - cpu_start
    return record
