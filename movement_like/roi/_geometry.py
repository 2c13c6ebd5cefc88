"""Vectorised geometry of points against one region: inside, distance, nearest point.

Every function here takes the ``x`` and ``y`` coordinates of many points as
numpy arrays (any shape, NaN for missing points) and one ``shapely`` geometry,
and answers for all points at once: shapely 2's ``intersects_xy`` /
``contains_xy`` for inside tests, and a numpy kernel over the boundary segments
for distances and nearest points. The kernel projects each point on each
segment and keeps the nearest, with GEOS's tie rule (the first segment at the
smallest distance wins), so the answers are those of ``shapely.distance`` /
``shapely.shortest_line`` (which ``movement`` calls point by point) to the last
bit or two, without building one shapely ``Point`` per position.

Missing points (NaN) are never inside, and have NaN distances and NaN nearest
points.
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["covers_xy", "segments", "distance_xy", "nearest_xy"]

#: Points processed per block by the segment kernel: its work arrays stay in cache.
BLOCK_POINTS = 1 << 16


def covers_xy(
    geometry: shapely.Geometry, x: np.ndarray, y: np.ndarray, include_boundary: bool = True
) -> np.ndarray:
    """Whether each point (x, y) lies in ``geometry``.

    Parameters
    ----------
    geometry
        A polygon or a line (prepared on first use, so repeated calls are fast).
    x, y
        Coordinates of the points, numpy arrays of one shape.
    include_boundary
        Count points on the boundary as inside (``covers``, the default) or not
        (``contains``). The boundary of a line is its two end points.

    Returns
    -------
    numpy.ndarray
        Booleans of the shape of ``x``; False for missing (NaN) points.
    """
    shapely.prepare(geometry)
    # for a point, "intersects" is "covers": a point meets a geometry only by lying in it
    test = shapely.intersects_xy if include_boundary else shapely.contains_xy
    return np.asarray(test(geometry, x, y), dtype=bool)


def segments(geometry: shapely.Geometry, boundary_only: bool) -> np.ndarray:
    """List the straight segments that distances are measured to, as rows (ax, ay, bx, by).

    Parameters
    ----------
    geometry
        A polygon (its exterior ring, then its holes' rings) or a line.
    boundary_only
        For a line, measure to its end points only (two zero-length
        segments; none for a closed line, whose boundary is empty).
        Polygons are always measured to their rings.

    Returns
    -------
    numpy.ndarray
        Float array of shape (segments, 4), in the order GEOS visits them.
    """
    if isinstance(geometry, shapely.Polygon):
        rings = [geometry.exterior, *geometry.interiors]
        parts = []
        for ring in rings:
            coords = np.asarray(ring.coords, dtype=np.float64)[:, :2]
            parts.append(np.hstack([coords[:-1], coords[1:]]))
        return np.vstack(parts) if parts else np.empty((0, 4))
    coords = np.asarray(geometry.coords, dtype=np.float64)[:, :2]
    if not boundary_only:
        return np.hstack([coords[:-1], coords[1:]])
    if len(coords) == 0 or np.array_equal(coords[0], coords[-1]):
        return np.empty((0, 4))
    ends = coords[[0, -1]]
    return np.hstack([ends, ends])


def _nearest_on_segments(
    px: np.ndarray, py: np.ndarray, segs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distance to the nearest segment and the nearest point on it, for 1-D point arrays.

    One pass per segment over cache-sized blocks of points, in place: the work
    grows with points × segments but allocates nothing per segment. The
    squared distance decides, the first segment winning ties (GEOS's rule).
    """
    n = px.shape[0]
    distance = np.full(n, np.nan)
    near_x = np.full(n, np.nan)
    near_y = np.full(n, np.nan)
    if len(segs) == 0 or n == 0:
        return distance, near_x, near_y
    ax, ay, bx, by = (segs[:, i] for i in range(4))
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    degenerate = length2 == 0
    best_segment = np.zeros(n, dtype=np.intp)
    best = np.full(n, np.inf)
    with np.errstate(invalid="ignore"):
        for start in range(0, n, BLOCK_POINTS):
            stop = min(n, start + BLOCK_POINTS)
            x, y = px[start:stop], py[start:stop]
            block_best, block_segment = best[start:stop], best_segment[start:stop]
            ex, ey, factor, scratch = (np.empty_like(x) for _ in range(4))
            nearer = np.empty(x.shape, dtype=bool)
            for i in range(len(segs)):
                # ex, ey: from the point to its projection on segment i (clamped to it)
                np.subtract(x, ax[i], out=ex)
                np.subtract(y, ay[i], out=ey)
                # the projection factor as GEOS computes it, dot / length², so that a
                # point on a vertex projects exactly onto it
                if degenerate[i]:
                    factor.fill(0.0)
                else:
                    np.multiply(ex, dx[i], out=factor)
                    np.multiply(ey, dy[i], out=scratch)
                    factor += scratch
                    factor /= length2[i]
                np.maximum(factor, 0.0, out=factor)
                np.minimum(factor, 1.0, out=factor)
                np.multiply(factor, dx[i], out=scratch)
                ex -= scratch
                np.multiply(factor, dy[i], out=scratch)
                ey -= scratch
                ex *= ex
                ey *= ey
                ex += ey
                np.less(ex, block_best, out=nearer)
                np.copyto(block_best, ex, where=nearer)
                np.copyto(block_segment, i, where=nearer)
        # the nearest point on each point's best segment
        k = best_segment
        dot = (px - ax[k]) * dx[k] + (py - ay[k]) * dy[k]
        safe = np.where(degenerate[k], 1.0, length2[k])  # a zero-length segment: its point
        factor = np.clip(np.where(degenerate[k], 0.0, dot / safe), 0.0, 1.0)
        near_x = np.where(factor >= 1.0, bx[k], ax[k] + factor * dx[k])
        near_y = np.where(factor >= 1.0, by[k], ay[k] + factor * dy[k])
    distance = np.sqrt(best)
    missing = np.isnan(px) | np.isnan(py)
    distance[missing] = np.nan
    near_x[missing] = np.nan
    near_y[missing] = np.nan
    return distance, near_x, near_y


def _measure(
    geometry: shapely.Geometry, x: np.ndarray, y: np.ndarray, boundary_only: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distance and nearest point (x, y) for flat float arrays of points."""
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    segs = segments(geometry, boundary_only)
    if boundary_only or not isinstance(geometry, shapely.Polygon):
        return _nearest_on_segments(x, y, segs)
    # a point in the polygon (boundary included) is its own nearest point, at distance 0
    inside = covers_xy(geometry, x, y)
    outside = np.flatnonzero(~inside)
    distance = np.zeros(x.shape)
    near_x, near_y = x.copy(), y.copy()
    d, nx, ny = _nearest_on_segments(x[outside], y[outside], segs)
    distance[outside], near_x[outside], near_y[outside] = d, nx, ny
    return distance, near_x, near_y


def distance_xy(
    geometry: shapely.Geometry, x: np.ndarray, y: np.ndarray, boundary_only: bool = False
) -> np.ndarray:
    """Euclidean distance from each point to ``geometry`` (0 inside a polygon).

    Parameters
    ----------
    geometry
        A polygon or a line.
    x, y
        Coordinates of the points, numpy arrays of one shape.
    boundary_only
        Measure to the boundary (a polygon's rings, a line's end points)
        rather than to the whole region.

    Returns
    -------
    numpy.ndarray
        Float distances of the shape of ``x``; NaN for missing points, and
        for every point when the boundary is empty (a closed line).
    """
    shape = np.shape(x)
    return _measure(geometry, x, y, boundary_only)[0].reshape(shape)


def nearest_xy(
    geometry: shapely.Geometry, x: np.ndarray, y: np.ndarray, boundary_only: bool = False
) -> np.ndarray:
    """Find the point of ``geometry`` nearest to each point (itself inside a polygon).

    Parameters
    ----------
    geometry
        A polygon or a line.
    x, y
        Coordinates of the points, numpy arrays of one shape.
    boundary_only
        Look only on the boundary (a polygon's rings, a line's end points).

    Returns
    -------
    numpy.ndarray
        Float array of shape ``x.shape + (2,)``: the (x, y) of the nearest
        point; NaN for missing points. Of several equally near points, the
        one on the first segment (in GEOS's order) is returned.
    """
    shape = np.shape(x)
    _, near_x, near_y = _measure(geometry, x, y, boundary_only)
    return np.stack([near_x, near_y], axis=-1).reshape(*shape, 2)
