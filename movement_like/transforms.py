"""Change the frame of reference of positions: scale, egocentric, boxes, homographies.

All functions find axes by name, keep extra dims (``layers``, ``views``),
work on numpy- and dask-backed data, never modify their input and log the
call in ``attrs["log"]``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Literal, cast

import numpy as np
import xarray as xr

from movement_like.errors import ArgumentTypeError, InvalidArgumentError, InvalidDatasetError
from movement_like.provenance import log_operation
from movement_like.utils.checks import require_2d, require_dims
from movement_like.utils.dims import accepts_dim_aliases
from movement_like.utils.points import usable_point_pairs

__all__ = [
    "scale",
    "egocentric_align",
    "poses_to_bboxes",
    "estimate_transform",
    "apply_transform",
    "compute_homography_transform",
]

TRANSFORM_KINDS = ("similarity", "affine", "homography")
_MIN_POINTS = {"similarity": 2, "affine": 3, "homography": 4}


# --------------------------------------------------------------------------- #
# scale
# --------------------------------------------------------------------------- #
def _require_xyz_when_3d(data: xr.DataArray) -> None:
    """Refuse three ``space`` labels that are not x, y and z (movement's check and phrase)."""
    labels = [str(v) for v in data["space"].values]
    missing = [c for c in ("x", "y", "z") if c not in labels]
    if len(labels) == 3 and missing:
        raise InvalidDatasetError(
            f"scale: Input data must contain {missing} in the 'space' coordinates."
        )


@accepts_dim_aliases
@log_operation
def scale(
    data: xr.DataArray,
    factor: float | Sequence[float] | np.ndarray | xr.DataArray = 1.0,
    space_unit: str | None = None,
) -> xr.DataArray:
    """Multiply positions by ``factor``, e.g. pixels to millimetres.

    Parameters
    ----------
    data
        Values with a ``space`` dim.
    factor
        One number for all axes, one per ``space`` axis (``(sx, sy)``, also
        given as ``[[sx, sy]]``: length-1 axes are squeezed, as in
        ``movement``), or a DataArray broadcast by dim name (e.g. one factor
        per ``views``).
    space_unit
        The unit after scaling, stored in ``attrs["space_unit"]``. ``None``
        removes the attribute (the old unit no longer holds).

    Returns
    -------
    xarray.DataArray
        Same dims, coords and name as ``data``.
    """
    require_dims(data, ["space"], "scale")
    _require_xyz_when_3d(data)
    if not isinstance(factor, xr.DataArray):
        values = np.asarray(factor, dtype=np.float64)
        if values.ndim > 1:
            values = values.squeeze()  # a (1, 2) factor, as movement accepts it
        if values.ndim > 1:
            raise InvalidArgumentError(
                "scale: Factor must be an object that can be converted to a 1D numpy "
                f"array, got {values.ndim}D (a number, or one number per space axis)"
            )
        if values.ndim == 0:
            factor = float(values)
        elif values.size == data.sizes["space"]:
            factor = xr.DataArray(values, dims=["space"], coords={"space": data["space"].values})
        else:
            raise InvalidArgumentError(
                f"scale: Factor shape {values.shape} does not match the shape of the "
                f"space dimension ({data.sizes['space']},)"
            )
    result = (data * factor).transpose(*data.dims)
    result.attrs = {k: v for k, v in data.attrs.items() if k != "space_unit"}
    if space_unit is not None:
        result.attrs["space_unit"] = str(space_unit)
    result.name = data.name
    return result


# --------------------------------------------------------------------------- #
# egocentric alignment
# --------------------------------------------------------------------------- #
def _keypoint_mean(data: xr.DataArray, keypoints: Hashable | Sequence[Hashable]) -> xr.DataArray:
    names = list(data["keypoints"].values)
    if isinstance(keypoints, (str, int, np.integer)):
        chosen: list[Hashable] = [keypoints]
    else:  # anything else is taken as a sequence of names
        chosen = list(cast(Sequence[Hashable], keypoints))
    missing = [k for k in chosen if k not in names]
    if missing or not chosen:
        raise InvalidArgumentError(
            f"keypoint(s) {missing or chosen} not found; the data has {names}"
        )
    return data.sel(keypoints=chosen).mean("keypoints", skipna=False)


@accepts_dim_aliases
@log_operation
def egocentric_align(
    data: xr.DataArray,
    origin: Hashable | Sequence[Hashable],
    heading: Hashable | tuple[Hashable, Hashable],
    camera_view: Literal["top_down", "bottom_up"] = "top_down",
) -> xr.DataArray:
    """Express positions in each animal's own frame: origin at a keypoint, heading along +x.

    For every time point and individual (and extra dim) the positions are
    translated so that ``origin`` is at (0, 0), then rotated so that the
    heading direction points along +x. 2-D positions only: 3-D positions are
    refused, because a heading alone does not define a right-handed 3-D frame
    (the roll about it needs an up vector and a choice of which of heading
    and vertical to keep exact).

    Parameters
    ----------
    data
        Positions with ``time``, ``keypoints`` and ``space`` = x, y.
    origin
        A keypoint name, or several (their mean is the origin, e.g. a
        centroid).
    heading
        A keypoint name: the direction from the origin to it becomes +x
        (e.g. ``origin="neck", heading="nose"``); or a ``(left, right)`` pair:
        the forward vector of that pair becomes +x (see
        :func:`movement_like.kinematics.compute_forward_vector`).
    camera_view
        For a ``(left, right)`` heading: ``"top_down"`` or ``"bottom_up"``.

    Returns
    -------
    xarray.DataArray
        Same dims and coords as ``data``, named ``"egocentric_<name>"``
        (``"egocentric_position"``). NaN where the origin or heading is
        unknown or the heading has zero length.
    """
    require_dims(data, ["time", "keypoints", "space"], "egocentric_align")
    labels = [str(c) for c in data["space"].values] if "space" in data.coords else []
    if labels == ["x", "y", "z"]:
        raise InvalidArgumentError(
            "egocentric_align works on 2-D positions only: in 3-D a heading fixes one axis "
            "of the animal's frame, and the roll about it needs a second direction (an up "
            "vector) plus a choice between keeping the heading exact and keeping the world "
            "vertical; neither is defined by these arguments. Align the x, y positions "
            "(data.sel(space=['x', 'y'])) or rotate with your own right-handed frame."
        )
    require_2d(data, "egocentric_align")
    centre = _keypoint_mean(data, origin)
    if isinstance(heading, tuple):
        if len(heading) != 2:
            raise InvalidArgumentError(
                "egocentric_align: heading must be a keypoint or a (left, right) pair"
            )
        from movement_like.kinematics.orientation import compute_forward_vector

        direction = compute_forward_vector(data, heading[0], heading[1], camera_view)
    else:
        direction = _keypoint_mean(data, heading) - centre
    hx = direction.sel(space="x", drop=True)
    hy = direction.sel(space="y", drop=True)
    # numpy's stubs do not model __array_ufunc__: a DataArray in gives a DataArray out
    length = cast(xr.DataArray, np.sqrt(hx**2 + hy**2))
    length = length.where(length > 0)
    cos, sin = hx / length, hy / length
    shifted = data - centre
    dx = shifted.sel(space="x", drop=True)
    dy = shifted.sel(space="y", drop=True)
    rotated = xr.concat([cos * dx + sin * dy, -sin * dx + cos * dy], dim="space")
    rotated = rotated.assign_coords(space=data["space"].values).transpose(*data.dims)
    result = data.copy(data=rotated.data)
    result.name = f"egocentric_{data.name or 'position'}"
    return result


# --------------------------------------------------------------------------- #
# poses -> bboxes
# --------------------------------------------------------------------------- #
@accepts_dim_aliases
@log_operation
def poses_to_bboxes(
    ds: xr.Dataset | xr.DataArray, padding: float = 0.0
) -> xr.Dataset | tuple[xr.DataArray, xr.DataArray]:
    """Turn a poses dataset into a bounding-boxes dataset (one box per individual).

    Each box is the smallest axis-aligned rectangle holding the known
    keypoints of an individual at a time point, grown by ``padding`` on every
    side. Its confidence is the mean known keypoint confidence.

    Parameters
    ----------
    ds
        A 2-D poses dataset (``position`` with ``time, individuals,
        keypoints, space``; ``confidence`` optional), or, as ``movement``
        0.17 takes it, its ``position`` DataArray alone.
    padding
        Margin added on each side, in space units (>= 0).

    Returns
    -------
    xarray.Dataset
        ``position`` (box centre) and ``shape`` (width, height) with dims
        ``(time, individuals, space)`` and ``confidence (time, individuals)``,
        plus any extra dims; coordinates (``time``, ``frame``, ...) and attrs
        are kept, ``ds_type`` becomes ``"bboxes"``. A box is NaN where no
        keypoint of the individual is known. Given a DataArray, ``movement``'s
        answer: the tuple ``(position, shape)`` of those two DataArrays, with
        the input's dims in its order, less ``keypoints``.
    """
    given_array = isinstance(ds, xr.DataArray)
    if not given_array and (not isinstance(ds, xr.Dataset) or "position" not in ds.data_vars):
        raise ArgumentTypeError(
            "poses_to_bboxes needs a poses dataset with a 'position' variable, or "
            f"its position DataArray (Expected an xarray DataArray), but got {type(ds)}"
        )
    position: xr.DataArray = ds if isinstance(ds, xr.DataArray) else ds["position"]
    require_dims(position, ["time", "individuals", "keypoints", "space"], "poses_to_bboxes")
    require_2d(position, "poses_to_bboxes")
    if isinstance(padding, bool) or not isinstance(padding, int | float | np.number):
        raise ArgumentTypeError(
            f"poses_to_bboxes: padding must be a number, got {type(padding).__name__}"
        )
    padding = float(padding)
    if not np.isfinite(padding) or padding < 0:
        raise InvalidArgumentError(
            f"poses_to_bboxes: padding must be non-negative (a finite number >= 0), got {padding}"
        )
    # a point counts only when both of its coordinates are known
    point_known = position.notnull().all("space")
    known = position.where(point_known)
    low = known.min("keypoints", skipna=True)
    high = known.max("keypoints", skipna=True)
    centre = (low + high) / 2
    shape = (high - low) + 2 * padding
    order = [d for d in position.dims if d != "keypoints"]
    if given_array:
        return centre.transpose(*order), shape.transpose(*order)
    data_vars: dict[str, Any] = {
        "position": centre.transpose(*order),
        "shape": shape.transpose(*order),
    }
    if "confidence" in ds.data_vars:
        confidence = ds["confidence"].where(point_known)
        data_vars["confidence"] = confidence.mean("keypoints", skipna=True)
    else:
        data_vars["confidence"] = xr.full_like(centre.isel(space=0, drop=True), np.nan)
    coords = {k: v for k, v in ds.coords.items() if "keypoints" not in v.dims}
    out = xr.Dataset(data_vars, coords=coords, attrs=dict(ds.attrs))
    out.attrs["ds_type"] = "bboxes"
    for name in out.data_vars:
        out[name].attrs = {}
    return out


# --------------------------------------------------------------------------- #
# homography / affine from point pairs
# --------------------------------------------------------------------------- #
def _as_points(points: Any, name: str) -> np.ndarray:
    array = np.asarray(points.values if isinstance(points, xr.DataArray) else points, dtype=float)
    if array.ndim != 2 or array.shape[1] != 2:
        raise InvalidArgumentError(
            f"estimate_transform: {name} must have shape (n_points, 2), got {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise InvalidArgumentError(f"estimate_transform: {name} holds NaN or infinite values")
    return array


def _normalise(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hartley normalisation: centre on 0, mean distance sqrt(2); returns points and matrix."""
    centre = points.mean(axis=0)
    spread = np.sqrt(((points - centre) ** 2).sum(axis=1)).mean()
    factor = np.sqrt(2) / spread if spread > 0 else 1.0
    matrix = np.array(
        [[factor, 0, -factor * centre[0]], [0, factor, -factor * centre[1]], [0, 0, 1]]
    )
    return (points - centre) * factor, matrix


def estimate_transform(
    source: Any,
    target: Any,
    kind: Literal["similarity", "affine", "homography"] = "affine",
) -> np.ndarray:
    """Estimate the 3x3 matrix mapping ``source`` points onto ``target`` points.

    Least squares over all pairs, so more pairs than the minimum average out
    clicking errors. Use the result with :func:`apply_transform`, e.g. to map
    one camera's pixels onto another's, or pixels onto arena coordinates.

    Parameters
    ----------
    source, target
        Matching points, shape ``(n_points, 2)`` each.
    kind
        ``"similarity"`` (rotation, uniform scale, translation; >= 2 pairs),
        ``"affine"`` (adds shear and unequal scales; >= 3 pairs, not all on
        one line) or ``"homography"`` (a perspective view of a plane; >= 4
        pairs, no three on one line; normalised direct linear transform).

    Returns
    -------
    numpy.ndarray
        ``M`` of shape (3, 3) with ``M[2, 2] == 1``: a point ``(x, y)`` maps to
        ``(u / w, v / w)`` where ``(u, v, w) = M @ (x, y, 1)``.
    """
    if kind not in TRANSFORM_KINDS:
        raise InvalidArgumentError(
            f"estimate_transform: unknown kind {kind!r}; choose one of {list(TRANSFORM_KINDS)}"
        )
    src = _as_points(source, "source")
    dst = _as_points(target, "target")
    if src.shape != dst.shape:
        raise InvalidArgumentError(
            f"estimate_transform: source and target must hold the same number of points, "
            f"got {src.shape[0]} and {dst.shape[0]}"
        )
    if src.shape[0] < _MIN_POINTS[kind]:
        raise InvalidArgumentError(
            f"estimate_transform: a {kind} needs at least {_MIN_POINTS[kind]} point pairs, "
            f"got {src.shape[0]}"
        )
    src_n, src_t = _normalise(src)
    dst_n, dst_t = _normalise(dst)
    n = src.shape[0]
    if kind == "similarity":
        # unknowns a, b, tx, ty with u = a x - b y + tx, v = b x + a y + ty
        design = np.zeros((2 * n, 4))
        design[0::2] = np.column_stack([src_n[:, 0], -src_n[:, 1], np.ones(n), np.zeros(n)])
        design[1::2] = np.column_stack([src_n[:, 1], src_n[:, 0], np.zeros(n), np.ones(n)])
        solution, _, rank, _ = np.linalg.lstsq(design, dst_n.reshape(-1), rcond=None)
        if rank < 4:
            raise InvalidArgumentError(
                "estimate_transform: the points are degenerate (all the same)"
            )
        a, b, tx, ty = solution
        normalised = np.array([[a, -b, tx], [b, a, ty], [0, 0, 1]])
    elif kind == "affine":
        design = np.column_stack([src_n, np.ones(n)])
        solution, _, rank, _ = np.linalg.lstsq(design, dst_n, rcond=None)
        if rank < 3:
            raise InvalidArgumentError(
                "estimate_transform: an affine transform needs points that are not all on one line"
            )
        normalised = np.vstack([solution.T, [0, 0, 1]])
    else:
        rows = []
        for (x, y), (u, v) in zip(src_n, dst_n, strict=True):
            rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
            rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
        _, singular, vh = np.linalg.svd(np.asarray(rows))
        rank = int(np.sum(singular > 1e-10 * singular[0]))
        if rank < 8:
            raise InvalidArgumentError(
                "estimate_transform: a homography needs points with no three on one line"
            )
        normalised = vh[-1].reshape(3, 3)
    matrix = np.linalg.inv(dst_t) @ normalised @ src_t
    if abs(matrix[2, 2]) < 1e-12 or abs(np.linalg.det(normalised)) < 1e-12:
        hint = "no three on one line" if kind == "homography" else "not all on one line"
        raise InvalidArgumentError(
            f"estimate_transform: the points are degenerate (the fitted {kind} is singular); "
            f"use points with {hint}"
        )
    return matrix / matrix[2, 2]


@accepts_dim_aliases
@log_operation
def apply_transform(data: xr.DataArray, matrix: Any) -> xr.DataArray:
    """Map 2-D positions through a 3x3 matrix (from :func:`estimate_transform`).

    Parameters
    ----------
    data
        Values with ``space`` = x, y.
    matrix
        A (3, 3) homogeneous matrix (affine or projective).

    Returns
    -------
    xarray.DataArray
        Same dims, coords and name as ``data``; NaN stays NaN, and points
        mapped to infinity (``w == 0``) become NaN.
    """
    require_dims(data, ["space"], "apply_transform")
    require_2d(data, "apply_transform")
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.shape != (3, 3) or not np.all(np.isfinite(matrix)):
        raise InvalidArgumentError(
            f"apply_transform: matrix must be a finite 3x3 array, got shape {matrix.shape}"
        )
    x = data.sel(space="x", drop=True)
    y = data.sel(space="y", drop=True)
    w = matrix[2, 0] * x + matrix[2, 1] * y + matrix[2, 2]
    w = w.where(w != 0)
    u = (matrix[0, 0] * x + matrix[0, 1] * y + matrix[0, 2]) / w
    v = (matrix[1, 0] * x + matrix[1, 1] * y + matrix[1, 2]) / w
    mapped = xr.concat([u, v], dim="space").assign_coords(space=data["space"].values)
    result = data.copy(data=mapped.transpose(*data.dims).data.astype(data.dtype, copy=False))
    result.name = data.name
    return result


def compute_homography_transform(src_points: Any, dst_points: Any) -> np.ndarray:
    """Fit the homography mapping ``src_points`` onto ``dst_points``, as ``movement`` 0.17 does.

    ``movement``'s name and answer: the points become float32, repeated points
    and points that would leave the first four on one line are dropped
    (:func:`movement_like.utils.points.usable_point_pairs`), and OpenCV's
    ``findHomography`` with RANSAC fits the rest. Use it to map a tilted
    camera's view of a flat arena onto the arena's plan; for a least-squares
    fit without OpenCV (also similarity and affine) see
    :func:`estimate_transform`.

    Parameters
    ----------
    src_points
        Points of shape ``(N, 2)`` in the source image, ``N >= 4``.
    dst_points
        The matching points in the destination, same shape.

    Returns
    -------
    numpy.ndarray
        The (3, 3) float64 matrix, use it with :func:`apply_transform`.

    Raises
    ------
    InvalidArgumentError
        (a ``ValueError``, as ``movement`` raises) when the arrays are not 2-D,
        their shapes differ, the points are not 2-D, fewer than four usable
        points remain, or OpenCV finds no homography (where ``movement``
        returns ``None``).

    Examples
    --------
    >>> square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]])
    >>> matrix = compute_homography_transform(square, 2 * square)
    >>> np.allclose(matrix, [[2, 0, 0], [0, 2, 0], [0, 0, 1]])
    True
    """
    import cv2

    src = np.asarray(src_points, dtype=np.float32)
    dst = np.asarray(dst_points, dtype=np.float32)
    name = "compute_homography_transform"
    if src.ndim != 2 or dst.ndim != 2:
        raise InvalidArgumentError(
            f"{name}: Points must be 2-dimensional arrays. Got shapes {src.shape} and {dst.shape}"
        )
    if src.shape != dst.shape:
        raise InvalidArgumentError(
            f"{name}: Source and destination points must have the same shape. "
            f"Got {src.shape} and {dst.shape}"
        )
    if src.shape[1] != 2:
        raise InvalidArgumentError(
            f"{name}: Points must be 2-dimensional. Got {src.shape[1]} coordinates per point"
        )
    src, dst = usable_point_pairs(src, dst)
    if src.shape[0] < 4:
        raise InvalidArgumentError(
            f"{name}: Insufficient points to compute the homography transformation. "
            f"{src.shape[0]} remain after dropping repeated points and points on one line; "
            "four with no three on one line are needed"
        )
    matrix, _ = cv2.findHomography(src, dst, method=cv2.RANSAC)
    if matrix is None:
        raise InvalidArgumentError(f"{name}: OpenCV found no homography for these points")
    return matrix
