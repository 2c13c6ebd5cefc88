"""Kinematics from positions: derivatives, path measures, distances, heading, energy.

All functions take ``ds["position"]`` (or any DataArray with ``time`` and
``space``), find axes by name, carry extra dims (``layers``, ``views``)
through, work on numpy- and dask-backed data, never modify their input, log
the call in ``attrs["log"]`` and name their result.

Units follow the coordinates: derivatives are taken against the ``time``
coordinate (seconds when the frame rate is known, else frames), so sparse or
uneven time stamps give correct rates; lengths are in the units of ``space``.

Modules: :mod:`.motion` (displacement, velocity, acceleration, speed),
:mod:`.path` (path length, straightness, turning angle), :mod:`.path_shape`
(path deviation, directional change, sinuosity, E_max), :mod:`.distances`,
:mod:`.orientation` (forward vector, heading, angular velocity) and
:mod:`.energy` (kinetic energy).
"""

from movement_like.kinematics.distances import compute_pairwise_distances
from movement_like.kinematics.energy import compute_kinetic_energy
from movement_like.kinematics.motion import (
    compute_acceleration,
    compute_backward_displacement,
    compute_forward_displacement,
    compute_speed,
    compute_time_derivative,
    compute_velocity,
)
from movement_like.kinematics.orientation import (
    compute_angular_velocity,
    compute_forward_vector,
    compute_forward_vector_angle,
    compute_head_direction_vector,
)
from movement_like.kinematics.path import (
    compute_path_length,
    compute_path_straightness,
    compute_turning_angle,
)
from movement_like.kinematics.path_shape import (
    compute_directional_change,
    compute_path_deviation,
    compute_path_emax,
    compute_path_sinuosity,
)

__all__ = [
    "compute_time_derivative",
    "compute_forward_displacement",
    "compute_backward_displacement",
    "compute_velocity",
    "compute_acceleration",
    "compute_speed",
    "compute_path_length",
    "compute_path_straightness",
    "compute_turning_angle",
    "compute_directional_change",
    "compute_path_deviation",
    "compute_path_sinuosity",
    "compute_path_emax",
    "compute_pairwise_distances",
    "compute_forward_vector",
    "compute_forward_vector_angle",
    "compute_head_direction_vector",
    "compute_angular_velocity",
    "compute_kinetic_energy",
]
