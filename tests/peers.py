"""Where the peer libraries' interpreters are, for tests that compare with them.

``movement`` 0.17 needs Python 3.12 and ``dustrack`` pins numpy < 2, so neither can
live in our test environment: each runs through its own interpreter, named by
``MOVEMENT_PYTHON`` / ``DUSTRACK_PYTHON``, else found in ``../peers/<name>/bin/python``
beside the checkout (where CONTRIBUTING.md says to create them). Tests that need
one are skipped when it is absent, with a reason that says how to provide it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def peer_python(name: str) -> str | None:
    """The interpreter of peer ``name`` ("movement" or "dustrack"), or None."""
    candidate = os.environ.get(f"{name.upper()}_PYTHON") or str(
        ROOT.parent / "peers" / name / "bin" / "python"
    )
    return candidate if Path(candidate).is_file() else None


def needs_peer(name: str) -> pytest.MarkDecorator:
    """Skip unless the interpreter of peer ``name`` is available."""
    return pytest.mark.skipif(
        peer_python(name) is None,
        reason=f"no {name} interpreter: set {name.upper()}_PYTHON to a Python that has {name}",
    )
