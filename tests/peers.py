"""Where the peer libraries' interpreters are, for tests that compare with them.

``movement`` 0.17 needs Python 3.12 and ``dustrack`` pins numpy < 2, so neither can
live in our test environment: each runs through its own interpreter, named by
``MOVEMENT_PYTHON`` / ``DUSTRACK_PYTHON``, else found in ``../peers/<name>/bin/python``
beside the checkout (where CONTRIBUTING.md says to create them; ``.ci/run`` builds
them and sets the variables). A test that needs one is marked with
:func:`needs_peer`: it is skipped with a reason when the peer is absent, except in CI
(``CI`` set), where the peers are always built, so their absence fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PEERS = ("movement", "dustrack")


def peer_python(name: str) -> str | None:
    """The interpreter of peer ``name`` ("movement" or "dustrack"), or None."""
    candidate = os.environ.get(f"{name.upper()}_PYTHON") or str(
        ROOT.parent / "peers" / name / "bin" / "python"
    )
    return candidate if Path(candidate).is_file() else None


def needs_peer(name: str) -> pytest.MarkDecorator:
    """Mark a test that runs peer ``name`` (see the module docstring for what happens)."""
    if name not in PEERS:
        raise ValueError(f"unknown peer {name!r}; known: {PEERS}")
    return pytest.mark.peer(name)


def check_peer(item: pytest.Item) -> None:
    """Skip, or in CI fail, a test marked :func:`needs_peer` whose peer is absent."""
    for mark in item.iter_markers("peer"):
        (name,) = mark.args
        if peer_python(name) is not None:
            continue
        message = (
            f"no {name} interpreter: set {name.upper()}_PYTHON to a Python that has {name} "
            f"(bash .ci/install_peers.sh builds one)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run the peer tests", pytrace=False)
        pytest.skip(message)
