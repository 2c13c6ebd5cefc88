"""Run a snippet under movement 0.17's interpreter, on the same rebuilt datasets.

The snippet sees :mod:`datasets` (numpy and xarray only, so it imports under
movement's Python too), movement itself, and ``encode`` (a DataArray as values,
dims and name); it sets ``answer`` to something
JSON can carry, which is returned. Tests using this are marked
``needs_peer("movement")``: skipped without the peer, failed in CI (tests/peers.py).
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path
from typing import Any

from tests.peers import peer_python

HERE = Path(__file__).resolve().parent

_PRELUDE = f"""
import json, sys, warnings
sys.path.insert(0, {str(HERE)!r})
warnings.simplefilter("ignore")
from loguru import logger
logger.remove()
import datasets


def encode(da):
    return {{"values": da.values.tolist(), "dims": list(da.dims), "name": da.name}}
"""


def movement_answer(snippet: str) -> Any:
    """What ``snippet`` leaves in ``answer`` when run with movement 0.17."""
    python = peer_python("movement")
    assert python is not None, "no movement interpreter (see tests/peers.py)"
    code = _PRELUDE + textwrap.dedent(snippet) + "\nprint(json.dumps(answer))\n"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
