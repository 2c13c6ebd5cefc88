"""Kinetic energy of individuals from the velocities of their keypoints."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Literal

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.kinematics._vectors import _named, _norm, _require_time_points
from movement_like.kinematics.motion import compute_time_derivative
from movement_like.provenance import log_operation
from movement_like.utils.checks import require_dims
from movement_like.utils.dims import accepts_dim_aliases


# --------------------------------------------------------------------------- #
# energy
# --------------------------------------------------------------------------- #
@accepts_dim_aliases
@log_operation
def compute_kinetic_energy(
    data: xr.DataArray,
    keypoints: Sequence[Hashable] | None = None,
    masses: Mapping[Hashable, float] | None = None,
    decompose: bool = False,
    missing: Literal["skip", "propagate"] = "skip",
) -> xr.DataArray:
    """Kinetic energy of each individual, ``sum over keypoints of m |v|^2 / 2``.

    Parameters
    ----------
    data
        Positions with ``time``, ``space`` and ``keypoints``.
    keypoints
        The keypoints to include (all by default).
    masses
        Mass of each keypoint (missing ones weigh 1).
    decompose
        Also split the energy into the translational part (the motion of the
        centre of mass, ``M |v_cm|^2 / 2``) and the internal part (the
        rest); the result then has an ``energy`` dim with labels
        ``"translational"``, ``"internal"``. Needs at least two keypoints.
    missing
        What a keypoint with an unknown (NaN) velocity does. ``"skip"``
        (default, as ``movement``): the sums run over the keypoints that are
        known, so the energy is partial, and 0 when none is known (the centre
        of mass still divides by the total mass). ``"propagate"``: the energy
        is NaN whenever an included keypoint is unknown, which never reports
        an unknown motion as stillness.

    Returns
    -------
    xarray.DataArray
        The dims of ``data`` without ``keypoints`` and ``space`` (plus
        ``energy`` when decomposed), named ``"kinetic_energy"``, in
        mass x (space unit / time unit)^2; see ``missing`` for NaN.
    """
    require_dims(data, ["time", "space", "keypoints"], "compute_kinetic_energy")
    if missing not in ("skip", "propagate"):
        raise InvalidArgumentError(
            f"compute_kinetic_energy: missing must be 'skip' or 'propagate', got {missing!r}"
        )
    skipna = missing == "skip"
    _require_time_points(data, 2, "compute_kinetic_energy")
    if keypoints is not None:
        data = data.sel(keypoints=list(keypoints))
    if decompose and data.sizes["keypoints"] < 2:
        raise InvalidArgumentError(
            "compute_kinetic_energy: At least 2 keypoints are required to decompose "
            "kinetic energy into translational and internal components (decompose=True)."
        )
    names = list(data["keypoints"].values)
    unknown = sorted(str(k) for k in (masses or {}) if k not in names)
    if unknown:
        raise InvalidArgumentError(
            f"compute_kinetic_energy: masses given for unknown keypoints {unknown}"
        )
    weights = xr.DataArray(
        np.array([float((masses or {}).get(k, 1.0)) for k in names]),
        dims=["keypoints"],
        coords={"keypoints": data["keypoints"].values},
    )
    velocity = compute_time_derivative(data, 1)
    total = (0.5 * weights * _norm(velocity) ** 2).sum("keypoints", skipna=skipna)
    if not decompose:
        return _named(total, "kinetic_energy", data)
    centre = (velocity * weights).sum("keypoints", skipna=skipna) / weights.sum()
    translational = 0.5 * weights.sum() * _norm(centre) ** 2
    energy = xr.concat([translational, total - translational], dim="energy")
    energy = energy.assign_coords(energy=["translational", "internal"])
    return _named(energy.transpose(*total.dims, "energy"), "kinetic_energy", data)
