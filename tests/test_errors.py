"""The error hierarchy: one base class, each error also the built-in a caller would catch."""

import ast
import inspect
from pathlib import Path

import pandas as pd
import pytest

import movement_like
from movement_like import errors

PACKAGE = Path(movement_like.__file__).parent


def test_every_error_class_lives_in_errors_py():
    """No module but errors.py defines an exception class (they all import from it)."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name | ast.Attribute)
                and ast.unparse(base).split(".")[-1].endswith(("Error", "Exception"))
                for base in node.bases
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    assert not offenders, offenders


@pytest.mark.parametrize("name", errors.__all__)
def test_every_error_derives_from_the_base_and_a_builtin(name):
    cls = getattr(errors, name)
    assert issubclass(cls, errors.MovementLikeError)
    if cls is not errors.MovementLikeError:
        builtins = [c for c in inspect.getmro(cls) if c.__module__ == "builtins"]
        assert set(builtins) - {Exception, BaseException, object}, f"{name}: {builtins}"


def test_file_format_error_names_file_problem_and_fix():
    exc = errors.FileFormatError("a.h5", "the table is empty", "re-export it")
    assert str(exc) == "a.h5: the table is empty (re-export it)"
    assert (exc.path, exc.problem, exc.fix) == ("a.h5", "the table is empty", "re-export it")


def test_overwrite_error_names_the_flag_of_the_caller():
    assert "pass overwrite=True" in str(errors.OverwriteError("x.nc"))
    assert "pass --overwrite" in str(errors.OverwriteError("x.nc", flag="--overwrite"))
    assert isinstance(errors.OverwriteError("x.nc"), FileExistsError)


def test_annotation_conflict_keeps_its_table():
    table = pd.DataFrame({"frame": range(7)})
    exc = errors.AnnotationConflictError(table)
    assert exc.conflicts is table and "7 point(s)" in str(exc) and "2 more" in str(exc)


def test_old_import_locations_still_work():
    from movement_like.annotations import AnnotationConflictError
    from movement_like.optical_flow import VideoNotFoundError
    from movement_like.sample_data import SampleDataError

    assert AnnotationConflictError is errors.AnnotationConflictError
    assert VideoNotFoundError is errors.VideoNotFoundError
    assert SampleDataError is errors.SampleDataError


#: Built-in exceptions the package never raises itself: it raises the error class of ours
#: that derives from the same built-in, so that ``except MovementLikeError`` catches it.
#: (``RuntimeError`` is left for broken internal invariants: a bug, not a user's mistake.)
BUILTINS_RAISED_AS_OURS = {
    "ValueError",
    "TypeError",
    "KeyError",
    "IndexError",
    "OSError",
    "FileNotFoundError",
    "FileExistsError",
    "IsADirectoryError",
    "ImportError",
}


def bare_builtin_raises(source: str) -> list[tuple[int, str]]:
    """``(line, name)`` of every ``raise Builtin(...)`` / ``raise Builtin`` in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(target, ast.Name) and target.id in BUILTINS_RAISED_AS_OURS:
                found.append((node.lineno, target.id))
    return found


def test_the_package_raises_its_own_errors_not_bare_builtins():
    bare = {
        f"{path.relative_to(PACKAGE.parent)}:{line}": name
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, name in bare_builtin_raises(path.read_text())
    }
    assert bare == {}


def test_the_bare_raise_check_sees_one():
    source = "def f(x):\n    if x:\n        raise ValueError('no')\n    raise errors.X('fine')\n"
    assert bare_builtin_raises(source) == [(3, "ValueError")]
