"""Helpers shared by the tests of movement_like.io.formats.dustrack."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

from tests.peers import needs_peer, peer_python

PEER = peer_python("dustrack")


needs_dustrack = needs_peer("dustrack")


def dustrack_text(layer: dict) -> str:
    """What DUSTrack writes: labels sorted numerically, frames ascending, indent 4."""
    ordered = {
        label: {int(f): [float(v) for v in layer[label][f]] for f in sorted(layer[label], key=int)}
        for label in sorted(layer, key=int)
    }
    return json.dumps(ordered, indent=4)


def write_json(path: Path, layer: dict) -> Path:
    path.write_text(json.dumps(layer, indent=4))
    return path


def write_video(path: Path, n_frames: int, fps: float = 30.0, size: int = 32) -> Path:
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (size, size))
    assert writer.isOpened()
    for i in range(n_frames):
        frame = np.full((size, size, 3), (i * 7) % 255, dtype=np.uint8)
        writer.write(frame)
    writer.release()
    return path


def run_peer(code: str, cwd: Path) -> object:
    """Run ``code`` with DUSTrack's interpreter; it prints one JSON line starting with '@@'."""
    result = subprocess.run(
        [PEER, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("@@"))
    return json.loads(line[2:])


layers_strategy = st.dictionaries(
    keys=st.integers(0, 30).map(str),
    values=st.dictionaries(
        keys=st.integers(0, 400),
        values=st.tuples(
            st.floats(allow_nan=False, allow_infinity=False)  # -0.0, 5e-324, 1e+16 ...
            | st.integers(-2000, 2000),
            st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False),
        ),
        max_size=12,
    ),
    min_size=1,
    max_size=8,
)
