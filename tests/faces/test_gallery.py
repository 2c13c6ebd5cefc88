"""The docs gallery: every script runs, writes its figure into the docs, and it is not blank."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import REALDATA

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "docs" / "gallery"
IMAGES = ROOT / "docs" / "images" / "gallery"
SCRIPTS = sorted(p for p in GALLERY.glob("*.py") if not p.name.startswith("_"))


def assert_not_blank(path: Path) -> None:
    """A real figure: mostly not one colour, many colours, something drawn on most of it."""
    from matplotlib.image import imread

    image = imread(path)[..., :3]
    height, width = image.shape[:2]
    assert width >= 600 and height >= 300, (path.name, width, height)
    flat = image.reshape(-1, 3)
    not_white = (flat < 0.95).any(axis=1).mean()
    assert not_white > 0.03, f"{path.name}: {not_white:.1%} of the pixels are not white"
    colours = len(np.unique((flat * 31).astype(np.uint8), axis=0))
    assert colours > 20, f"{path.name}: only {colours} colours"
    # every quarter of the width has something on it (no empty panels side by side)
    for quarter in np.array_split(image, 4, axis=1):
        assert (quarter < 0.95).any(axis=-1).mean() > 0.01, path.name


@pytest.fixture(scope="module")
def env():
    if not REALDATA.is_dir():
        message = f"real data folder {REALDATA} not found"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return dict(
        os.environ,
        MPLBACKEND="Agg",
        MOVEMENT_LIKE_SAMPLE_MIRROR=str(REALDATA),
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_gallery_script_renders_its_figure_into_the_docs(script, env, tmp_path):
    target = IMAGES / f"{script.stem}.png"
    result = subprocess.run(
        [sys.executable, str(script), str(IMAGES)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env | {"MOVEMENT_LIKE_DATA_DIR": str(tmp_path / "cache")},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert f"wrote {target}" in result.stdout
    assert_not_blank(target)


def test_every_script_is_on_the_gallery_page_with_its_figure():
    page = (ROOT / "docs" / "gallery.md").read_text(encoding="utf-8")
    included = set(re.findall(r'--8<-- "docs/gallery/(\w+)\.py"', page))
    shown = set(re.findall(r"\(images/gallery/(\w+)\.png\)", page))
    names = {p.stem for p in SCRIPTS}
    assert names <= included and names == shown
    assert len(names) >= 6
    for name in names:  # the committed figure the docs show is a real one
        assert_not_blank(IMAGES / f"{name}.png")


def test_blank_check_catches_a_blank_figure(tmp_path):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4))
    fig.add_subplot()
    fig.savefig(tmp_path / "blank.png")
    with pytest.raises(AssertionError):
        assert_not_blank(tmp_path / "blank.png")
