"""The ``movement-like batch`` subcommand: run a pipeline file over many inputs.

::

    movement-like batch PIPELINE.toml INPUTS... --out DIR
        [--scheduler ADDRESS | --workers N] [--resume] [--overwrite]
        [--inputs-table TABLE.csv] [--allow-external] [--no-progress]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_batch_command", "read_inputs_table"]


def read_inputs_table(path: str | Path) -> list[dict[str, Any]]:
    """Read per-input options from a CSV table with a ``path`` column.

    Parameters
    ----------
    path
        A CSV file: one row per input, a ``path`` column and one column per
        option (``fps``, ``video``, ...); empty cells are left out. Relative
        paths are taken from the table's folder.

    Returns
    -------
    list of dict
        One mapping per input, as :func:`movement_like.batch.run_batch` takes.
    """
    import pandas as pd

    from movement_like.errors import PipelineError

    table_path = Path(path).expanduser()
    table = pd.read_csv(table_path, dtype=str, keep_default_na=False)
    if "path" not in table.columns:
        raise PipelineError(
            f"{table_path}: the inputs table needs a 'path' column (has {list(table.columns)})"
        )
    rows = []
    for record in table.to_dict("records"):
        row: dict[str, Any] = {}
        for key, value in record.items():
            if value == "":
                continue
            if key == "fps":
                row[key] = float(value)
            elif key in ("path", "video"):
                row[key] = (
                    str(table_path.parent / value) if not Path(value).is_absolute() else value
                )
            else:
                row[key] = value
        rows.append(row)
    return rows


def _cmd_batch(args: argparse.Namespace) -> int:
    from movement_like.batch import load_pipeline, run_batch

    pipeline = load_pipeline(args.pipeline, allow_external=args.allow_external)
    inputs: list[Any] = list(args.inputs)
    if args.inputs_table:
        inputs += read_inputs_table(args.inputs_table)
    if not inputs:
        print(
            "movement-like batch: error: no inputs (give files or --inputs-table)", file=sys.stderr
        )
        return 2
    table = run_batch(
        pipeline,
        inputs,
        args.out,
        scheduler=args.scheduler,
        workers=args.workers,
        resume=args.resume,
        overwrite=args.overwrite,
        progress=args.progress,
        allow_external=args.allow_external,
    )
    counts = table["status"].value_counts()
    short = pipeline.short_hash()
    print(
        f"{counts.get('done', 0)} done, {counts.get('skipped', 0)} skipped, "
        f"{counts.get('failed', 0)} failed of {len(table)} inputs in "
        f"{table.attrs['wall_seconds']:.1f} s (pipeline {short})"
    )
    print(f"results: {Path(args.out) / f'batch-{short}.csv'}")
    summary = table.attrs["steps"]
    if len(summary):
        shown = summary.drop(columns=["missing_after"]).round({"seconds": 2})
        print(shown.to_string(index=False))
    for row in table[table["status"] == "failed"].itertuples():
        print(f"  failed: {row.input}: {row.error}", file=sys.stderr)
    return 2 if counts.get("failed", 0) else 0


def add_batch_command(sub: argparse._SubParsersAction) -> None:
    """Add the ``batch`` subcommand to the command line's parser.

    Parameters
    ----------
    sub
        The subparsers of the ``movement-like`` parser to add ``batch`` to.
    """
    p = sub.add_parser(
        "batch",
        help="run a pipeline file over many inputs on dask.distributed "
        "(a failed input is reported, the rest go on)",
    )
    p.add_argument("pipeline", help="pipeline TOML file ([load], [[steps]], [save])")
    p.add_argument("inputs", nargs="*", help="files (or folders) to process")
    p.add_argument("--out", required=True, help="folder for the outputs (created if missing)")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler", default=None, help="address of a running dask scheduler (tcp://host:8786)"
    )
    where.add_argument(
        "--workers", type=int, default=None, help="worker processes of the local cluster"
    )
    p.add_argument("--resume", action="store_true", help="skip inputs already done (same hash)")
    p.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    p.add_argument(
        "--inputs-table", default=None, help="CSV with a 'path' column and per-input options"
    )
    p.add_argument(
        "--allow-external",
        action="store_true",
        help="allow steps that import functions outside movement_like",
    )
    p.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    p.set_defaults(func=_cmd_batch)
