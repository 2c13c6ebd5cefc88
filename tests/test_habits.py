"""The project's habits run in the test command: lint, format and types are part of the suite.

So one command (``python -m pytest``, which ``.ci/run`` runs) checks everything, and a
change that breaks formatting or typing fails CI like a broken test.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["movement_like", "tests", "benchmarks", "scripts", "docs"]


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def tool(name: str) -> str:
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} is not installed; it is part of the test extra (pip install -e .[test])"
        )
    return path


def test_ruff_check():
    result = run(tool("ruff"), "check", *SOURCES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = run(tool("ruff"), "format", "--check", *SOURCES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy():
    result = run(sys.executable, "-m", "mypy", "movement_like")
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_ships_its_type_marker():
    assert (ROOT / "movement_like" / "py.typed").is_file()
    assert '"py.typed"' in (ROOT / "pyproject.toml").read_text()
