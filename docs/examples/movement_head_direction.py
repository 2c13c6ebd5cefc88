"""movement's gallery example "Compute head direction", with only the import changed.

The steps of movement's ``compute_head_direction`` gallery example (the head
direction vector from the two ears, its polar coordinates, the head-to-snout
vector, and the heading angle against a reference) on a real DeepLabCut
open-field mouse, read offline into the movement-named DataArray movement's
loaders give. Switching back to movement means changing the import block
below and nothing else; ``tests/analysis/test_gallery_examples.py`` runs this
script under both and checks that they print the same numbers.

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
    compute_forward_vector_angle,
    compute_head_direction_vector,
)
from movement_like.utils.vector import cart2pol, compute_signed_angle_2d, pol2cart

# -----------------------------------------------------------------------------

REALDATA = Path(
    os.environ.get("MOVEMENT_LIKE_REALDATA")
    or Path(__file__).resolve().parents[3] / "shared" / "realdata"
)
TRACKS = REALDATA / "deeplabcut" / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
if not TRACKS.is_file():
    sys.exit(f"the real openfield file is not in {REALDATA}: set MOVEMENT_LIKE_REALDATA")

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

# The head direction: perpendicular to the ear-to-ear line, pointing forwards
head_vector = compute_head_direction_vector(position, "leftear", "rightear", camera_view="top_down")
print("head direction vector:", head_vector.name, head_vector.dims)

# In polar coordinates: rho is 1 (a unit vector), phi the direction in the image
head_polar = cart2pol(head_vector)
phi = head_polar.sel(space_pol="phi")
print(f"rho: min {float(head_polar.sel(space_pol='rho').min()):.6f}")
counts, edges = np.histogram(np.rad2deg(phi.values), bins=8, range=(-180, 180))
for low, count in zip(edges[:-1], counts, strict=True):
    print(f"phi in [{low:5.0f}, {low + 45:5.0f}) degrees: {count} frames")
np.testing.assert_allclose(pol2cart(head_polar).values, head_vector.values, atol=1e-12)

# The head-to-snout vector (midpoint of the ears to the snout) agrees with it
midpoint = position.sel(keypoint=["leftear", "rightear"]).mean("keypoint")
head_to_snout = position.sel(keypoint="snout") - midpoint
angle = compute_signed_angle_2d(head_vector, head_to_snout)
print(
    f"median angle head vector -> head-to-snout: {float(np.rad2deg(abs(angle)).median()):.1f} deg"
)

# The heading angle against the image's +x axis, in degrees
heading = compute_forward_vector_angle(
    position, "leftear", "rightear", reference_vector=(1, 0), in_degrees=True
)
print(f"heading: {heading.name}, first frames {np.round(heading.values[:3, 0], 2).tolist()}")
