"""Argument checks shared by the analysis functions, with messages that say what to pass."""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import numpy as np
import xarray as xr

from movement_like.errors import ArgumentTypeError, InvalidArgumentError, InvalidDatasetError

__all__ = [
    "require_dims",
    "require_2d",
    "require_2d_or_3d",
    "is_whole_number",
    "check_fps",
    "fps_checked",
]

F = TypeVar("F", bound=Callable[..., Any])


def require_dims(data: Any, dims: Iterable[str], what: str) -> None:
    """Raise a clear error when ``data`` is not a DataArray with ``dims``.

    Parameters
    ----------
    data
        The object a user passed in.
    dims
        Dimension names the analysis needs.
    what
        The name of the analysis, for the message.
    """
    if not isinstance(data, xr.DataArray):
        raise ArgumentTypeError(
            f"{what}: data must be an xarray.DataArray (e.g. ds['position']), "
            f"got {type(data).__name__}"
        )
    missing = [d for d in dims if d not in data.dims]
    if missing:
        raise InvalidDatasetError(
            f"{what} needs the dimension(s) {missing} (Input data must contain {missing}), "
            "but the data has dims "
            f"{tuple(map(str, data.dims))}"
        )


def require_2d(data: xr.DataArray, what: str) -> None:
    """Raise a clear error unless ``data`` has ``space`` = x, y.

    Parameters
    ----------
    data
        The positions to check (needs a ``space`` coordinate labelled x, y).
    what
        The name of the analysis, for the message.
    """
    labels = [str(s) for s in data["space"].values] if "space" in data.coords else []
    if labels != ["x", "y"]:
        raise InvalidDatasetError(
            f"{what} works on 2-D positions: Dimension 'space' must only contain ['x', 'y'] "
            f"as coordinates, got space={labels}"
        )


def require_2d_or_3d(data: xr.DataArray, what: str) -> int:
    """Return 2 for ``space`` = x, y and 3 for x, y, z; raise a clear error otherwise.

    Parameters
    ----------
    data
        Positions with a ``space`` dim.
    what
        The function asking, for the message (e.g. ``"compute_turning_angle"``).

    Returns
    -------
    int
        The number of spatial dimensions, 2 or 3.

    Raises
    ------
    InvalidDatasetError
        If ``space`` is neither x, y nor x, y, z (a ``ValueError``, with movement's phrase).
    """
    labels = [str(s) for s in data["space"].values] if "space" in data.coords else []
    if labels == ["x", "y"]:
        return 2
    if labels == ["x", "y", "z"]:
        return 3
    raise InvalidDatasetError(
        f"{what} works on 2-D or 3-D positions: Dimension 'space' must only contain "
        f"['x', 'y'] or ['x', 'y', 'z'] as coordinates, got space={labels}"
    )


def is_whole_number(value: Any) -> bool:
    """Whether ``value`` is a Python or numpy integer (``bool`` excluded).

    Parameters
    ----------
    value
        The object to test (e.g. a window or index a user passed in).

    Returns
    -------
    bool
        True for ``int`` and numpy integers; False for ``bool``, floats and anything else.
    """
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_fps(fps: Any, argument: str = "fps") -> float | None:
    """Return ``fps`` as a float after checking it is a frame rate; None stays None.

    The one check every loader applies to its ``fps`` argument: ``True`` is
    not a frame rate (``float(True)`` would make it 1.0), nor is text, and
    zero, negative, NaN or infinite rates are refused.

    Parameters
    ----------
    fps
        What the caller passed.
    argument
        How the caller named it, for the message (``"fps"``, ``"--fps"``).

    Returns
    -------
    float or None
        The frame rate.

    Raises
    ------
    ArgumentTypeError
        For a boolean, a string or anything else that is not a real number.
    InvalidArgumentError
        For a number that is not positive and finite.
    """
    if fps is None:
        return None
    unknown = (
        f"leave out {argument} when the rate is unknown"
        if argument.startswith("-")
        else f"pass {argument}=None when the rate is unknown"
    )
    if isinstance(fps, (bool, np.bool_, str, bytes)):
        raise ArgumentTypeError(
            f"{argument} must be a number of frames per second, got {fps!r} ({unknown})"
        )
    try:
        value = float(fps)
    except (TypeError, ValueError) as exc:
        raise ArgumentTypeError(
            f"{argument} must be a number of frames per second, got {fps!r}"
        ) from exc
    if not math.isfinite(value) or value <= 0:
        raise InvalidArgumentError(
            f"{argument} must be a positive finite number, got {fps!r} ({unknown})"
        )
    return value


def fps_checked(func: F) -> F:
    """Wrap a loader so that its ``fps`` argument goes through :func:`check_fps` first.

    A loader without an ``fps`` parameter is returned unchanged; the wrapper
    keeps the loader's name, docstring and signature.

    Parameters
    ----------
    func
        The loader to wrap.

    Returns
    -------
    callable
        The wrapped loader, or ``func`` itself when it takes no ``fps``.
    """
    signature = inspect.signature(func)
    if "fps" not in signature.parameters:
        return func

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            given = signature.bind_partial(*args, **kwargs).arguments
        except TypeError:  # a wrong call: let the loader say so, as it would unwrapped
            given = {}
        if given.get("fps") is not None:
            check_fps(given["fps"])
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
