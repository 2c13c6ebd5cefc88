"""Load a sample file, look at it, save it as netCDF and reload the identical dataset.

Run from any folder: ``python docs/examples/load_and_save.py``; it writes into the
current folder.
"""

import xarray as xr

from movement_like import sample_data
from movement_like.cli import summarise
from movement_like.io import load_netcdf, load_poses, save_netcdf

# Any sample, by name; the paths of its files are there too.
paths = sample_data.fetch_dataset_paths("multi_mouse_dlc")
ds = load_poses.from_file(paths["poses"], fps=30)  # the format is detected
print(summarise(ds, "DeepLabCut"))

# Select by name, never by position.
snout = ds.position.sel(individuals="mouse1", keypoints="snout")
print("mouse1's snout starts at", snout.isel(time=0).values)

save_netcdf(ds, "three_mice.nc", overwrite=True)
same = load_netcdf("three_mice.nc")
xr.testing.assert_identical(ds, same)
print("netCDF round trip: identical")
