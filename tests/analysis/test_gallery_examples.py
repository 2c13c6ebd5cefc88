"""movement's gallery examples run with only the import changed, and print the same.

Each ``docs/examples/movement_*.py`` script is one of movement's gallery
examples (compute kinematics, smooth, head direction) written against our
package. Here it runs twice: as it is, under our interpreter, and with its
``movement_like`` imports turned back into ``movement`` imports (nothing
else changed), under movement 0.17's interpreter. The two outputs must be
identical, numbers and NaN reports included. (``tests/faces/test_docs.py``
runs every example as well, without the peer.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.peers import needs_peer, peer_python

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("movement_*.py"))
REALDATA = Path(os.environ.get("MOVEMENT_LIKE_REALDATA") or ROOT.parent / "shared" / "realdata")
IMPORT = re.compile(r"^(from |import )movement_like\b", flags=re.MULTILINE)


def run(python: str, script: Path, cwd: Path) -> str:
    env = dict(os.environ, MPLBACKEND="Agg", MOVEMENT_LIKE_REALDATA=str(REALDATA))
    completed = subprocess.run(
        [python, str(script)], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def test_three_gallery_examples():
    assert [p.stem for p in EXAMPLES] == [
        "movement_compute_kinematics",
        "movement_head_direction",
        "movement_smooth",
    ]
    for script in EXAMPLES:
        text = script.read_text(encoding="utf-8")
        # the only mention of our package in code is the import block
        code = [line for line in text.splitlines() if "movement_like" in line]
        assert all(
            IMPORT.match(line) or "MOVEMENT_LIKE_REALDATA" in line or line.startswith("#")
            for line in code
        ), code


@needs_peer("movement")
@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_gallery_example_prints_the_same_under_movement(script, tmp_path):
    if not REALDATA.is_dir():
        pytest.skip(f"no real data in {REALDATA}")
    ours = run(sys.executable, script, tmp_path)
    theirs_script = tmp_path / script.name
    theirs_script.write_text(
        IMPORT.sub(r"\1movement", script.read_text(encoding="utf-8")), encoding="utf-8"
    )
    theirs = run(peer_python("movement"), theirs_script, tmp_path)
    assert ours.strip()
    assert ours == theirs
