"""movement's gallery example "Compute and visualise kinematics", with only the import changed.

The analysis steps of movement's ``compute_kinematics`` gallery example, on a
real DeepLabCut open-field mouse (movement's example fetches a SLEAP file from
its sample-data server; this one reads a real file offline, into the same
movement-named DataArray, ``(time, space, keypoint, individual)``). Switching
back to movement means changing the import block below and nothing else;
``tests/analysis/test_gallery_examples.py`` runs this script under both and
checks that they print the same numbers.

Real data: ``../shared/realdata`` beside the checkout (or ``$MOVEMENT_LIKE_REALDATA``).
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

# --- the switch: movement's imports, with movement -> movement_like ----------
from movement_like.kinematics import (
    compute_acceleration,
    compute_forward_displacement,
    compute_path_length,
    compute_speed,
    compute_velocity,
)
from movement_like.utils.vector import compute_norm

# -----------------------------------------------------------------------------

REALDATA = Path(
    os.environ.get("MOVEMENT_LIKE_REALDATA")
    or Path(__file__).resolve().parents[3] / "shared" / "realdata"
)
TRACKS = REALDATA / "deeplabcut" / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
if not TRACKS.is_file():
    sys.exit(f"the real openfield file is not in {REALDATA}: set MOVEMENT_LIKE_REALDATA")

# A movement-shaped position array, read with pandas (what a loader would give)
frame = pd.read_hdf(TRACKS)
keypoints = list(dict.fromkeys(frame.columns.get_level_values(1)))
values = frame.to_numpy(dtype=float).reshape(len(frame), len(keypoints), 3)
position = xr.DataArray(
    values[:, :, :2].transpose(0, 2, 1)[..., None],
    dims=("time", "space", "keypoint", "individual"),
    coords={
        "time": np.arange(len(frame)) / 30.0,
        "space": ["x", "y"],
        "keypoint": keypoints,
        "individual": ["mouse"],
    },
    name="position",
)
print(f"{position.sizes['time']} frames, keypoints {keypoints}")

# Displacement: the vector from each position to the next one
displacement = compute_forward_displacement(position)
print("displacement dims:", displacement.dims)
step = compute_norm(displacement.sel(keypoint="snout")).isel(time=slice(None, -1))
print(f"snout: mean step {float(step.mean()):.3f} px, longest {float(step.max()):.3f} px")

# Velocity and speed (pixels per second, since time is in seconds)
velocity = compute_velocity(position)
speed = compute_speed(position)
print("velocity dims:", velocity.dims, "| speed dims:", speed.dims)
for keypoint in keypoints:
    mean_speed = float(speed.sel(keypoint=keypoint).mean())
    print(f"mean speed of {keypoint}: {mean_speed:.2f} px/s")
# the norm of the velocity is the speed
np.testing.assert_allclose(compute_norm(velocity).values, speed.values)

# Acceleration
acceleration = compute_acceleration(position)
magnitude = compute_norm(acceleration.sel(keypoint="tailbase"))
print(f"tail base: median |acceleration| {float(magnitude.median()):.1f} px/s^2")

# Distance travelled by the body centre
centroid = position.mean("keypoint")
length = compute_path_length(centroid)
print(f"path length of the centroid: {float(length.squeeze()):.1f} px ({length.name})")
