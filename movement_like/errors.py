"""The error types users catch.

Every error raised on purpose by ``movement_like`` derives from
:class:`MovementLikeError`, so ``except MovementLikeError`` catches all of them,
while each one also derives from the built-in type a Python user would expect
(``ValueError`` for bad values, ``TypeError`` for wrong types,
``FileExistsError`` for refused overwrites, ...), so code written against the
built-ins, or against ``movement``, keeps working.

Every error class lives in this module; the modules that raise them import
them from here.
"""

from __future__ import annotations

import errno
import os
import pickle
from typing import Any

__all__ = [
    "MovementLikeError",
    "InvalidArgumentError",
    "ArgumentTypeError",
    "InvalidDatasetError",
    "FileFormatError",
    "UnsafeFileError",
    "RefusedPickleError",
    "OverwriteError",
    "WriteError",
    "PathNotFoundError",
    "OutOfRangeError",
    "IsAFolderError",
    "DiskFullError",
    "MissingDependencyError",
    "AnnotationConflictError",
    "VideoNotFoundError",
    "SampleDataError",
    "RegistryError",
    "PipelineError",
]


class MovementLikeError(Exception):
    """Base class of every error raised on purpose by movement_like."""


class InvalidArgumentError(MovementLikeError, ValueError):
    """An argument has a value the function cannot work with (the message says which)."""


class ArgumentTypeError(MovementLikeError, TypeError):
    """An argument has the wrong type (the message says what to pass instead)."""


class InvalidDatasetError(MovementLikeError, ValueError):
    """A dataset or array does not follow the dataset contract."""


class FileFormatError(MovementLikeError, ValueError):
    """A file cannot be read: unknown format, truncated, or malformed.

    The message always names the file, the problem and, where possible, the fix.

    Parameters
    ----------
    path
        The file (None when the problem is not tied to one file).
    problem
        What is wrong, in a sentence.
    fix
        What the user can do about it, if anything.
    """

    def __init__(self, path: str | os.PathLike | None, problem: str, fix: str | None = None):
        self.path = None if path is None else os.fspath(path)
        self.problem = problem
        self.fix = fix
        where = f"{self.path}: " if self.path is not None else ""
        message = f"{where}{problem}"
        if fix:
            message += f" ({fix})"
        super().__init__(message)


class UnsafeFileError(FileFormatError):
    """A file asks for something a safe loader refuses (e.g. arbitrary pickled code).

    Parameters
    ----------
    path
        The file concerned (None when there is no file).
    problem
        What is wrong, in words a user understands.
    fix
        How to fix it, or None.
    """


class RefusedPickleError(UnsafeFileError, pickle.UnpicklingError):
    """A pickle asked for something the safe unpickler does not build.

    Raised while unpickling, before the refused object is imported or called;
    the reader that knows the file turns it into an :class:`UnsafeFileError`
    naming that file.

    Parameters
    ----------
    problem
        What was refused.
    """

    def __init__(self, problem: str):
        super().__init__(None, problem)


class OverwriteError(MovementLikeError, FileExistsError):
    """A writer refused to replace an existing file (pass ``overwrite=True``).

    Parameters
    ----------
    path
        The existing file.
    flag
        How the caller says "replace it": ``"overwrite=True"`` from Python,
        ``"--overwrite"`` from the command line.
    """

    def __init__(self, path: str | os.PathLike, flag: str = "overwrite=True"):
        self.path = os.fspath(path)
        super().__init__(f"{self.path}: file exists; pass {flag} to replace it")


class PathNotFoundError(MovementLikeError, FileNotFoundError):
    """A file or folder the caller named does not exist (the message says which and why)."""


class OutOfRangeError(MovementLikeError, IndexError):
    """A frame or index outside what the data or the video holds (the message gives the range)."""


class IsAFolderError(MovementLikeError, IsADirectoryError):
    """A folder was given where a file is needed (the message says which)."""


class WriteError(MovementLikeError, OSError):
    """A writer could not write a file, or what it wrote does not read back as written.

    Nothing was moved into place: the previous file, if any, is intact.

    Parameters
    ----------
    path
        The file that was to be written.
    problem
        What went wrong, in a sentence.
    fix
        What the user can do about it, if anything.
    """

    def __init__(self, path: str | os.PathLike, problem: str, fix: str | None = None):
        self.path = os.fspath(path)
        self.problem = problem
        self.fix = fix
        message = f"{self.path}: {problem}; the previous file, if any, is intact"
        if fix:
            message += f" ({fix})"
        super().__init__(message)


class DiskFullError(WriteError):
    """The disk (or the user's quota) filled up while writing; nothing was replaced.

    Parameters
    ----------
    path
        The file that was to be written.
    cause
        What the system or the writing library raised (``ENOSPC`` ...).
    """

    def __init__(self, path: str | os.PathLike, cause: BaseException):
        reason = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
        super().__init__(
            path,
            f"the disk is full ({reason})",
            "free some space, or write elsewhere, and write again",
        )
        self.errno = getattr(cause, "errno", None) or errno.ENOSPC


class MissingDependencyError(MovementLikeError, ImportError):
    """An optional dependency needed by this function is not installed.

    Parameters
    ----------
    package
        The missing package, as pip names it.
    extra
        The ``movement_like`` extra that installs it, if any.
    purpose
        What it is needed for, to complete "needed to ...".
    """

    def __init__(self, package: str, extra: str | None = None, purpose: str = ""):
        how = f'pip install "movement_like[{extra}]"' if extra else f"pip install {package}"
        what = f" to {purpose}" if purpose else ""
        super().__init__(f"the package '{package}' is needed{what}; install it with: {how}")


class AnnotationConflictError(MovementLikeError, ValueError):
    """Two label sets disagree on some points and the policy is ``"raise"``.

    Parameters
    ----------
    conflicts
        The table of conflicting points (see
        :func:`movement_like.annotations.merge_annotations`); kept as the
        attribute ``conflicts``.
    """

    def __init__(self, conflicts: Any):
        self.conflicts = conflicts
        shown = conflicts.head(5).to_string(index=False)
        more = f"\n… and {len(conflicts) - 5} more" if len(conflicts) > 5 else ""
        super().__init__(
            f"{len(conflicts)} point(s) differ between the two annotation sets "
            "(pass on_conflict='keep_base' or 'keep_new' to resolve them):\n" + shown + more
        )


class VideoNotFoundError(FileFormatError, FileNotFoundError):
    """The video file or image folder does not exist.

    Parameters
    ----------
    path
        The file concerned (None when there is no file).
    problem
        What is wrong, in words a user understands.
    fix
        How to fix it, or None.
    """


class SampleDataError(MovementLikeError, RuntimeError):
    """A sample file is unknown, missing, corrupted or could not be downloaded."""


class RegistryError(MovementLikeError, ValueError):
    """The sample-data registry file is malformed (the message names the line)."""


class PipelineError(MovementLikeError, ValueError):
    """A batch pipeline is malformed: unknown function or bad argument (names the step)."""
