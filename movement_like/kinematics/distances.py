"""Distances between pairs of individuals or keypoints, as whole-array arithmetic."""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.kinematics._vectors import _named
from movement_like.provenance import log_operation
from movement_like.utils.checks import require_dims
from movement_like.utils.dims import DIM_ALIASES, accepts_dim_aliases


# --------------------------------------------------------------------------- #
# distances
# --------------------------------------------------------------------------- #
def _pair_list(labels: list[Hashable], pairs: Any, dim: str) -> list[tuple[Hashable, Hashable]]:
    """Normalise ``pairs`` ("all", a mapping or a list of 2-tuples) to a list of pairs."""
    if isinstance(pairs, str):
        if pairs != "all":
            raise InvalidArgumentError(
                f"compute_pairwise_distances: pairs must be 'all', a mapping "
                f"{{a: b or [b, ...]}} or a list of (a, b), got {pairs!r}"
            )
        chosen = list(itertools.combinations(labels, 2))
    elif isinstance(pairs, Mapping):
        chosen = [
            (a, b)
            for a, others in pairs.items()
            for b in ([others] if isinstance(others, (str, int)) else others)
        ]
    else:
        chosen = [tuple(p) for p in pairs]
        if any(len(p) != 2 for p in chosen):
            raise InvalidArgumentError(
                "compute_pairwise_distances: every pair must have two labels"
            )
    if not chosen:
        raise InvalidArgumentError(
            f"compute_pairwise_distances: no pairs to measure (the data has {len(labels)} "
            f"{dim}: {labels})"
        )
    unknown = sorted({str(x) for p in chosen for x in p if x not in labels})
    if unknown:
        raise InvalidArgumentError(
            f"compute_pairwise_distances: {unknown} not found along '{dim}' (have {labels})"
        )
    return chosen  # type: ignore[return-value]


@accepts_dim_aliases
@log_operation
def compute_pairwise_distances(
    data: xr.DataArray,
    dim: Literal["individuals", "keypoints", "individual", "keypoint"] = "individuals",
    pairs: str | Mapping[Hashable, Any] | Sequence[tuple[Hashable, Hashable]] = "all",
    across: Literal["matched", "all"] = "matched",
    metric: str | None = None,
    output: Literal["array", "movement"] = "array",
    **kwargs: Any,
) -> xr.DataArray | dict[str, xr.DataArray]:
    """Distances between pairs of individuals (or of keypoints), per frame.

    Computed as whole-array arithmetic, one step per pair (never a loop over
    frames).

    Parameters
    ----------
    data
        Positions with ``time``, ``space``, ``individuals`` and ``keypoints``
        (``keypoints`` may be absent, as in bounding boxes, when
        ``dim="individuals"``).
    dim
        ``"individuals"``: distances between individuals; ``"keypoints"``:
        between keypoints (within each individual when ``across="matched"``).
    pairs
        ``"all"`` (every unordered pair of distinct labels, in label order),
        a mapping ``{a: b}`` / ``{a: [b, c]}``, or a list of ``(a, b)``.
    across
        How the other labelled dim is paired. ``"matched"`` (default):
        label with the same label, e.g. nose of A to nose of B, or nose to
        tail of the same individual. ``"all"``: every label of the first
        with every label of the second, e.g. a keypoint x keypoint matrix
        per pair of individuals; this is what
        ``movement.kinematics.compute_pairwise_distances`` returns (as one
        array instead of a dict).
    metric
        With ``output="movement"``: any metric of
        :func:`scipy.spatial.distance.cdist` (``"euclidean"`` when None), as
        ``movement`` takes it. Our one array is Euclidean only.
    output
        ``"array"`` (default): the one array described under Returns.
        ``"movement"``: exactly what ``movement.kinematics.compute_pairwise_distances``
        returns: for one pair a DataArray with dims ``(time, a, b)`` (``a`` and
        ``b`` the pair's labels, their coordinates the labels of the other dim,
        every one with every one, size-1 dims squeezed), for several pairs a dict
        ``{"dist_a_b": DataArray}``.
    **kwargs
        With ``output="movement"``: passed to :func:`scipy.spatial.distance.cdist`.

    Returns
    -------
    xarray.DataArray or dict
        Named ``"distance"``. ``dim`` is replaced by ``pairs``, with
        coordinates ``pairs`` (``"a-b"`` strings), ``first`` and ``second``
        (the labels). With ``across="all"`` the other dim ``o`` is replaced
        by ``o_first`` and ``o_second``. Other dims (``time``, ``layers``,
        ...) are kept. A NaN coordinate gives a NaN distance.
        With ``output="movement"``: ``movement``'s answer instead (see there).
    """
    if output not in ("array", "movement"):
        raise InvalidArgumentError(
            f"compute_pairwise_distances: output must be 'array' or 'movement', got {output!r}"
        )
    if output == "movement":
        return _movement_distances(data, dim, pairs, metric or "euclidean", **kwargs)
    if metric not in (None, "euclidean") or kwargs:
        raise InvalidArgumentError(
            f"compute_pairwise_distances: metric={metric!r} and cdist arguments need "
            "output='movement' (the one array is Euclidean)"
        )
    dim = DIM_ALIASES.get(dim, dim)  # type: ignore[assignment]  # movement spells it singular
    if dim not in ("individuals", "keypoints"):
        raise InvalidArgumentError(
            f"compute_pairwise_distances: dim must be 'individuals' or 'keypoints', got {dim!r}"
        )
    if across not in ("matched", "all"):
        raise InvalidArgumentError(
            f"compute_pairwise_distances: across must be 'matched' or 'all', got {across!r}"
        )
    require_dims(data, ["time", "space", dim], "compute_pairwise_distances")
    labels = list(data[dim].values) if dim in data.coords else list(range(data.sizes[dim]))
    chosen = _pair_list(labels, pairs, dim)
    index = {label: i for i, label in enumerate(labels)}
    first = np.array([index[a] for a, _ in chosen], dtype=np.intp)
    second = np.array([index[b] for _, b in chosen], dtype=np.intp)
    other = "keypoints" if dim == "individuals" else "individuals"
    has_other = other in data.dims
    cross = across == "all" and has_other
    core = [dim, other, "space"] if has_other else [dim, "space"]
    if cross:
        out_core = ["pairs", f"{other}_first", f"{other}_second"]
        sizes = {"pairs": len(chosen), out_core[1]: data.sizes[other]}
        sizes[out_core[2]] = data.sizes[other]
    else:
        out_core = ["pairs", other] if has_other else ["pairs"]
        sizes = {"pairs": len(chosen)}
    result = xr.apply_ufunc(
        _distance_kernel,
        data,
        input_core_dims=[core],
        output_core_dims=[out_core],
        kwargs={"first": first, "second": second, "cross": cross, "has_other": has_other},
        dask="parallelized",
        output_dtypes=[np.result_type(data.dtype, np.float32)],
        dask_gufunc_kwargs={"output_sizes": sizes, "allow_rechunk": True},
        keep_attrs=False,
    )
    coords: dict[str, Any] = {
        "pairs": ("pairs", np.array([f"{a}-{b}" for a, b in chosen], dtype=str)),
        "first": ("pairs", np.array([a for a, _ in chosen])),
        "second": ("pairs", np.array([b for _, b in chosen])),
    }
    if cross and other in data.coords:
        coords[f"{other}_first"] = data[other].values
        coords[f"{other}_second"] = data[other].values
    result = result.assign_coords(coords)
    order = [
        "pairs" if d == dim else d for d in data.dims if d != "space" and not (cross and d == other)
    ]
    tail = [d for d in result.dims if d not in order]
    return _named(result.transpose(*order, *tail), "distance", data)


def _movement_distances(
    data: xr.DataArray, dim: str, pairs: Any, metric: str, **kwargs: Any
) -> xr.DataArray | dict[str, xr.DataArray]:
    """``movement``'s layout: per pair, every label of the other dim with every one (cdist)."""
    from scipy.spatial.distance import cdist

    dim = DIM_ALIASES.get(dim, dim)
    if dim not in ("individuals", "keypoints"):
        raise InvalidArgumentError(
            f"compute_pairwise_distances: dim must be 'individual' or 'keypoint', got {dim!r}"
        )
    if not (pairs == "all" or isinstance(pairs, Mapping)):
        raise InvalidArgumentError(
            f"compute_pairwise_distances: with output='movement', pairs must be a dict or "
            f"'all', got {pairs!r}"
        )
    other = "keypoints" if dim == "individuals" else "individuals"
    require_dims(data, ["time", "space", dim, other], "compute_pairwise_distances")
    labels = list(data[dim].values)
    results: dict[str, xr.DataArray] = {}
    for a, b in _pair_list(labels, pairs, dim):
        first = data.sel({dim: a}, drop=True)
        second = data.sel({dim: b}, drop=True)
        result = xr.apply_ufunc(
            cdist,
            first,
            second,
            kwargs={"metric": metric, **kwargs},
            input_core_dims=[[other, "space"], [other, "space"]],
            output_core_dims=[[str(a), str(b)]],
            vectorize=True,
        )
        result = result.assign_coords({str(a): first[other].values, str(b): second[other].values})
        result.name = "distance"
        results[f"dist_{a}_{b}"] = result.squeeze(drop=True)
    return next(iter(results.values())) if len(results) == 1 else results


def _distance_kernel(
    x: np.ndarray, first: np.ndarray, second: np.ndarray, cross: bool, has_other: bool
) -> np.ndarray:
    """Distances for the label pairs (first[p], second[p]) of the core axis ``-3``/``-2``.

    ``x`` has shape ``(..., N, [O,] S)``. The result is ``(..., P, O, O)`` when
    ``cross`` (every O of the first with every O of the second), else
    ``(..., P, [O])``. Leading axes are processed in blocks with a reused
    buffer and in-place arithmetic (a Python loop over pairs and blocks of
    frames, never over single frames), so the cost stays close to reading
    the input and writing the output once.
    """
    n_core = 3 if has_other else 2
    lead = x.shape[:-n_core]
    core = x.shape[-n_core:]
    flat = x.reshape(-1, *core)
    if not has_other:
        flat = flat[:, :, None, :]
    n_rows, n_pairs, n_other, n_space = flat.shape[0], first.size, flat.shape[2], flat.shape[3]
    dtype = np.result_type(x.dtype, np.float32)
    if not cross:
        # one subtraction per pair on blocks of rows: reads each point a few times, no gathers
        out = np.empty((n_rows, n_pairs, n_other), dtype=dtype)
        block = max(1, (1 << 17) // max(1, n_other * n_space))
        buffer = np.empty((min(block, n_rows), n_other, n_space), dtype=dtype)
        for start in range(0, n_rows, block):
            stop = min(n_rows, start + block)
            rows = flat[start:stop]
            scratch = buffer[: stop - start]
            for p, (i, j) in enumerate(zip(first, second, strict=True)):
                np.subtract(rows[:, i], rows[:, j], out=scratch)
                np.multiply(scratch, scratch, out=scratch)
                target = out[start:stop, p]
                target[...] = scratch[..., 0]
                for s in range(1, n_space):
                    target += scratch[..., s]
        np.sqrt(out, out=out)
    else:
        out = _cross_distances(flat, first, second, dtype)
    if not has_other:
        out = out[:, :, 0]
    return out.reshape(*lead, *out.shape[1:])


def _cross_distances(
    flat: np.ndarray, first: np.ndarray, second: np.ndarray, dtype: np.dtype
) -> np.ndarray:
    """Every O of ``first[p]`` against every O of ``second[p]``: ``(rows, P, O, O)``."""
    n_rows, _, n_other, n_space = flat.shape
    components = [np.ascontiguousarray(flat[..., s]) for s in range(n_space)]  # (rows, N, O)
    out_core = (first.size, n_other, n_other)
    out = np.empty((n_rows, *out_core), dtype=dtype)
    block = max(1, (1 << 19) // max(1, int(np.prod(out_core))))
    buffer = np.empty((min(block, n_rows), *out_core), dtype=dtype)
    for start in range(0, n_rows, block):
        stop = min(n_rows, start + block)
        target = out[start:stop]
        scratch = buffer[: stop - start]
        for s, component in enumerate(components):
            part = component[start:stop]
            into = target if s == 0 else scratch
            np.subtract(part[:, first, :, None], part[:, second, None, :], out=into)
            np.multiply(into, into, out=into)
            if s:
                target += scratch
        np.sqrt(target, out=target)
    return out
