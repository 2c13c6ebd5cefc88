"""Shared set-up of the gallery scripts: where the real samples are and where figures go.

Each gallery script writes its figure into the folder given as its first
argument (default: ``docs/images/gallery`` in this checkout, the copy the docs
show). The real samples come from ``movement_like.sample_data``: from the mirror
``$MOVEMENT_LIKE_SAMPLE_MIRROR`` when set, else from ``../shared/realdata``
beside this checkout when it exists, else from the cache or their public
source (one download each).
"""

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
BESIDE = ROOT.parent / "shared" / "realdata"
if "MOVEMENT_LIKE_SAMPLE_MIRROR" not in os.environ and BESIDE.is_dir():
    os.environ["MOVEMENT_LIKE_SAMPLE_MIRROR"] = str(BESIDE)


def out_dir() -> Path:
    """Return the folder for figures: the first argument, else the docs' images."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images" / "gallery"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save(fig, name: str) -> Path:
    """Save ``fig`` as ``<out_dir>/<name>.png`` and say so."""
    path = out_dir() / f"{name}.png"
    fig.savefig(path, dpi=90)
    print(f"wrote {path}")
    return path


def mirror() -> Path | None:
    """Return the folder of real files, for formats the sample registry does not list."""
    value = os.environ.get("MOVEMENT_LIKE_SAMPLE_MIRROR")
    return Path(value) if value else None
