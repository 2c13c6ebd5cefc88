"""Modules that raise only our error classes, never a bare built-in.

Each module listed here has been converted: every ``raise`` names a class from
``movement_like.errors`` (each also a built-in, so callers catching
``ValueError`` or ``FileNotFoundError`` keep working). Add a module when it is
converted.
"""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest

import movement_like
from movement_like import errors
from movement_like.io import load_netcdf
from movement_like.io.atomic import check_writable

PACKAGE = Path(movement_like.__file__).parent

CONVERTED = ["cli.py", "io/atomic.py", "io/netcdf.py", "io/netcdf_screen.py"]
CONVERTED += [
    "io/_arguments.py",
    "io/array_layout.py",
    "io/load.py",
    "io/load_poses.py",
    "io/load_bboxes.py",
    "io/save_poses.py",
    "io/save_bboxes.py",
    "io/movement_compat.py",
    "plots/__init__.py",
    "plots/_select.py",
    "plots/tracks.py",
    "plots/trajectory.py",
    "plots/occupancy.py",
    "plots/frame.py",
]

BUILTIN_ERRORS = {
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}


@pytest.mark.parametrize("module", CONVERTED)
def test_module_raises_only_our_errors(module):
    tree = ast.parse((PACKAGE / module).read_text())
    bare = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            called = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(called, ast.Name) and called.id in BUILTIN_ERRORS:
                bare.append(f"line {node.lineno}: raise {called.id}")
    assert not bare, bare


def test_path_errors_are_ours_and_still_the_builtins(tmp_path):
    with pytest.raises(errors.IsAFolderError) as folder:
        check_writable(tmp_path, overwrite=True)
    assert isinstance(folder.value, IsADirectoryError)
    with pytest.raises(errors.PathNotFoundError) as missing:
        check_writable(tmp_path / "no" / "such.nc", overwrite=True)
    assert isinstance(missing.value, FileNotFoundError)
    with pytest.raises(errors.PathNotFoundError, match="no such file"):
        load_netcdf(tmp_path / "missing.nc")
