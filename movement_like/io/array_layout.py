"""Which axis order a NumPy array handed to ``from_numpy`` is in: ours or ``movement``'s.

Ours is ``(time, individuals, keypoints, space)`` for poses and
``(time, individuals, space)`` for boxes; ``movement`` puts ``space`` second:
``(time, space, keypoint, individual)`` and ``(time, space, individual)``. A
``(10, 2, 3, 2)`` array fits both (2 individuals × 3 keypoints in 2-D, or 2-D ×
3 keypoints × 2 individuals), and reading it the wrong way gives wrong data
with no error. So :func:`resolve_layout` decides from everything the caller
gave (the shapes of the position and confidence arrays, the number of names),
answers when exactly one reading fits, and refuses when both do.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from movement_like.errors import InvalidArgumentError

__all__ = ["LAYOUTS", "LayoutAssumedWarning", "resolve_layout", "movement_to_ours"]

#: The accepted values of ``layout=``.
LAYOUTS = ("auto", "movement_like", "movement")

_ORDER = {
    ("poses", "movement_like"): "(time, individuals, keypoints, space)",
    ("poses", "movement"): "(time, space, keypoint, individual)",
    ("bboxes", "movement_like"): "(time, individuals, space)",
    ("bboxes", "movement"): "(time, space, individual)",
}


class LayoutAssumedWarning(UserWarning):
    """``layout="auto"`` read an array in ``movement``'s axis order, the only one it fits."""


def _count(names: str | Sequence[str] | None) -> int | None:
    if names is None:
        return None
    if isinstance(names, str):
        return 1
    return int(np.asarray(names, dtype=object).size)


def _why_not(
    kind: str,
    layout: str,
    shape: tuple[int, ...],
    confidence_shape: tuple[int, ...] | None,
    n_individuals: int | None,
    n_keypoints: int | None,
) -> str | None:
    """Why ``shape`` cannot be in ``layout`` (``None`` if it can)."""
    ndim = 4 if kind == "poses" else 3
    if len(shape) != ndim:
        return f"it has {len(shape)} axes, not {ndim}"
    spaces = (2, 3) if kind == "poses" else (2,)
    space_axis = -1 if layout == "movement_like" else 1
    if shape[space_axis] not in spaces:
        where = "last" if layout == "movement_like" else "second"
        return f"its {where} axis (space) has {shape[space_axis]} values, not {spaces}"
    if kind == "poses":
        ind, kp = (shape[1], shape[2]) if layout == "movement_like" else (shape[3], shape[2])
        expected_conf: tuple[int, ...] = (
            (shape[0], ind, kp) if layout == "movement_like" else (shape[0], kp, ind)
        )
    else:
        ind = shape[1] if layout == "movement_like" else shape[2]
        kp = None
        expected_conf = (shape[0], ind)
    if confidence_shape is not None and confidence_shape != expected_conf:
        return f"the confidence array would have shape {expected_conf}, not {confidence_shape}"
    if n_individuals is not None and n_individuals != ind:
        return f"it would hold {ind} individuals, not the {n_individuals} named"
    if n_keypoints is not None and kp is not None and n_keypoints != kp:
        return f"it would hold {kp} keypoints, not the {n_keypoints} named"
    return None


def resolve_layout(
    layout: str,
    kind: str,
    position: np.ndarray,
    confidence: np.ndarray | None = None,
    individual_names: str | Sequence[str] | None = None,
    keypoint_names: str | Sequence[str] | None = None,
) -> str:
    """Return the layout (``"movement_like"`` or ``"movement"``) of ``position``.

    Parameters
    ----------
    layout
        ``"auto"``, ``"movement_like"`` (ours) or ``"movement"``.
    kind
        ``"poses"`` or ``"bboxes"``.
    position, confidence
        The arrays (confidence may be ``None``).
    individual_names, keypoint_names
        The names given, if any (only their number is used).

    Returns
    -------
    str
        ``layout`` itself unless it is ``"auto"``; then the one layout that fits
        (with a :class:`LayoutAssumedWarning` when it is ``movement``'s), or
        ours when none fits, so that the contract's checks say what is wrong.

    Raises
    ------
    InvalidArgumentError
        If ``layout`` is not one of :data:`LAYOUTS`, or it is ``"auto"`` and
        both layouts fit (the message shows both readings).
    """
    if layout not in LAYOUTS:
        raise InvalidArgumentError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    if layout != "auto":
        return layout
    shape = tuple(position.shape)
    confidence_shape = None if confidence is None else tuple(np.shape(confidence))
    n_ind, n_kp = _count(individual_names), _count(keypoint_names)
    reasons = {
        name: _why_not(kind, name, shape, confidence_shape, n_ind, n_kp)
        for name in ("movement_like", "movement")
    }
    fitting = [name for name, reason in reasons.items() if reason is None]
    if len(fitting) == 2:
        raise InvalidArgumentError(
            f"a position array of shape {shape} fits both axis orders: ours "
            f"{_ORDER[kind, 'movement_like']} and movement's {_ORDER[kind, 'movement']}, "
            "which read it as different data; pass layout='movement_like' or "
            "layout='movement' (or the names or confidence array, which can tell them apart)"
        )
    if not fitting:  # the contract's checks say what is wrong, in our terms
        return "movement_like"
    (chosen,) = fitting
    if chosen == "movement":
        warnings.warn(
            f"position array of shape {shape} read in movement's axis order "
            f"{_ORDER[kind, 'movement']}, the only one the arrays and names fit (ours is "
            f"{_ORDER[kind, 'movement_like']}); pass layout='movement' to say so",
            LayoutAssumedWarning,
            stacklevel=3,
        )
    return chosen


def movement_to_ours(array: Any, kind: str, what: str) -> Any:
    """Move the axes of one of ``movement``'s arrays into our order (``None`` stays).

    Parameters
    ----------
    array
        The array in movement's axis order, or None.
    kind
        ``"poses"`` or ``"bboxes"``: which of movement's layouts the array follows.
    what
        The variable's name; ``"confidence"`` has no ``space`` axis.

    Returns
    -------
    numpy.ndarray or None
        The array with its axes in our order (``time``, ``individuals``, ...), or None.
    """
    if array is None:
        return None
    values = np.asarray(array)
    if what == "confidence":
        if kind == "poses" and values.ndim == 3:  # (time, keypoint, individual)
            return np.swapaxes(values, 1, 2)
        return values
    if kind == "poses" and values.ndim == 4:  # (time, space, keypoint, individual)
        return np.transpose(values, (0, 3, 2, 1))
    if kind == "bboxes" and values.ndim == 3:  # (time, space, individual)
        return np.swapaxes(values, 1, 2)
    return values
