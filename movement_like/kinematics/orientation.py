"""Where an animal faces: forward vector, heading angle, angular velocity."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal, cast

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.kinematics._vectors import (
    _along,
    _named,
    _norm,
    _require_time_points,
    _signed_angle,
    _xy,
)
from movement_like.provenance import log_operation
from movement_like.utils.along_time import map_along_time
from movement_like.utils.checks import require_2d, require_2d_or_3d, require_dims
from movement_like.utils.dims import accepts_dim_aliases


# --------------------------------------------------------------------------- #
# heading
# --------------------------------------------------------------------------- #
def _forward_vector(
    data: xr.DataArray, left_keypoint: Hashable, right_keypoint: Hashable, camera_view: str
) -> xr.DataArray:
    require_dims(data, ["time", "space", "keypoints"], "compute_forward_vector")
    n_space = require_2d_or_3d(data, "compute_forward_vector")
    if camera_view not in ("top_down", "bottom_up"):
        raise InvalidArgumentError(
            f"camera_view must be 'top_down' or 'bottom_up', got {camera_view!r}"
        )
    if left_keypoint == right_keypoint:
        raise InvalidArgumentError(
            "The left and right keypoints may not be identical (they must differ)."
        )
    names = list(data["keypoints"].values)
    missing = [k for k in (left_keypoint, right_keypoint) if k not in names]
    if missing:
        raise InvalidArgumentError(
            f"keypoint(s) {missing} not found; the data has keypoints {names}"
        )
    across = data.sel(keypoints=left_keypoint, drop=True) - data.sel(
        keypoints=right_keypoint, drop=True
    )
    rx, ry = _xy(across)
    # forward = (right -> left) x up, with up = -z seen from above, +z from below
    sign = 1.0 if camera_view == "top_down" else -1.0
    components = [-sign * ry, sign * rx]
    if n_space == 3:
        # (rx, ry, rz) x (0, 0, -sign) = (-sign * ry, sign * rx, 0); an unknown rz
        # makes the point unknown, as the full cross product would (NaN * 0 is NaN)
        unknown_z = across.sel(space="z", drop=True) * 0.0
        components = [c + unknown_z for c in components] + [unknown_z]
    forward = xr.concat(components, dim="space", coords="minimal")
    forward = forward.assign_coords(space=["x", "y", "z"][:n_space])
    length = _norm(forward)
    forward = forward / length.where(length > 0)
    dims = [d for d in data.dims if d != "keypoints"]
    return forward.transpose(*dims)


@accepts_dim_aliases
@log_operation
def compute_forward_vector(
    data: xr.DataArray,
    left_keypoint: Hashable,
    right_keypoint: Hashable,
    camera_view: Literal["top_down", "bottom_up"] = "top_down",
) -> xr.DataArray:
    """Compute the unit vector pointing where the animal faces, from a left/right pair.

    The vector is perpendicular to the right-to-left vector (e.g. right ear to
    left ear), turned towards the front: for a camera looking down on the
    animal (``"top_down"``) that is the right-to-left vector turned by +90
    degrees in the data's axes; seen from below (``"bottom_up"``) the left and
    right swap, so it is turned by -90 degrees.

    In 3-D (``space`` = x, y, z) it is the cross product of the right-to-left
    vector with the up vector, ``[0, 0, -1]`` for ``"top_down"`` and
    ``[0, 0, 1]`` for ``"bottom_up"`` (``movement``'s convention), with all
    three components kept, scaled to unit length. As the up vector is along
    z, the z component is always 0: the vector is the horizontal direction
    the animal faces, and its x, y are the 2-D answer on the x, y positions.
    (``movement`` 0.17 takes 2-D input only.)

    Parameters
    ----------
    data
        Positions with ``time``, ``keypoints`` and ``space`` = x, y or x, y, z.
    left_keypoint, right_keypoint
        The pair across the body, e.g. ``"left_ear"``, ``"right_ear"``.
    camera_view
        ``"top_down"`` (camera above the animal) or ``"bottom_up"``.

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without ``keypoints``, ``space`` as in ``data``,
        named ``"forward_vector"``; NaN where either keypoint is missing or both
        coincide.
    """
    return _named(
        _forward_vector(data, left_keypoint, right_keypoint, camera_view),
        "forward_vector",
        data,
    )


@accepts_dim_aliases
@log_operation
def compute_head_direction_vector(
    data: xr.DataArray,
    left_keypoint: Hashable,
    right_keypoint: Hashable,
    camera_view: Literal["top_down", "bottom_up"] = "top_down",
) -> xr.DataArray:
    """Compute the unit vector the head points along, from a left/right pair on the head.

    The same vector as :func:`compute_forward_vector` (pass e.g. the ears),
    named ``"head_direction_vector"``, as in ``movement``.

    Parameters
    ----------
    data
        Positions with ``time``, ``keypoints`` and ``space`` (x, y or x, y, z) dims.
    left_keypoint, right_keypoint
        The keypoints on the left and right of the head (e.g. the ears).
    camera_view
        ``"top_down"`` (up is ``[0, 0, -1]`` in image coordinates) or
        ``"bottom_up"`` (up is ``[0, 0, 1]``), which decides which side is forward.

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without ``keypoints``, ``space`` as in ``data``
        (2-D or 3-D, see :func:`compute_forward_vector`).
    """
    return _named(
        _forward_vector(data, left_keypoint, right_keypoint, camera_view),
        "head_direction_vector",
        data,
    )


@accepts_dim_aliases
@log_operation
def compute_forward_vector_angle(
    data: xr.DataArray,
    left_keypoint: Hashable,
    right_keypoint: Hashable,
    reference_vector: Sequence[float] | np.ndarray | xr.DataArray = (1.0, 0.0),
    camera_view: Literal["top_down", "bottom_up"] = "top_down",
    in_degrees: bool = False,
) -> xr.DataArray:
    """Heading angle: the angle from ``reference_vector`` to the forward vector.

    Counter-clockwise positive in the data's axes, in (-pi, pi]. With the
    default reference ``(1, 0)`` an animal facing +x has heading 0 and one
    facing +y has heading +pi/2.

    Parameters
    ----------
    data, left_keypoint, right_keypoint, camera_view
        As in :func:`compute_forward_vector`.
    reference_vector
        A 2-vector, or a DataArray with ``space`` (and e.g. ``time``) dims.
    in_degrees
        Return degrees instead of radians.

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without ``keypoints`` and ``space``, named
        ``"forward_vector_angle"``, ``attrs["units"]`` radians or degrees.
    """
    require_dims(data, ["space"], "compute_forward_vector_angle")
    require_2d(data, "compute_forward_vector_angle")  # a signed angle needs the 2-D plane
    forward = _forward_vector(data, left_keypoint, right_keypoint, camera_view)
    ref_x: xr.DataArray | np.float64
    ref_y: xr.DataArray | np.float64
    if isinstance(reference_vector, xr.DataArray):
        ref_x, ref_y = _xy(reference_vector)
    else:
        ref = np.asarray(reference_vector, dtype=np.float64).ravel()
        if ref.shape != (2,):
            raise InvalidArgumentError(
                f"reference_vector must have 2 components, got {ref.shape[0]}"
            )
        ref_x, ref_y = ref
    fx, fy = _xy(forward)
    angle = _signed_angle(ref_x, ref_y, fx, fy)
    units = "radians"
    if in_degrees:
        angle = cast(xr.DataArray, np.rad2deg(angle))  # numpy stubs lack __array_ufunc__
        units = "degrees"
    return _named(angle, "forward_vector_angle", data, units=units)


def _wrapped_gradient(array: np.ndarray, axis: int, times: np.ndarray, turn: float) -> np.ndarray:
    """Uneven-spacing central differences of the angle steps wrapped into [-turn/2, turn/2)."""
    step = np.diff(array, axis=axis)  # angle[i+1] - angle[i]
    step = (step + turn / 2) % turn - turn / 2
    shape = [1] * array.ndim
    shape[axis] = -1
    dt = np.diff(times).reshape(shape)

    def along(start: int | None, stop: int | None) -> tuple[slice, ...]:
        return _along(array.ndim, axis, start, stop)

    ahead, behind = dt[along(1, None)], dt[along(None, -1)]
    following, previous = step[along(1, None)], step[along(None, -1)]
    interior = (behind**2 * following + ahead**2 * previous) / (behind * ahead * (behind + ahead))
    first = step[along(0, 1)] / dt[along(0, 1)]
    last = step[along(-1, None)] / dt[along(-1, None)]
    return np.concatenate([first, interior, last], axis=axis)


@accepts_dim_aliases
@log_operation
def compute_angular_velocity(angle: xr.DataArray, in_degrees: bool = False) -> xr.DataArray:
    """Rate of change of an angle over ``time``, unwrapped across the +-pi seam.

    Uses the same central differences on the ``time`` values as
    :func:`compute_time_derivative`, but on angle steps wrapped into
    [-pi, pi), so a heading crossing from +179 to -179 degrees turns by 2
    degrees, not -358. This assumes the angle changes by less than half a
    turn between samples. NaN angles make their neighbours' rates NaN.

    Parameters
    ----------
    angle
        Angles with a ``time`` dim, e.g. from :func:`compute_forward_vector_angle`.
    in_degrees
        Whether ``angle`` is in degrees (the result then is degrees per time
        unit); radians otherwise.

    Returns
    -------
    xarray.DataArray
        Same dims as ``angle``, named ``"angular_velocity"``.
    """
    require_dims(angle, ["time"], "compute_angular_velocity")
    _require_time_points(angle, 2, "compute_angular_velocity")
    turn = 360.0 if in_degrees else 2 * np.pi

    def kernel(array: np.ndarray, axis: int, times: np.ndarray) -> np.ndarray:
        return _wrapped_gradient(array, axis, times, turn)

    values = map_along_time(angle, kernel, 1, with_time=True, min_chunk=2)
    rate = angle.copy(data=values)
    units = "degrees" if in_degrees else "radians"
    return _named(rate, "angular_velocity", angle, units=f"{units} per time unit")
