"""The ``movement-like`` command line.

Subcommands
-----------
info FILE
    A readable summary: format, individuals, keypoints, frames, fps, and the
    percentage of missing points per keypoint.
convert IN OUT
    Any loadable format to any writable one, chosen by the suffix of OUT or
    ``--to``.
convert-all IN... --out-dir DIR
    A batch of files into one folder (netCDF by default), with a progress bar;
    a file that fails is reported and the others are still converted.
batch PIPELINE.toml INPUTS... --out DIR
    A pipeline file (load, steps, save) over many inputs on dask.distributed.

Further subcommands are registered in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import numpy as np

from movement_like.errors import MovementLikeError, OverwriteError, PathNotFoundError
from movement_like.utils.checks import check_fps

__all__ = ["main", "summarise", "user_message", "USER_ERRORS", "COMMANDS"]

#: Errors that are the user's situation, not a bug: shown as one line, exit status 2.
#: Ours, and the operating system's "no such file", "is a folder", "not allowed" ...
USER_ERRORS = (
    MovementLikeError,
    FileNotFoundError,
    FileExistsError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
)

#: How the messages of the Python API name options, and how the command line does.
_FLAGS = {"source_software=...": "--source-software NAME", "overwrite=True": "--overwrite"}
_FLAGS["fps=..."] = "--fps"


def user_message(exc: BaseException) -> str:
    """Return the message of a user-facing error as one line, naming command-line flags.

    Parameters
    ----------
    exc
        One of :data:`USER_ERRORS`.

    Returns
    -------
    str
        The message, with the Python keyword of an option replaced by its flag
        (``overwrite=True`` becomes ``--overwrite``) and line breaks folded.
    """
    if isinstance(exc, OverwriteError):
        message = str(OverwriteError(exc.path, flag="--overwrite"))
    else:
        message = str(exc)
        for keyword, flag in _FLAGS.items():
            message = message.replace(keyword, flag)
    return " ".join(message.split())


def summarise(ds, format_name: str | None = None) -> str:
    """Return a human-readable summary of a poses or bboxes dataset.

    Parameters
    ----------
    ds
        The loaded poses or bboxes dataset to describe (its type, source,
        individuals, keypoints, frames, time and missing points).
    format_name
        The name of the format the file was read as, shown on the first line;
        ``None`` leaves that line out.

    Returns
    -------
    str
        One ``label: value`` line per fact, joined by newlines, as
        ``movement-like info`` prints it.
    """
    lines = []
    if format_name:
        lines.append(f"format:       {format_name}")
    lines.append(f"type:         {ds.attrs.get('ds_type', '?')}")
    if "source_file" in ds.attrs:
        lines.append(f"source file:  {ds.attrs['source_file']}")
    if "source_software" in ds.attrs:
        lines.append(f"software:     {ds.attrs['source_software']}")
    extra = [
        f"{d}={ds.sizes[d]}"
        for d in ds["position"].dims
        if d not in ("time", "individuals", "keypoints", "space")
    ]
    if extra:
        lines.append(f"extra dims:   {', '.join(extra)}")
    individuals = [str(v) for v in ds["individuals"].values]
    lines.append(
        f"individuals:  {len(individuals)} ({', '.join(individuals[:10])}"
        f"{', …' if len(individuals) > 10 else ''})"
    )
    n_time = ds.sizes["time"]
    if "frame" in ds.coords and n_time:
        frames = ds["frame"].values
        lines.append(f"frames:       {n_time} (frame {frames[0]} to {frames[-1]})")
    else:
        lines.append(f"frames:       {n_time}")
    fps = ds.attrs.get("fps")
    lines.append(f"fps:          {fps if fps is not None else 'unknown'}")
    lines.append(f"space:        {', '.join(map(str, ds['space'].values))}")
    if "keypoints" in ds.dims:
        lines.append(f"keypoints:    {ds.sizes['keypoints']}")
        lines.extend(_missing_per_keypoint(ds))
    else:
        missing = ds["position"].isnull().any("space")
        other = [d for d in missing.dims if d != "individuals"]
        percent = (missing.mean(other) * 100).values if missing.size else np.zeros(len(individuals))
        lines.append("missing boxes per individual (% of frames):")
        for name, value in zip(individuals, np.atleast_1d(percent), strict=True):
            lines.append(f"  {name}  {value:6.2f} %")
    return "\n".join(lines)


def _missing_per_keypoint(ds) -> list[str]:
    """Table lines: % of missing values of each keypoint, one column per coordinate.

    Coordinates are counted apart, so that a keypoint tracked in 2-D within a
    3-D dataset (only ``z`` missing) does not look 100 % missing.
    """
    missing = ds["position"].isnull()
    other = [d for d in missing.dims if d not in ("keypoints", "space")]
    space = [str(s) for s in ds["space"].values]
    if missing.size:
        percent = (missing.mean(other) * 100).transpose("keypoints", "space").values
    else:
        percent = np.zeros((ds.sizes["keypoints"], len(space)))
    names = [str(k) for k in ds["keypoints"].values]
    width = max((len(n) for n in names), default=8)
    lines = [
        "missing values per keypoint and coordinate (% of frames × individuals):",
        (f"  {'':<{width}}" + "".join(f"  {c:>6}  " for c in space)).rstrip(),
    ]
    for name, row in zip(names, np.atleast_2d(percent), strict=True):
        lines.append(f"  {name:<{width}}" + "".join(f"  {v:6.2f} %" for v in row))
    return lines


def _cmd_info(args: argparse.Namespace) -> int:
    from movement_like.io import registry

    if args.source_software == "auto":
        fmt = registry.detect_format(args.file)
    else:
        fmt = registry.find_format(args.source_software)
    ds = registry.load(args.file, source_software=fmt.name, fps=args.fps)
    print(summarise(ds, fmt.name))
    return 0


def _cmd_convert(args: argparse.Namespace) -> int:
    from movement_like.io import registry

    ds = registry.load(args.input, source_software=args.source_software, fps=args.fps)
    written = registry.save(ds, args.output, to=args.to, overwrite=args.overwrite)
    shown = written if written is not None else args.output
    if isinstance(shown, (list, tuple)):
        shown = ", ".join(map(str, shown))
    print(f"wrote {shown}")
    return 0


def _add_info(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("info", help="summarise a pose or track file")
    p.add_argument("file", help="any loadable file (or folder, for formats that use one)")
    p.add_argument("--source-software", default="auto", help="format name; default: detect")
    p.add_argument("--fps", type=float, default=None, help="frame rate, when the file has none")
    p.set_defaults(func=_cmd_info)


def _add_convert(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("convert", help="convert between formats")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--to", default=None, help="output format name; default: from the suffix")
    p.add_argument("--source-software", default="auto", help="input format; default: detect")
    p.add_argument("--fps", type=float, default=None, help="frame rate, when the input has none")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    p.set_defaults(func=_cmd_convert)


#: Functions that each add one subcommand to the parser. Later features append here.
def _cmd_convert_all(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tqdm.auto import tqdm

    from movement_like.io import registry

    out_dir = Path(args.out_dir)
    if not out_dir.is_dir():
        raise PathNotFoundError(f"{out_dir}: the output folder does not exist; create it first")
    suffix = args.suffix if args.suffix.startswith(".") else f".{args.suffix}"
    failures = []
    written: dict[Path, str] = {}
    for source in tqdm(args.inputs, desc="Converting", unit="file", disable=not args.progress):
        target = out_dir / f"{Path(source).stem}{suffix}"
        if target in written:
            failures.append(
                f"{source}: its output {target} is also the output of {written[target]}"
            )
            continue
        written[target] = source
        try:
            ds = registry.load(source, source_software=args.source_software, fps=args.fps)
            registry.save(ds, target, to=args.to, overwrite=args.overwrite)
        except USER_ERRORS as exc:
            failures.append(f"{source}: {user_message(exc)}")
    done = len(args.inputs) - len(failures)
    print(f"converted {done} of {len(args.inputs)} files into {out_dir}")
    for failure in failures:
        print(f"  failed: {failure}", file=sys.stderr)
    return 2 if failures else 0


def _add_convert_all(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "convert-all",
        help="convert many files into one folder (a failed file is reported, the rest go on)",
    )
    p.add_argument("inputs", nargs="+", help="files (or folders) to convert")
    p.add_argument("--out-dir", required=True, help="existing folder for the outputs")
    p.add_argument(
        "--suffix", default=".nc", help="ending of the outputs, which picks the format (.nc)"
    )
    p.add_argument("--to", default=None, help="output format name; default: from --suffix")
    p.add_argument("--source-software", default="auto", help="input format; default: detect")
    p.add_argument("--fps", type=float, default=None, help="frame rate, when the inputs have none")
    p.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    p.set_defaults(func=_cmd_convert_all)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_info,
    _add_convert,
    _add_convert_all,
]

# --- demo (the main job on the bundled sample; movement_like.demo imports lazily) ---
from movement_like.demo import add_demo_command  # noqa: E402

COMMANDS.append(add_demo_command)

# --- batch (a pipeline file over many inputs; movement_like.batch imports dask lazily) ---
from movement_like.batch.command import add_batch_command  # noqa: E402

COMMANDS.append(add_batch_command)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every registered subcommand."""
    from movement_like import __version__

    parser = argparse.ArgumentParser(
        prog="movement-like",
        description="Load, convert, clean and analyse tracked points from video.",
    )
    parser.add_argument("--version", action="version", version=f"movement-like {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv
        The arguments after the program name; ``None`` reads ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 when the user's input was refused (the error is
        printed to stderr without a traceback), or what the command returned.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "fps", None) is not None:  # named as the user typed it
            check_fps(args.fps, "--fps")
        return int(args.func(args) or 0)
    except USER_ERRORS as exc:  # any other exception is a bug: its traceback is shown
        print(f"movement-like {args.command}: error: {user_message(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
