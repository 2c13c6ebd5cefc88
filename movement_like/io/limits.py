"""Limits on what a file may declare, checked before anything is allocated.

Some formats say how big the data is instead of holding it: a DUSTrack layer
``{"0": {"2147483648": [1, 2]}}`` is 30 bytes but names frame 2,147,483,648,
and reading it naively allocates a 32 GiB array of NaN. When something real
bounds such a claim (the frame count of the video next to the layer, the
file's own size) the readers use that; when nothing does, they use the limits
of this module and refuse, with an error that says how to go further, files
that declare more.

The defaults are far above any real recording (ten million frames are 92
hours at 30 frames per second) and far below what would exhaust a laptop.
Raise them for the rare file that needs more, for the whole process::

    from movement_like.io import limits

    limits.set_limits(max_frames=50_000_000)

or only around one call::

    with limits.raised(max_frames=50_000_000):
        ds = load_poses.from_file("long_annotations_manual.json")

or before Python starts, with the environment variables
``MOVEMENT_LIKE_MAX_FRAMES`` and ``MOVEMENT_LIKE_MAX_ARRAY_BYTES`` (read once,
when this module is first imported). The limits are process-wide; changing
them while other threads read files changes them for those reads too.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from movement_like.errors import ArgumentTypeError, FileFormatError, InvalidArgumentError

__all__ = [
    "Limits",
    "DEFAULT_MAX_FRAMES",
    "DEFAULT_MAX_ARRAY_BYTES",
    "get_limits",
    "set_limits",
    "raised",
    "check_frame_count",
    "check_array_size",
]

#: Default :attr:`Limits.max_frames`: ten million frames (92.6 h at 30 fps).
DEFAULT_MAX_FRAMES = 10_000_000

#: Default :attr:`Limits.max_array_bytes`: 4 GiB for one array a file asks for.
DEFAULT_MAX_ARRAY_BYTES = 4 * 2**30

#: How to raise the limits, for the messages.
_HOW = "movement_like.io.limits.set_limits({name}=...) or the environment variable {env}"
_ENV = {
    "max_frames": "MOVEMENT_LIKE_MAX_FRAMES",
    "max_array_bytes": "MOVEMENT_LIKE_MAX_ARRAY_BYTES",
}


@dataclasses.dataclass(frozen=True)
class Limits:
    """The limits in force (see the module's documentation).

    Attributes
    ----------
    max_frames
        The largest number of frames (largest frame index + 1) a file may
        declare when no video or other real bound says how many there are.
    max_array_bytes
        The largest array a reader allocates because a file declares its size.
    """

    max_frames: int = DEFAULT_MAX_FRAMES
    max_array_bytes: int = DEFAULT_MAX_ARRAY_BYTES


def _checked(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ArgumentTypeError(f"{name} must be a positive integer, got {value!r}")
    if value <= 0:
        raise InvalidArgumentError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _from_environment() -> Limits:
    values = {}
    for name, env in _ENV.items():
        text = os.environ.get(env, "").strip()
        if not text:
            continue
        try:
            values[name] = _checked(env, int(text.replace("_", "")))
        except ValueError as exc:
            raise InvalidArgumentError(
                f"the environment variable {env}={text!r} is not a positive integer"
            ) from exc
    return Limits(**values)


_current = _from_environment()


def get_limits() -> Limits:
    """Return the limits in force.

    Returns
    -------
    Limits
        The current ``max_frames`` and ``max_array_bytes``.
    """
    return _current


def set_limits(max_frames: int | None = None, max_array_bytes: int | None = None) -> Limits:
    """Change the limits for the whole process; return the previous ones.

    Parameters
    ----------
    max_frames, max_array_bytes
        New values (positive integers); None keeps the current one.

    Returns
    -------
    Limits
        The limits in force before the call (pass their fields back to restore them).
    """
    global _current
    previous = _current
    changes = {
        name: _checked(name, value)
        for name, value in (("max_frames", max_frames), ("max_array_bytes", max_array_bytes))
        if value is not None
    }
    _current = dataclasses.replace(_current, **changes)
    return previous


@contextmanager
def raised(max_frames: int | None = None, max_array_bytes: int | None = None) -> Iterator[Limits]:
    """Use other limits inside a ``with`` block, then restore the previous ones.

    Parameters
    ----------
    max_frames, max_array_bytes
        As in :func:`set_limits`.

    Yields
    ------
    Limits
        The limits in force inside the block.
    """
    previous = set_limits(max_frames, max_array_bytes)
    try:
        yield _current
    finally:
        set_limits(previous.max_frames, previous.max_array_bytes)


def _raise_hint(name: str) -> str:
    return _HOW.format(name=name, env=_ENV[name])


def check_frame_count(
    n_frames: int, path: str | os.PathLike | None, what: str, fix: str | None = None
) -> int:
    """Refuse a number of frames a file declares beyond :attr:`Limits.max_frames`.

    Parameters
    ----------
    n_frames
        The number of frames the file asks for (largest frame index + 1).
    path
        The file, for the message.
    what
        What declares it, for the message (e.g. ``"label '3' names frame 2147483647"``).
    fix
        A better way out than raising the limit, when there is one (e.g. "pass
        the video").

    Returns
    -------
    int
        ``n_frames``, when within the limit.

    Raises
    ------
    FileFormatError
        Naming the file, what declares the frames, the limit and how to raise it.
    """
    limit = _current.max_frames
    if n_frames > limit:
        hint = f"raise the limit with {_raise_hint('max_frames')}"
        raise FileFormatError(
            Path(path) if path is not None else None,
            f"{what}: that is {n_frames:,} frames, more than the limit of {limit:,} "
            "for a file not bounded by its video",
            f"{fix}, or {hint}" if fix else hint,
        )
    return n_frames


def check_array_size(
    shape: Sequence[int], dtype: np.dtype | type, path: str | os.PathLike | None, what: str
) -> None:
    """Refuse to allocate an array a file asks for beyond :attr:`Limits.max_array_bytes`.

    Parameters
    ----------
    shape, dtype
        The array about to be allocated.
    path
        The file, for the message.
    what
        What the array holds, for the message.

    Raises
    ------
    FileFormatError
        Naming the file, the size asked for, the limit and how to raise it.
    """
    size = math.prod(int(n) for n in shape) * np.dtype(dtype).itemsize
    limit = _current.max_array_bytes
    if size > limit:
        raise FileFormatError(
            Path(path) if path is not None else None,
            f"{what} would need {size / 2**30:,.1f} GiB (shape {tuple(shape)}), "
            f"more than the limit of {limit / 2**30:,.1f} GiB",
            f"raise the limit with {_raise_hint('max_array_bytes')}",
        )
