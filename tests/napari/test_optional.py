"""The plugin is optional: nothing but its Qt widget (and its controls) imports napari or Qt."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import importlib, pkgutil, sys, warnings
warnings.simplefilter("ignore")
import movement_like
for info in pkgutil.walk_packages(movement_like.__path__, "movement_like."):
    if info.name not in ("movement_like.napari.widget", "movement_like.napari.widget_controls"):
        importlib.import_module(info.name)
print(sorted(m for m in ("napari", "qtpy", "PyQt5", "PyQt6", "PySide2", "PySide6", "vispy")
             if m in sys.modules))
"""


def test_no_module_but_the_widget_and_its_controls_imports_napari_or_qt():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout
