"""movement's gallery example "Smooth pose tracks", with only the import changed.

The steps of movement's ``smooth`` gallery example (a rolling median, then a
Savitzky-Golay filter, each printing its NaN report, and what they do to the
data) on a real DeepLabCut open-field mouse, read offline into the
movement-named DataArray movement's loaders give. Switching back to movement
means changing the import block below and nothing else;
``tests/analysis/test_gallery_examples.py`` runs this script under both and
checks that they print the same thing.

Real data: ``../shared/realdata`` beside the checkout (or ``$MOVEMENT_LIKE_REALDATA``).
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

# --- the switch: movement's imports, with movement -> movement_like ----------
from movement_like.filtering import (
    filter_by_confidence,
    interpolate_over_time,
    rolling_filter,
    savgol_filter,
)
from movement_like.kinematics import compute_speed

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
coords = {
    "time": np.arange(len(frame)) / 30.0,
    "space": ["x", "y"],
    "keypoint": keypoints,
    "individual": ["mouse"],
}
position = xr.DataArray(
    values[:, :, :2].transpose(0, 2, 1)[..., None],
    dims=("time", "space", "keypoint", "individual"),
    coords=coords,
    name="position",
)
confidence = xr.DataArray(
    values[:, :, 2][..., None],
    dims=("time", "keypoint", "individual"),
    coords={k: v for k, v in coords.items() if k != "space"},
    name="confidence",
)

# Drop the unsure points first, so that there are gaps to smooth around
position = filter_by_confidence(position, confidence, threshold=0.9, print_report=True)

# A rolling median removes single-frame jumps; the report shows how the gaps grow
median = rolling_filter(position, window=6, statistic="median", print_report=True)
# min_periods=2: a window needs only 2 known values, so gaps grow less
median_tolerant = rolling_filter(position, window=6, min_periods=2, print_report=True)

# Fill the short gaps, then a Savitzky-Golay filter (mode="nearest" needs no full edge windows)
filled = interpolate_over_time(median_tolerant, max_gap=10, print_report=True)
smooth = savgol_filter(filled, window=7, polyorder=2, mode="nearest", print_report=True)

# What smoothing does: the speed of the snout is less jittery
for label, data in (("raw", position), ("median", median_tolerant), ("savgol", smooth)):
    speed = compute_speed(data.sel(keypoint="snout"))
    print(f"snout speed, {label}: median {float(speed.median()):.2f} px/s")
