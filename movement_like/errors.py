"""The error types users catch.

Every error raised on purpose by ``movement_like`` derives from
:class:`MovementLikeError`, so ``except MovementLikeError`` catches all of them,
while each one also derives from the built-in type a Python user would expect
(``ValueError`` for bad values, ``FileExistsError`` for refused overwrites, ...).
"""

from __future__ import annotations

import os


class MovementLikeError(Exception):
    """Base class of every error raised on purpose by movement_like."""


class InvalidDatasetError(MovementLikeError, ValueError):
    """A dataset or array does not follow the dataset contract."""


class FileFormatError(MovementLikeError, ValueError):
    """A file cannot be read: unknown format, truncated, or malformed.

    The message always names the file, the problem and, where possible, the fix.
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
    """A file asks for something a safe loader refuses (e.g. arbitrary pickled code)."""


class OverwriteError(MovementLikeError, FileExistsError):
    """A writer refused to replace an existing file (pass ``overwrite=True``)."""

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        super().__init__(f"{self.path}: file exists; pass overwrite=True to replace it")


class MissingDependencyError(MovementLikeError, ImportError):
    """An optional dependency needed by this function is not installed."""

    def __init__(self, package: str, extra: str | None = None, purpose: str = ""):
        how = f'pip install "movement_like[{extra}]"' if extra else f"pip install {package}"
        what = f" to {purpose}" if purpose else ""
        super().__init__(f"the package '{package}' is needed{what}; install it with: {how}")
