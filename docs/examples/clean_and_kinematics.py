"""Clean multi-animal predictions and compute kinematics, then save the state.

Every function is pure (the input is never changed), keeps extra dims, and logs
itself in ``attrs["log"]``.
"""

import json

from movement_like import filtering, kinematics, sample_data
from movement_like.io import load_netcdf, save_netcdf

ds = sample_data.fetch_dataset("multi_mouse_dlc")
print("missing before:", int(ds.position.isnull().any("space").sum()), "points")

# 1. drop low-confidence points, 2. fill short gaps, 3. smooth
position = filtering.filter_by_confidence(ds.position, ds.confidence, threshold=0.6)
print("missing after the confidence filter:", int(position.isnull().any("space").sum()))
position = filtering.interpolate_over_time(position, max_gap=10)
print("missing after interpolation:", int(position.isnull().any("space").sum()))
position = filtering.rolling_filter(position, window=5, statistic="median")

# kinematics: units follow the time coordinate (seconds here, since fps = 30)
speed = kinematics.compute_speed(position)
print("mean speed of each mouse's neck (px/s):")
print(speed.sel(keypoints="neck").mean("time").to_series().round(1).to_string())
# distances between every pair of mice, keypoint by keypoint (one array, a "pairs" dim)
distances = kinematics.compute_pairwise_distances(position, dim="individuals")
closest = distances.sel(keypoints="neck").min("time")
for pair, value in zip(closest["pairs"].values, closest.values, strict=True):
    print(f"closest approach of {pair}: {float(value):.1f} px")

state = ds.assign(position=position, speed=speed)
save_netcdf(state, "mice_clean.nc", overwrite=True)
log = json.loads(load_netcdf("mice_clean.nc").position.attrs.get("log", "[]"))
print("operations logged on position:", [entry["operation"] for entry in log])
