"""Work on a dataset chunked with dask: lazy all the way, same numbers as in memory."""

import numpy as np
import xarray as xr

from movement_like import filtering, kinematics, sample_data
from movement_like.io import load_netcdf, save_netcdf

# A longer recording: the multi-animal sample repeated 20 times (6000 frames).
ds = sample_data.fetch_dataset("multi_mouse_dlc")
long = xr.concat([ds] * 20, dim="time", data_vars="all")
long = long.assign_coords(
    time=np.arange(long.sizes["time"]) / 30, frame=("time", np.arange(long.sizes["time"]))
)
save_netcdf(long, "long.nc", overwrite=True)

# chunks={} opens lazily with the file's own chunks; then pick 1000-frame chunks
lazy = load_netcdf("long.nc", chunks={}).chunk({"time": 1000})  # nothing read yet
position = filtering.filter_by_confidence(lazy.position, lazy.confidence, threshold=0.6)
position = filtering.interpolate_over_time(position, max_gap=10)
position = filtering.rolling_filter(position, window=5, statistic="median")
speed = kinematics.compute_speed(position)
print(
    "speed is lazy:",
    type(speed.data).__module__.startswith("dask"),
    "chunks along time:",
    speed.chunks[speed.dims.index("time")][:3],
    "...",
)

# the same chain in memory gives the same numbers: chunk borders do not matter
eager = filtering.filter_by_confidence(long.position, long.confidence, threshold=0.6)
eager = filtering.interpolate_over_time(eager, max_gap=10)
eager = filtering.rolling_filter(eager, window=5, statistic="median")
xr.testing.assert_allclose(speed.compute(), kinematics.compute_speed(eager))
print("dask and numpy results agree")

save_netcdf(lazy.assign(position=position, speed=speed), "long_clean.nc", overwrite=True)
print("saved", load_netcdf("long_clean.nc").sizes["time"], "frames, computed chunk by chunk")
