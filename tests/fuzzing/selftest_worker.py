"""A worker that misbehaves on purpose, to prove the pool sees every kind of failure.

Its recipes name the misbehaviour as their ``mutation``: ``crash`` (SIGSEGV),
``hang``, ``memory`` (asks for 64 GiB), ``foreign`` (a KeyError), ``ours`` (a
FileFormatError) or ``loaded``.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from tests.fuzzing import worker


def run_one(task: dict[str, Any]) -> dict[str, Any]:
    """Misbehave as the recipe says."""
    import numpy as np

    from movement_like.errors import FileFormatError

    what = task["recipe"]["mutation"]
    try:
        if what == "crash":
            os.kill(os.getpid(), signal.SIGSEGV)
        elif what == "hang":
            time.sleep(3600)
        elif what == "memory":
            np.ones(2**33)
        elif what == "foreign":
            raise KeyError("a foreign error")
        elif what == "ours":
            raise FileFormatError("x.h5", "damaged")
    except BaseException as exc:  # noqa: BLE001
        return worker.classify(exc)
    return {"outcome": "loaded"}


if __name__ == "__main__":
    worker.run_one = run_one
    worker._import_readers = lambda: None  # nothing to load: start fast
    worker.main()
