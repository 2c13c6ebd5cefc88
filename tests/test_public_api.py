"""The public names of every module stay where users found them.

``tests/public_api.txt`` lists ``module:name`` for every public name of every
module of the package (its ``__all__``, or else the functions and classes it
defines without a leading underscore). A name that disappears fails this test:
a public name is renamed or moved only with a deprecation (see CONTRIBUTING).
New names are recorded by running ``python tests/test_public_api.py``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

import pytest

import movement_like

LISTING = Path(__file__).with_name("public_api.txt")

#: Optional parts whose import needs extras that a plain install lacks.
OPTIONAL = (  # Qt: needs the napari extra
    "movement_like.napari.widget",
    "movement_like.napari.widget_controls",
)


def public_names() -> set[str]:
    """``module:name`` for every public name of every importable module."""
    names = set()
    for info in pkgutil.walk_packages(movement_like.__path__, "movement_like."):
        if info.name.startswith(OPTIONAL) or any(
            part.startswith("_") for part in info.name.split(".")
        ):
            continue
        module = importlib.import_module(info.name)
        if hasattr(module, "__all__"):
            exported = list(module.__all__)
        else:
            exported = [
                name
                for name, value in vars(module).items()
                if not name.startswith("_")
                and (inspect.isfunction(value) or inspect.isclass(value))
                and value.__module__ == module.__name__
            ]
        names.update(f"{info.name}:{name}" for name in exported)
    return names


def recorded() -> set[str]:
    return {line for line in LISTING.read_text().splitlines() if line and line[0] != "#"}


@pytest.mark.filterwarnings("ignore::FutureWarning")  # a deprecated name still counts
def test_no_public_name_disappears():
    missing = recorded() - public_names()
    assert not missing, "public names removed or moved without a deprecation:\n" + "\n".join(
        sorted(missing)
    )


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_every_recorded_name_resolves():
    for entry in sorted(recorded()):
        module, name = entry.split(":")
        assert hasattr(importlib.import_module(module), name), entry


if __name__ == "__main__":
    names = sorted(public_names() | (recorded() if LISTING.exists() else set()))
    LISTING.write_text(
        "# module:name of every public name (python tests/test_public_api.py adds new ones)\n"
        + "\n".join(names)
        + "\n"
    )
    sys.stdout.write(f"{len(names)} public names recorded in {LISTING}\n")
