"""Timing helper shared by the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(func: Callable[[], object], repeats: int) -> float:
    """Best wall time of ``repeats`` calls: the run least disturbed by other processes."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)
