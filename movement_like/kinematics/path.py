"""Measures of the path a point travels: length, straightness, turning angle."""

from __future__ import annotations

from typing import Any, Literal, cast

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.kinematics._vectors import (
    NAN_POLICIES,
    _named,
    _norm,
    _require_time_points,
    _shift,
    _signed_angle,
    _unsigned_angle_3d,
    _warn_about_nan_proportion,
    _xy,
)
from movement_like.provenance import log_operation
from movement_like.utils.checks import require_2d_or_3d, require_dims
from movement_like.utils.dims import accepts_dim_aliases

# --------------------------------------------------------------------------- #
# path measures
# --------------------------------------------------------------------------- #


def _segment_lengths(data: xr.DataArray) -> xr.DataArray:
    """Lengths of the steps ``t -> t+1`` (``time`` labelled by the step's start)."""
    steps = data.isel(time=slice(1, None)).data - data.isel(time=slice(None, -1)).data
    step_array = data.isel(time=slice(None, -1)).copy(data=steps)
    return _norm(step_array)


def _path_length(
    data: xr.DataArray, nan_policy: str, forward_filled: xr.DataArray | None = None
) -> xr.DataArray:
    """Path length under ``nan_policy``; ``forward_filled`` is ``data.ffill("time")`` if known."""
    if nan_policy == "ffill":
        lengths = _segment_lengths(data.ffill("time") if forward_filled is None else forward_filled)
        return lengths.sum("time", min_count=1)
    lengths = _segment_lengths(data)
    if nan_policy == "propagate":
        return lengths.sum("time", skipna=False)
    known = lengths.notnull().sum("time")
    total = lengths.sum("time", skipna=True)
    return total * (lengths.sizes["time"] / known.where(known > 0))


def _check_nan_policy(nan_policy: str, what: str) -> None:
    if nan_policy not in NAN_POLICIES:
        raise InvalidArgumentError(
            f"{what}: Invalid value for nan_policy: {nan_policy!r}; "
            f"choose one of {list(NAN_POLICIES)}"
        )


@accepts_dim_aliases
@log_operation
def compute_path_length(
    data: xr.DataArray,
    nan_policy: Literal["ffill", "scale", "propagate"] = "ffill",
    nan_warn_threshold: float = 0.2,
    *,
    start: Any = None,
    stop: Any = None,
) -> xr.DataArray:
    """Length of the path travelled: the sum of the step lengths over ``time``.

    Parameters
    ----------
    data
        Positions with ``time`` and ``space``.
    nan_policy
        What missing positions do:

        ``"ffill"`` (default)
            a gap is bridged by the straight line from the last known
            position to the next known one (missing positions are carried
            forward); missing samples at the start are skipped. An
            all-missing track gives NaN.
        ``"scale"``
            sum the steps whose both ends are known, then scale up by
            ``n_steps / n_known_steps`` (assumes the missing steps look like
            the known ones). NaN when no step is known.
        ``"propagate"``
            any missing position makes the path length NaN.
    nan_warn_threshold
        A ``UserWarning`` lists the tracks with at least this proportion of
        missing points (between 0 and 1; 0.2 by default), as ``movement``.
    start, stop
        Optional ``time`` labels bounding the path (both included), as in
        ``data.sel(time=slice(start, stop))`` (keyword only).

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without ``time`` and ``space``, named
        ``"path_length"`` (``long_name`` "Path Length").
    """
    require_dims(data, ["time", "space"], "compute_path_length")
    if start is not None or stop is not None:
        data = data.sel(time=slice(start, stop))
    _require_time_points(data, 2, "compute_path_length")
    _warn_about_nan_proportion(data, nan_warn_threshold, "compute_path_length")
    # after the warning, as in movement (which warns, then refuses the policy)
    _check_nan_policy(nan_policy, "compute_path_length")
    length = _path_length(data, nan_policy)
    return _named(length, "path_length", data, long_name="Path Length")


@accepts_dim_aliases
@log_operation
def compute_path_straightness(
    data: xr.DataArray,
    nan_policy: Literal["ffill", "scale", "propagate"] = "ffill",
    nan_warn_threshold: float = 0.2,
) -> xr.DataArray:
    """Straightness index: straight-line distance from start to end / path length.

    1 for a straight path, towards 0 for a winding one. Start and end are the
    first and last known positions of each track; the path length follows
    ``nan_policy`` (see :func:`compute_path_length`, also for
    ``nan_warn_threshold``). NaN when the path length is 0 or unknown.

    Parameters
    ----------
    data
        Positions with ``time`` and ``space`` dims; other dims are carried through.
    nan_policy
        How missing positions count in the path length: ``"ffill"``, ``"scale"``
        or ``"propagate"`` (see :func:`compute_path_length`).
    nan_warn_threshold
        Warn (``UserWarning``, as ``movement``) when a track misses more than
        this fraction of its positions.

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without ``time`` and ``space``, named
        ``"straightness_index"`` as in ``movement`` (``long_name`` "Path
        Straightness Index").
    """
    require_dims(data, ["time", "space"], "compute_path_straightness")
    _require_time_points(data, 2, "compute_path_straightness")
    _warn_about_nan_proportion(data, nan_warn_threshold, "compute_path_straightness")
    # after the warning, as in movement (which warns, then refuses the policy)
    _check_nan_policy(nan_policy, "compute_path_straightness")
    forward_filled = data.ffill("time")
    filled = forward_filled.bfill("time")
    chord = _norm(filled.isel(time=-1, drop=True) - filled.isel(time=0, drop=True))
    length = _path_length(data, nan_policy, forward_filled)
    return _named(
        chord / length.where(length > 0),
        "straightness_index",
        data,
        long_name="Path Straightness Index",
    )


@accepts_dim_aliases
@log_operation
def compute_turning_angle(
    data: xr.DataArray, in_degrees: bool = False, min_step_length: float = 0.0
) -> xr.DataArray:
    """Signed turn arriving at each position: the angle from step ``t-2 -> t-1`` to ``t-1 -> t``.

    The convention of ``movement`` (0.17): the turn made on the way to
    position ``t`` is reported at ``t``, so the first two samples are NaN
    (a turn needs three positions). Counter-clockwise in the data's own axes
    is positive; values lie in (-pi, pi]. A turn next to a step not longer
    than ``min_step_length`` (a direction is meaningless for a point that did
    not move) or next to a missing position is NaN. A constant angular
    velocity ``w`` along a circle gives ``w * dt`` from the third sample on.

    In 3-D (``space`` = x, y, z) the turn is the unsigned angle between the
    two steps, ``atan2(|u x v|, u . v)`` in [0, pi]: a sign needs a plane
    (and a side to look at it from), which a 3-D path does not give. A path
    lying in z = 0 gives the absolute values of its 2-D turns; a helix gives a
    constant turn. (``movement`` refuses 3-D here.)

    Parameters
    ----------
    data
        Positions with ``time`` and ``space`` = x, y (signed turns) or x, y, z
        (unsigned turns).
    in_degrees
        Return degrees instead of radians.
    min_step_length
        Steps of at most this length (in space units) give NaN turns.

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without ``space``, named ``"turning_angle"``,
        with ``attrs["units"]`` ``"radians"`` or ``"degrees"``.
    """
    require_dims(data, ["time", "space"], "compute_turning_angle")
    n_space = require_2d_or_3d(data, "compute_turning_angle")
    incoming = data - _shift(data, 1)  # x[t] - x[t-1], the step arriving at t
    previous = _shift(incoming, 1)  # x[t-1] - x[t-2]
    if n_space == 2:
        px, py = _xy(previous)
        ix, iy = _xy(incoming)
        angle = _signed_angle(px, py, ix, iy)
    else:
        angle = _unsigned_angle_3d(previous, incoming)
    # a step's length is NaN exactly when one of its components is
    length_in = _norm(incoming)
    length_previous = _shift(length_in, 1)
    too_short = (length_in <= min_step_length) | (length_previous <= min_step_length)
    known = length_in.notnull() & length_previous.notnull()
    angle = angle.where(~too_short & known)
    units = "radians"
    if in_degrees:
        angle = cast(xr.DataArray, np.rad2deg(angle))  # numpy stubs lack __array_ufunc__
        units = "degrees"
    return _named(angle, "turning_angle", data, units=units)
