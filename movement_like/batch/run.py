"""Run a pipeline over many inputs on a ``dask.distributed`` cluster.

Scheduling, retries after a lost worker and moving data are dask's: each input
is one task submitted to a :class:`distributed.Client` (given, connected to a
scheduler address, or a :class:`distributed.LocalCluster` of worker processes
made for the run). Each task loads its input, runs the steps and writes its
output itself, atomically; only a small report travels back. A worker that
dies mid-task is replaced by its nanny and the scheduler runs the task again
elsewhere (up to ``distributed.scheduler.allowed-failures`` times).
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from movement_like.batch.apply import BatchInput, run_one
from movement_like.batch.pipeline import Pipeline, load_pipeline, save_pipeline
from movement_like.errors import OverwriteError, PathNotFoundError, PipelineError

__all__ = [
    "run_batch",
    "output_path",
    "step_summary",
    "RESULT_COLUMNS",
    "local_cluster",
    "WORKER_CONFIG",
]

#: Columns of the results table, in order.
RESULT_COLUMNS = ("input", "status", "seconds", "cpu_seconds", "output", "error", "worker", "steps")


def output_path(pipeline: Pipeline, item: BatchInput | str | os.PathLike, out_dir: Path) -> Path:
    """Return where the output of ``item`` goes: ``<out_dir>/<stem>.<hash12><suffix>``.

    Parameters
    ----------
    pipeline
        The pipeline (its hash and save format name the file).
    item
        The input.
    out_dir
        The output folder.

    Returns
    -------
    pathlib.Path
        E.g. ``out/session1.3f2a9c01b7de.nc`` for ``session1.h5``.
    """
    path = Path(BatchInput.of(item).path)
    stem = path.name.split(".")[0] if path.name.startswith(".") else path.stem
    return Path(out_dir) / f"{stem}.{pipeline.short_hash()}{pipeline.suffix}"


#: dask settings of the worker processes :func:`local_cluster` starts, and why:
#: dask's statistical profiler samples every worker's stack 100 times a second (about a
#: tenth of a batch task's CPU); and dask sets ``MALLOC_TRIM_THRESHOLD_`` for its workers,
#: which turns off glibc's adaptive thresholds so that every array larger than 128 KiB is a
#: fresh ``mmap`` (four times the page faults and a fifth more CPU for each task).
WORKER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


def local_cluster(workers: int | None = None, *, malloc_trim: bool = False, **kwargs: Any):
    """Start a :class:`distributed.LocalCluster` of single-threaded worker processes.

    The workers run with :data:`WORKER_CONFIG` (no statistical profiler, glibc's
    own memory thresholds), which makes a task cost about the CPU it costs in a
    serial loop; ``dask.config`` settings the caller makes win over these. They
    are applied while the cluster starts: a worker started again after one died
    (killed, out of memory) may run with dask's defaults (the profiler on).

    Parameters
    ----------
    workers
        Number of worker processes; by default one per CPU this process may use.
    malloc_trim
        Keep dask's ``MALLOC_TRIM_THRESHOLD_``: freed memory goes back to the
        system at once, at a cost in CPU. Worth it for one recording larger
        than memory under a worker ``memory_limit``, where memory glibc keeps
        counts against the limit (and pauses the worker); not for batches of
        recordings that each fit in memory.
    **kwargs
        Passed on to :class:`distributed.LocalCluster`.

    Returns
    -------
    distributed.LocalCluster
        The cluster (close it when done).
    """
    import dask
    from distributed import LocalCluster

    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        workers = workers or os.cpu_count() or 1
    options: dict[str, Any] = {
        "n_workers": int(workers),
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,
    }
    options.update(kwargs)
    config = {k: v for k, v in WORKER_CONFIG.items() if not _set_by_user(k)}
    if malloc_trim:
        config.pop("distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_", None)
    with dask.config.set(config), _without_inherited_trim(config):
        return LocalCluster(**options)


#: What dask's own configuration sets, to tell it from a caller's setting.
_DASK_DEFAULTS = {
    "distributed.worker.profile.enabled": True,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": 65536,
}


def _set_by_user(key: str) -> bool:
    import dask

    return dask.config.get(key, default=None) != _DASK_DEFAULTS[key]


@contextmanager
def _without_inherited_trim(config: dict[str, Any]):
    """Hide a ``MALLOC_TRIM_THRESHOLD_`` that an earlier cluster's nanny left in ``os.environ``.

    Nannies copy their spawn environment into this process's ``os.environ``
    (and it would reach the new workers); dask's default value is only taken
    away while the cluster starts, and put back after.
    """
    name = "MALLOC_TRIM_THRESHOLD_"
    key = f"distributed.nanny.pre-spawn-environ.{name}"
    inherited = os.environ.get(name)
    hide = key in config and inherited == str(_DASK_DEFAULTS[key])
    if hide:
        del os.environ[name]
    try:
        yield
    finally:
        if hide and name not in os.environ:
            os.environ[name] = inherited  # type: ignore[assignment]


def _client(client: Any, scheduler: str | None, workers: int | None):
    """Return ``(client, things to close)`` for the run."""
    from distributed import Client

    if client is not None:
        return client, []
    if scheduler:
        own = Client(scheduler)
        return own, [own]
    cluster = local_cluster(workers)
    own = Client(cluster)
    return own, [own, cluster]


def run_batch(
    pipeline: Pipeline | str | os.PathLike,
    inputs: Iterable[Any],
    out_dir: str | os.PathLike,
    client: Any = None,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = True,
    allow_external: bool = True,
    retries: int = 0,
) -> pd.DataFrame:
    """Run ``pipeline`` on every input, one ``dask.distributed`` task each.

    Parameters
    ----------
    pipeline
        A :class:`~movement_like.batch.Pipeline`, or the path of a TOML file.
    inputs
        Paths, :class:`~movement_like.batch.BatchInput` objects or mappings with
        a ``path`` and per-input options (``fps``, ``video``, ...).
    out_dir
        Folder for the outputs (created if missing); it also receives the
        pipeline (``pipeline-<hash12>.toml``), the results table
        (``batch-<hash12>.csv``) and the step summary (``batch-<hash12>-steps.csv``).
    client
        A :class:`distributed.Client` to run on. Without one, ``scheduler`` is
        connected to, else a LocalCluster of ``workers`` processes is started
        for the run and closed after it.
    scheduler
        Address of a running scheduler (``tcp://host:8786``): a cluster of any
        kind (dask-jobqueue, Kubernetes, ``dask scheduler`` by hand).
    workers
        Worker processes of the local cluster (default: one per CPU).
    resume
        Skip inputs whose output already exists: its name carries the pipeline
        hash, so it was made by this very pipeline. A changed pipeline has
        another hash and reruns everything.
    overwrite
        Replace existing outputs (without ``resume`` an existing output is
        otherwise reported as failed, never replaced).
    progress
        Show a progress bar over completed inputs.
    allow_external
        Allow steps naming functions outside ``movement_like``.
    retries
        Extra attempts of a task that raised (dask's ``retries``); a task whose
        worker died is rerun by the scheduler anyway.

    Returns
    -------
    pandas.DataFrame
        One row per input, in input order, with :data:`RESULT_COLUMNS`:
        ``status`` is ``"done"``, ``"skipped"`` (resume) or ``"failed"``
        (``error`` says why, naming the stage or step). ``attrs["steps"]``
        holds :func:`step_summary`, ``attrs["hash"]`` the pipeline hash.

    Raises
    ------
    PipelineError
        If the pipeline is invalid: nothing runs.
    """
    from tqdm.auto import tqdm

    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline, allow_external=allow_external)
    pipeline.validate(allow_external=allow_external)
    items = [BatchInput.of(i) for i in inputs]
    if not items:
        raise PipelineError("run_batch: no inputs given")
    out = Path(out_dir).expanduser().absolute()  # workers may run in another folder
    if out.exists() and not out.is_dir():
        raise PathNotFoundError(f"{out}: is not a folder; give a folder for the outputs")
    out.mkdir(parents=True, exist_ok=True)
    short = pipeline.short_hash()
    toml_path = out / f"pipeline-{short}.toml"
    if not toml_path.exists():
        try:
            save_pipeline(pipeline, toml_path)
        except OverwriteError:
            pass  # another run of the same pipeline wrote it meanwhile

    records: list[dict[str, Any] | None] = [None] * len(items)
    todo: list[tuple[int, BatchInput, Path]] = []
    claimed: dict[Path, str] = {}
    for index, item in enumerate(items):
        target = output_path(pipeline, item, out)
        row = {"input": item.path, "output": str(target), "seconds": 0.0, "cpu_seconds": 0.0}
        row["error"] = ""
        if target in claimed:
            records[index] = row | {
                "status": "failed",
                "error": f"its output {target} is also the output of {claimed[target]}",
            }
        elif resume and target.exists():
            records[index] = row | {"status": "skipped"}
        elif target.exists() and not overwrite:
            records[index] = row | {
                "status": "failed",
                "error": f"{target}: exists; pass resume=True (--resume) to keep it "
                "or overwrite=True (--overwrite) to replace it",
            }
        else:
            todo.append((index, item, target))
        claimed.setdefault(target, item.path)

    start = time.perf_counter()
    if todo:
        active, to_close = _client(client, scheduler, workers)
        try:
            _submit_all(active, pipeline, todo, records, overwrite, progress, retries, tqdm)
        finally:
            for thing in to_close:
                thing.close()
    table = pd.DataFrame([r for r in records if r is not None])
    for column in RESULT_COLUMNS:
        if column not in table:
            table[column] = "" if column not in ("seconds", "cpu_seconds", "steps") else None
    table["steps"] = [
        json.dumps(s) if isinstance(s, list) else (s if isinstance(s, str) else "[]")
        for s in table["steps"]
    ]
    table = table[list(RESULT_COLUMNS)]
    summary = step_summary(table)
    _write_csv(table, out / f"batch-{short}.csv")
    _write_csv(summary, out / f"batch-{short}-steps.csv")
    table.attrs["steps"] = summary
    table.attrs["hash"] = pipeline.hash()
    table.attrs["wall_seconds"] = time.perf_counter() - start
    return table


def _submit_all(client, pipeline, todo, records, overwrite, progress, retries, tqdm) -> None:
    from distributed import as_completed

    plain = pipeline.to_dict()
    token = secrets.token_hex(4)
    futures = {}
    for index, item, target in todo:
        absolute = BatchInput(str(Path(item.path).expanduser().absolute()), item.options)
        future = client.submit(
            run_one,
            plain,
            absolute.to_dict(),
            str(target),
            overwrite,
            key=f"movement-like-batch-{token}-{index}",
            pure=False,
            retries=retries,
        )
        futures[future] = (index, item, target)
    bar = tqdm(total=len(futures), desc="Batch", unit="input", disable=not progress)
    failed = 0
    try:
        for future in as_completed(futures):
            index, item, target = futures[future]
            try:
                record = future.result()
            except Exception as exc:  # the task itself was lost (KilledWorker ...)
                record = {
                    "input": item.path,
                    "status": "failed",
                    "seconds": 0.0,
                    "cpu_seconds": 0.0,
                    "output": "",
                    "error": f"task: {type(exc).__name__}: {' '.join(str(exc).split())}",
                }
            record["input"] = item.path  # as the caller named it
            if record.get("status") == "failed":
                failed += 1
                bar.set_postfix(failed=failed)
            records[index] = record
            bar.update()
            future.release()
    finally:
        bar.close()


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    from movement_like.io.atomic import atomic_path

    with atomic_path(path, overwrite=True) as tmp:
        table.to_csv(tmp, index=False)


def step_summary(results: pd.DataFrame | Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Aggregate the per-input step summaries of a results table over all inputs.

    Parameters
    ----------
    results
        The table :func:`run_batch` returns (or reads back from its CSV), or a
        list of :func:`~movement_like.batch.run_one` reports.

    Returns
    -------
    pandas.DataFrame
        One row per step: ``step``, ``function``, ``variable``, ``inputs`` (that
        ran it), ``points_filled``, ``points_dropped``, ``frames_dropped``,
        ``missing_after`` and ``seconds``, summed over inputs.
    """
    rows: list[dict[str, Any]] = []
    records = results.to_dict("records") if isinstance(results, pd.DataFrame) else results
    for record in records:
        steps = record.get("steps") or []
        if isinstance(steps, str):
            steps = json.loads(steps) if steps.strip() else []
        rows.extend(steps)
    columns = ["step", "function", "variable", "inputs", "points_filled", "points_dropped"]
    columns += ["frames_dropped", "missing_after", "seconds"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    frame["missing_after"] = pd.to_numeric(frame["missing_after"], errors="coerce")
    grouped = frame.groupby(["step", "function", "variable"], sort=True)
    summary = grouped.agg(
        inputs=("seconds", "size"),
        points_filled=("points_filled", "sum"),
        points_dropped=("points_dropped", "sum"),
        frames_dropped=("frames_dropped", "sum"),
        missing_after=("missing_after", "sum"),
        seconds=("seconds", "sum"),
    ).reset_index()
    return summary[columns]
