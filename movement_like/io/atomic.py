"""Writing files so that nothing is ever lost.

Every writer in ``movement_like`` writes into a temporary file in the folder of
the target and renames it into place only when the write has succeeded. A crash
half-way leaves the previous file intact and no temporary file behind, and an
existing file is only replaced when the caller says ``overwrite=True``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from movement_like.errors import OverwriteError

__all__ = ["atomic_path", "check_writable"]


def check_writable(path: str | os.PathLike, overwrite: bool) -> Path:
    """Return ``path`` as a Path after checking it may be written.

    Raises
    ------
    OverwriteError
        If the file exists and ``overwrite`` is false.
    FileNotFoundError
        If the folder that should hold the file does not exist.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise IsADirectoryError(f"{target}: is a folder; give a file path to write to")
    if target.exists() and not overwrite:
        raise OverwriteError(target)
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"{target}: the folder {target.parent} does not exist; create it first"
        )
    return target


def _final_mode(target: Path) -> int:
    """Return the permissions the written file should get.

    ``mkstemp`` creates files readable by their owner only; a replaced file
    keeps its own permissions, a new one gets what ``open()`` would give it
    (0o666 less the process umask).
    """
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_path(path: str | os.PathLike, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write to; move it onto ``path`` on success.

    The temporary file sits in the same folder as ``path`` (so the final rename
    is atomic on the same file system) and keeps the suffix of ``path`` (some
    writers choose their format by suffix). If the body raises, the temporary
    file is removed and ``path`` is left as it was.

    Examples
    --------
    >>> with atomic_path("poses.nc", overwrite=True) as tmp:  # doctest: +SKIP
    ...     ds.to_netcdf(tmp)
    """
    target = check_writable(path, overwrite)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=f".partial{target.suffix}", dir=target.parent
    )
    os.close(handle)
    tmp = Path(temporary)
    try:
        yield tmp
        if target.exists() and not overwrite:  # appeared while we were writing
            raise OverwriteError(target)
        os.chmod(tmp, _final_mode(target))
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
