"""Atomic, never-overwriting file writes for the I/O layer.

The implementation lives in :mod:`movement_like.utils.atomic`, a room every layer
may use (region files are written by :mod:`movement_like.roi.io`, which may not
import the I/O layer); this module keeps the import path of every writer.
"""

from movement_like.utils.atomic import (
    STALE_AFTER_S,
    atomic_path,
    check_writable,
    disk_is_full,
    new_partial_dir,
    partial_files,
    remove_stale_partials,
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
