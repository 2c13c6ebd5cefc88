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
