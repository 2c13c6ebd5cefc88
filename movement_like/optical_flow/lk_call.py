"""One Lucas-Kanade call: DUSTrack's settings, the call itself, and a timer of the calls.

DUSTrack chains ``cv2.calcOpticalFlowPyrLK`` with ``winSize=(45, 45)``,
``maxLevel=2`` and ``criteria=(EPS | COUNT, 10, 0.03)`` (:data:`LK_DEFAULTS`).
Every LK call of the engine (:mod:`.tracks`) goes through :func:`lk_call`, so
:func:`lk_call_timer` can count and time them (the benchmarks measure the floor
with it). OpenCV is imported inside the call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from movement_like.errors import InvalidArgumentError

__all__ = ["LK_DEFAULTS", "LOST_POLICIES", "LKCallTimer", "lk_parameters", "lk_call_timer"]

#: DUSTrack's LK settings. ``criteria`` is ``(cv2.TERM_CRITERIA_EPS |
#: cv2.TERM_CRITERIA_COUNT, 10, 0.03)``; EPS = 2 and COUNT = 1 in OpenCV.
LK_DEFAULTS: dict[str, Any] = {"winSize": (45, 45), "maxLevel": 2, "criteria": (3, 10, 0.03)}


LOST_POLICIES = ("keep", "nan")


_LK_KEYS = {"winSize", "maxLevel", "criteria", "flags", "minEigThreshold"}


def lk_parameters(lk_params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return DUSTrack's LK settings updated with ``lk_params``.

    Parameters
    ----------
    lk_params
        Any of ``winSize`` (int or pair), ``maxLevel``, ``criteria`` (a
        ``(type, count, eps)`` triple), ``flags``, ``minEigThreshold``, as
        ``cv2.calcOpticalFlowPyrLK`` takes them.

    Returns
    -------
    dict
        Keyword arguments for ``cv2.calcOpticalFlowPyrLK``.
    """
    params = dict(LK_DEFAULTS)
    if lk_params:
        unknown = set(lk_params) - _LK_KEYS
        if unknown:
            raise InvalidArgumentError(
                f"unknown LK parameter(s) {sorted(unknown)}; allowed: {sorted(_LK_KEYS)}"
            )
        params.update(lk_params)
    win = params["winSize"]
    if isinstance(win, int | np.integer):
        win = (win, win)
    params["winSize"] = (int(win[0]), int(win[1]))
    params["maxLevel"] = int(params["maxLevel"])
    kind, count, eps = params["criteria"]
    params["criteria"] = (int(kind), int(count), float(eps))
    if min(params["winSize"]) < 3 or params["maxLevel"] < 0:
        raise InvalidArgumentError(f"invalid LK parameters: {params}")
    return params


def check_lost(lost: str) -> None:
    """Refuse a ``lost`` policy that is not one of :data:`LOST_POLICIES`."""
    if lost not in LOST_POLICIES:
        raise InvalidArgumentError(f"lost must be one of {LOST_POLICIES}, got {lost!r}")


@dataclass
class LKCallTimer:
    """Number and total duration of ``calcOpticalFlowPyrLK`` calls made while active.

    ``seconds`` is wall time inside the calls (it grows when other processes
    compete for the cores); ``cpu_seconds`` is the CPU time of the calling
    threads (OpenCV runs single-threaded inside the engine).

    Attributes
    ----------
    calls
        Number of calls.
    seconds
        Wall time spent inside them.
    cpu_seconds
        CPU time of the calling threads spent inside them.
    points
        Number of points tracked over all calls.
    """

    calls: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    points: int = 0


_TIMER: LKCallTimer | None = None


_TIMER_LOCK = threading.Lock()


@contextmanager
def lk_call_timer():
    """Count and time every LK call the engine makes inside the ``with`` block.

    Examples
    --------
    >>> with lk_call_timer() as timer:                               # doctest: +SKIP
    ...     reduce_jitter(position, "clip.mp4", progress=False)
    >>> timer.calls, timer.seconds                                    # doctest: +SKIP
    """
    global _TIMER
    timer = LKCallTimer()
    _TIMER = timer
    try:
        yield timer
    finally:
        _TIMER = None


def lk_call(prev: np.ndarray, nxt: np.ndarray, points: np.ndarray, params: dict[str, Any]):
    """Run one LK call on ``(m, 2)`` float32 points; return ``(next (m, 2), status (m,))``."""
    import cv2

    timer = _TIMER
    if timer is not None:
        t0, c0 = time.perf_counter(), time.thread_time()
    out, status, _err = cv2.calcOpticalFlowPyrLK(  # type: ignore[call-overload]
        prev, nxt, points.reshape(-1, 1, 2), None, **params
    )
    if timer is not None:
        elapsed, cpu = time.perf_counter() - t0, time.thread_time() - c0
        with _TIMER_LOCK:
            timer.calls += 1
            timer.seconds += elapsed
            timer.cpu_seconds += cpu
            timer.points += len(points)
    return out.reshape(-1, 2), status.reshape(-1)
