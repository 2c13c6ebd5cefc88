"""Every public function and class documents what it takes and what it gives (numpydoc).

The public API is the list in ``tests/public_api.txt`` (see ``test_public_api.py``).
Each function and class there is validated with :func:`numpydoc.validate.validate`
for the checks that tell a user something is missing:

* ``GL08``: no docstring at all;
* ``PR01`` / ``PR02``: a parameter is not documented, or a documented one does not exist;
* ``RT01``: the function returns a value but has no ``Returns`` (or ``Yields``) section.

A dataclass or named tuple may document its fields under ``Attributes`` instead of ``Parameters``
(they are the same names), and a typing ``Protocol`` has no parameters of its own.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from pathlib import Path

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

PUBLIC_API = Path(__file__).with_name("public_api.txt")
CHECKS = {"GL08", "PR01", "PR02", "RT01"}


def public_objects() -> dict[str, object]:
    """``qualified name -> object`` for every public function and class of the package."""
    found: dict[str, object] = {}
    for line in PUBLIC_API.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        module_name, name = line.split(":")
        obj = getattr(importlib.import_module(module_name), name)
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        module = getattr(obj, "__module__", "") or ""
        if module.split(".")[0] != "movement_like":
            continue  # a re-export of another library's object
        found.setdefault(f"{module}.{obj.__qualname__}", obj)
    return found


def documented_attributes(obj: object) -> set[str]:
    """Names listed in the ``Attributes`` section of a class docstring."""
    doc = numpydoc_validate.Validator(numpydoc_validate.get_doc_object(obj))
    return {name for name, _, _ in doc.doc["Attributes"]}


def record_fields(obj: type) -> set[str]:
    """The fields of a dataclass or a named tuple (their constructor's parameters)."""
    if dataclasses.is_dataclass(obj):
        return {field.name for field in dataclasses.fields(obj)}
    return set(getattr(obj, "_fields", ()))


def problems_of(name: str, obj: object) -> list[str]:
    """The numpydoc problems of one object, as ``"CODE message"`` strings."""
    problems = []
    is_protocol = inspect.isclass(obj) and getattr(obj, "_is_protocol", False)
    for code, message in numpydoc_validate.validate(name)["errors"]:
        if code not in CHECKS:
            continue
        if code in {"PR01", "PR02"} and is_protocol:
            continue
        if code == "PR01" and inspect.isclass(obj) and record_fields(obj):
            if record_fields(obj) <= documented_attributes(obj):
                continue
        problems.append(f"{code} {message}")
    return problems


OBJECTS = public_objects()


def test_the_public_api_has_functions_and_classes_to_check():
    assert len(OBJECTS) > 150


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_public_docstring(name):
    assert problems_of(name, OBJECTS[name]) == []


def test_the_check_finds_an_undocumented_parameter_and_a_missing_returns(tmp_path, monkeypatch):
    module = tmp_path / "badly_documented.py"
    module.write_text(
        'def scale(data, factor):\n    """Scale data.\n\n    Parameters\n    ----------\n'
        '    data : float\n        What to scale.\n    """\n    return data * factor\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    bad = importlib.import_module("badly_documented")
    problems = problems_of("badly_documented.scale", bad.scale)
    assert any(p.startswith("PR01") and "factor" in p for p in problems)
    assert any(p.startswith("RT01") for p in problems)
