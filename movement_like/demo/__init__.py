"""The main job, end to end, on any sample dataset: ``movement-like demo [--dataset NAME]``.

By default the demo runs on the bundled synthetic ultrasound sample, which needs
no network (:mod:`movement_like.demo.ultrasound`: two annotation layers, optical
flow gap filling and jitter reduction, speed). With ``--dataset`` it runs on a
real sample (:mod:`movement_like.demo.tracks`); on the DeepLabCut open-field
mouse (``openfield_mouse``) that is: confidence filter, LK-RSTC gap filling on
the real video, jitter reduction, speed and head direction, time in the arena's
centre, then a ``.nc`` file, a figure of the track over the real video frame
and a summary table whose columns are explained one line each.

Every step is a public library function; these modules only chain them, so
they are also worked examples to copy from.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from movement_like.demo.ultrasound import (
    FILLED,
    FILTERED,
    INTERPOLATED,
    LAYER_LABELS,
    SAMPLE,
    SMOOTHED,
    SUMMARY_COLUMNS,
    DemoResult,
    run_ultrasound,
    summary_table,
)

__all__ = [
    "DemoResult",
    "run_demo",
    "summary_table",
    "add_demo_command",
    "SAMPLE",
    "LAYER_LABELS",
    "SUMMARY_COLUMNS",
    "TRACK_COLUMNS",
    "FILLED",
    "FILTERED",
    "INTERPOLATED",
    "SMOOTHED",
]

from movement_like.demo.tracks import TRACK_COLUMNS  # noqa: E402


def _run_real(
    name: str,
    out: Path,
    progress: bool,
    overwrite: bool,
    threshold: float | None,
    max_gap: int | None,
    window: float | None,
    verbose: bool,
) -> DemoResult:
    from movement_like import sample_data
    from movement_like.demo.figures import tracks_figure, video_frame
    from movement_like.demo.tracks import run_tracks
    from movement_like.io import save_netcdf
    from movement_like.io.atomic import atomic_path, check_writable

    def say(text: str) -> None:
        if verbose:
            print(text, flush=True)

    nc_path = out / f"{name}_processed.nc"
    png_path = out / f"{name}_summary.png"
    for path in (nc_path, png_path):
        check_writable(path, overwrite)
    files = sample_data.dataset_files(name)
    has_video = any(f.role == "video" for f in files)
    ds = sample_data.fetch_dataset(name, with_video=has_video, progress=progress)
    if not has_video:
        ds.attrs.pop("video_path", None)  # a path the tracker wrote, not a file we have
    state, table = run_tracks(
        ds,
        name,
        threshold=threshold,
        max_gap=30 if max_gap is None else max_gap,
        window=0.2 if window is None else window,
        progress=progress,
        say=say,
    )
    save_netcdf(state, nc_path, overwrite=overwrite)
    say(f"7. saved the state to {nc_path}")
    title = f"Sample {name!r}: " + "; ".join(
        f"{f.name} ({f.licence or 'BSD-3-Clause'})" for f in files
    )
    figure = tracks_figure(state, video_frame(ds.attrs.get("video_path")), title)
    with atomic_path(png_path, overwrite=overwrite) as tmp:
        figure.savefig(tmp, dpi=100, format="png")
    say(f"   drew {png_path}")
    if verbose:
        print()
        print(table.to_string(index=False, na_rep="-"))
        print()
        for column in table.columns:
            print(f"  {column:<20} {TRACK_COLUMNS[column]}")
    return DemoResult(state=state, netcdf_path=nc_path, figure_path=png_path, summary=table)


def run_demo(
    out_dir: str | Path = "demo_output",
    progress: bool = True,
    overwrite: bool = False,
    threshold: float | None = None,
    max_gap: int | None = None,
    window: float | None = None,
    verbose: bool = True,
    dataset: str = SAMPLE,
) -> DemoResult:
    """Run the main job on a sample dataset and write its outputs into ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder for ``<dataset>_processed.nc`` and the PNG figure; created if missing.
    progress
        Show progress bars (downloads and optical-flow steps).
    overwrite
        Replace outputs of an earlier run; without it an existing output raises
        :class:`~movement_like.errors.OverwriteError` before any work is done.
    threshold
        Predictions with a lower confidence are dropped (default 0.6 for the
        synthetic sample, 0.9 for the real ones, 0.3 for SLEAP's point scores).
    max_gap
        Longest run of missing frames that is filled (default 10 for the
        synthetic sample, 30 for the real ones).
    window
        Jitter-reduction window, in seconds (default 0.5 synthetic, 0.2 real).
    verbose
        Print each step and the summary table with its columns explained.
    dataset
        A name from :func:`movement_like.sample_data.list_datasets`; the default
        is the bundled synthetic sample, which needs no network.

    Returns
    -------
    DemoResult

    Raises
    ------
    SampleDataError
        If a real sample is in no mirror or cache and cannot be downloaded
        (the message says how to get it).
    """
    out = Path(out_dir)
    if dataset == SAMPLE:
        return run_ultrasound(
            out,
            progress=progress,
            overwrite=overwrite,
            verbose=verbose,
            threshold=0.6 if threshold is None else threshold,
            max_gap=10 if max_gap is None else max_gap,
            window=0.5 if window is None else window,
        )
    from movement_like import sample_data

    sample_data.dataset_files(dataset)  # an unknown name fails here, listing the known ones
    out.mkdir(parents=True, exist_ok=True)
    return _run_real(dataset, out, progress, overwrite, threshold, max_gap, window, verbose)


def _cmd_demo(args: argparse.Namespace) -> int:
    import sys

    from movement_like import sample_data
    from movement_like.errors import OverwriteError, SampleDataError

    if args.list:
        for name in sample_data.list_datasets():
            files = sample_data.dataset_files(name)
            where = "bundled" if all(f.bundled for f in files) else "mirror/cache/download"
            licences = ", ".join(sorted({f.licence or "BSD-3-Clause" for f in files}))
            print(f"{name:<24} {where:<22} {licences}")
        return 0
    try:
        run_demo(
            args.out,
            progress=not args.no_progress,
            overwrite=args.overwrite,
            dataset=args.dataset,
        )
    except OverwriteError as exc:
        print(
            f"movement-like demo: {exc.path} exists from an earlier run; run again with "
            "--overwrite to replace it, or choose another --out folder",
            file=sys.stderr,
        )
        return 2
    except SampleDataError as exc:
        print(f"movement-like demo: {exc}", file=sys.stderr)
        return 2
    return 0


def add_demo_command(sub: argparse._SubParsersAction) -> None:
    """Register ``movement-like demo [--dataset NAME] [--list] [--out DIR] [--overwrite]``.

    Parameters
    ----------
    sub
        The sub-command registry of the ``movement-like`` parser (what
        ``ArgumentParser.add_subparsers`` returns); the ``demo`` parser is added to it.
    """
    p = sub.add_parser(
        "demo",
        help="run the main job on a sample dataset (default: the bundled, offline one)",
        description=__doc__.splitlines()[0],
    )
    p.add_argument(
        "--dataset",
        default=SAMPLE,
        metavar="NAME",
        help=f"sample dataset to run on (default: {SAMPLE}, bundled; see --list)",
    )
    p.add_argument(
        "--list",
        action="store_true",
        help="list the sample datasets, where they come from, licences",
    )
    p.add_argument("--out", default="demo_output", help="output folder (default: demo_output)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    p.add_argument("--overwrite", action="store_true", help="replace outputs of an earlier run")
    p.set_defaults(func=_cmd_demo)
