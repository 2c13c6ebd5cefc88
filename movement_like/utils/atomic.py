"""Writing files so that nothing is ever lost.

Every writer in ``movement_like`` writes into a temporary file in the folder of
the target and moves it into place only when the write has succeeded (and,
where the writer asks, been checked). A crash half-way leaves the previous file
intact, and an existing file is only replaced when the caller says
``overwrite=True``; without it, publishing is atomic: of two processes creating
the same new file at once, exactly one succeeds and the other gets an
:class:`~movement_like.errors.OverwriteError`.

Temporary files
---------------
A temporary file is named ``.<name>.<host>-<pid>-<random>.partial<suffix>``,
e.g. ``.poses.nc.a1b2c3-4242-k9x2f1.partial.nc`` for ``poses.nc``: hidden,
next to its target, with the writer's host (a short hash) and process id. A
writer killed outright (``kill -9``, a power cut) cannot remove its temporary
file; the next write to the same target removes the ones left behind, that is
those whose writer process is gone (on this host) or that have not been written
to for :data:`STALE_AFTER_S` seconds. To clean a folder by hand, delete the
files matching ``.*.partial*`` while no writer runs there.

Writers of folders (zarr stores) name their temporary folder the same way
(:func:`new_partial_dir`, e.g. ``.poses.zarr.a1b2c3-4242-k9x2f1.partial.zarr``)
and call :func:`remove_stale_partials` before each write; a folder is stale by
the same rule, its age being that of the newest file in it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from movement_like.errors import (
    DiskFullError,
    IsAFolderError,
    OverwriteError,
    PathNotFoundError,
    WriteError,
)

__all__ = [
    "atomic_path",
    "check_writable",
    "partial_files",
    "new_partial_dir",
    "remove_stale_partials",
    "disk_is_full",
    "STALE_AFTER_S",
]

#: A temporary file not written to for this long is stale even if its writer seems alive.
STALE_AFTER_S = 30 * 60

#: A write that fails with less than this left on its file system failed for lack of space.
FULL_BELOW_BYTES = 1 << 20

_HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def check_writable(path: str | os.PathLike, overwrite: bool) -> Path:
    """Return ``path`` as a Path after checking it may be written.

    Parameters
    ----------
    path
        The file to write.
    overwrite
        Whether an existing file may be replaced.

    Returns
    -------
    pathlib.Path
        The target, with ``~`` expanded.

    Raises
    ------
    OverwriteError
        If the file exists and ``overwrite`` is false.
    PathNotFoundError
        If the folder that should hold the file does not exist (a ``FileNotFoundError``).
    IsAFolderError
        If ``path`` is a folder (an ``IsADirectoryError``).
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise IsAFolderError(f"{target}: is a folder; give a file path to write to")
    if target.exists() and not overwrite:
        raise OverwriteError(target)
    if not target.parent.is_dir():
        raise PathNotFoundError(
            f"{target}: the folder {target.parent} does not exist; create it first"
        )
    return target


def _final_mode(target: Path) -> int:
    """Return the permissions the written file should get.

    Temporary files are created readable by their owner only; a replaced file
    keeps its own permissions, a new one gets what ``open()`` would give it
    (0o666 less the process umask).
    """
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _partial_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(
        rf"^\.{re.escape(target.name)}\.(?P<host>[0-9a-f]{{6}})-(?P<pid>\d+)-[0-9a-z]+"
        rf"\.partial{re.escape(target.suffix)}$"
    )


def partial_files(path: str | os.PathLike) -> list[Path]:
    """List the temporary files of writes to ``path`` (running or left behind).

    Parameters
    ----------
    path
        The target of the writes.

    Returns
    -------
    list of pathlib.Path
        Files named as :func:`atomic_path` names its temporary files for ``path``.
    """
    target = Path(path).expanduser()
    pattern = _partial_pattern(target)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    return sorted(target.parent / n for n in names if pattern.match(n))


def _is_stale(partial: Path, pattern: re.Pattern[str]) -> bool:
    match = pattern.match(partial.name)
    if match is None:
        return False
    try:
        age = time.time() - _last_written(partial)
    except FileNotFoundError:
        return False
    if age > STALE_AFTER_S:
        return True
    if match["host"] != _HOST:
        return False  # another machine's writer (shared folder): only age tells
    pid = int(match["pid"])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def _last_written(partial: Path) -> float:
    """Modification time of a file; of a folder, that of the newest thing in it."""
    newest = partial.lstat().st_mtime
    if partial.is_dir() and not partial.is_symlink():
        for root, dirs, files in os.walk(partial):
            for name in dirs + files:
                try:
                    newest = max(newest, os.lstat(os.path.join(root, name)).st_mtime)
                except FileNotFoundError:
                    continue
    return newest


def remove_stale_partials(path: str | os.PathLike) -> list[Path]:
    """Remove the temporary files (or folders) that killed writers left behind for ``path``.

    Stale are those whose writer process is gone (on this host) or that have
    not been written to for :data:`STALE_AFTER_S` seconds; the temporary files
    of running writes are kept.

    Parameters
    ----------
    path
        The target of the writes.

    Returns
    -------
    list of pathlib.Path
        What was removed.
    """
    target = Path(path).expanduser()
    pattern = _partial_pattern(target)
    removed = []
    for partial in partial_files(target):
        if not _is_stale(partial, pattern):
            continue
        if partial.is_dir() and not partial.is_symlink():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.unlink(missing_ok=True)
        removed.append(partial)
    return removed


def _partial_name(target: Path) -> Path:
    token = secrets.token_hex(3)
    return target.parent / f".{target.name}.{_HOST}-{os.getpid()}-{token}.partial{target.suffix}"


def new_partial_dir(path: str | os.PathLike) -> Path:
    """Create an empty temporary folder next to ``path``, named as temporary files are.

    Parameters
    ----------
    path
        The folder to be written (e.g. a zarr store).

    Returns
    -------
    pathlib.Path
        The new, empty folder (readable by its owner only).

    Raises
    ------
    WriteError
        If no such folder could be created.
    """
    target = Path(path).expanduser()
    for _ in range(100):
        tmp = _partial_name(target)
        try:
            os.mkdir(tmp, 0o700)
        except FileExistsError:
            continue
        return tmp
    raise WriteError(target, "could not create a temporary folder next to it")


def _new_partial(target: Path) -> Path:
    for _ in range(100):
        tmp = _partial_name(target)
        try:
            handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(handle)
        return tmp
    raise WriteError(target, "could not create a temporary file next to it")


def _sync(path: Path) -> None:
    """Flush a file (or folder) to disk; a no-op where the system does not allow it."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _publish(tmp: Path, target: Path, overwrite: bool) -> None:
    """Move ``tmp`` onto ``target``: atomically, and never over a file unless ``overwrite``."""
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails if target exists, whoever created it meanwhile
    except FileExistsError:
        raise OverwriteError(target) from None
    except OSError as exc:  # a file system without hard links: reserve the name first
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
            raise
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise OverwriteError(target) from None
        os.replace(tmp, target)
        return
    tmp.unlink()


@contextmanager
def atomic_path(
    path: str | os.PathLike,
    overwrite: bool = False,
    verify: Callable[[Path], object] | None = None,
) -> Iterator[Path]:
    """Yield a temporary path to write to; move it onto ``path`` on success.

    The temporary file (see the module docstring for its name) sits in the
    folder of ``path``, so that the final move is atomic, and ends with the
    suffix of ``path`` (some writers choose their format by suffix). It exists,
    empty, when the body starts. If the body raises, or ``verify`` does, the
    temporary file is removed and ``path`` is left as it was. Temporary files
    that killed writers left behind for ``path`` are removed first.

    Parameters
    ----------
    path
        The file to write.
    overwrite
        Replace an existing file. Without it an existing file raises
        :class:`~movement_like.errors.OverwriteError`, before writing and again,
        atomically, at the move (another process may have created it meanwhile).
    verify
        Called with the temporary path once the body has written it, before the
        move: it should read the file back and raise if it is not what was
        written. (A writer may equally check at the end of its ``with`` body.)

    Yields
    ------
    pathlib.Path
        The temporary file to write.

    Raises
    ------
    DiskFullError
        If the disk (or quota) fills up while writing; ``path`` is intact.

    Examples
    --------
    >>> with atomic_path("poses.nc", overwrite=True, verify=check) as tmp:  # doctest: +SKIP
    ...     ds.to_netcdf(tmp)
    """
    target = check_writable(path, overwrite)
    remove_stale_partials(target)
    tmp = _new_partial(target)
    try:
        yield tmp
        if verify is not None:
            verify(tmp)
        _sync(tmp)
        os.chmod(tmp, _final_mode(target))
        _publish(tmp, target, overwrite)
        _sync(target.parent)
    except (OSError, RuntimeError) as exc:
        # libraries such as netCDF-C report a full disk as a generic I/O error
        full = getattr(exc, "errno", None) in _FULL or disk_is_full(target.parent)
        tmp.unlink(missing_ok=True)
        if full and not isinstance(exc, OverwriteError):
            raise DiskFullError(target, exc) from exc
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def disk_is_full(folder: str | os.PathLike) -> bool:
    """Tell whether the file system of ``folder`` has (next to) no space left.

    Parameters
    ----------
    folder
        Any folder on the file system.

    Returns
    -------
    bool
        True when less than :data:`FULL_BELOW_BYTES` are available to this user.
    """
    folder = Path(folder)
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < FULL_BELOW_BYTES
