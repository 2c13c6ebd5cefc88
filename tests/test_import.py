"""Importing the facades stays light: no pynwb, sleap_io, cv2 or matplotlib."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["pynwb", "sleap_io", "cv2", "matplotlib", "hdmf", "ndx_pose", "dask.distributed"]


def test_facade_import_pulls_no_heavy_module():
    code = (
        "import sys\n"
        "from movement_like.io import load_poses\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout
