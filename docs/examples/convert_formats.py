"""Convert between formats: SLEAP → DeepLabCut, and VIA boxes → netCDF.

Every writer is atomic and refuses to overwrite unless ``overwrite=True``.
"""

import numpy as np

from movement_like import sample_data
from movement_like.io import load_bboxes, load_poses, save_netcdf, save_poses

flies = sample_data.fetch_dataset("two_flies_sleap")
print(flies.sizes, flies.attrs["fps"])

# SLEAP analysis file → DeepLabCut multi-animal .h5, then back
written = save_poses.to_dlc_file(flies, "two_flies_dlc.h5", overwrite=True)
back = load_poses.from_file(written[0], fps=flies.attrs["fps"])
np.testing.assert_allclose(back.position.values, flies.position.values)
print("SLEAP -> DeepLabCut -> dataset: same positions")

# VIA tracks → bounding boxes dataset → netCDF
boxes = load_bboxes.from_file(sample_data.fetch_dataset_paths("three_mice_via")["bboxes"], fps=30)
names = [str(name) for name in boxes.individuals.values]
print("boxes of", names, "on", boxes.sizes["time"], "frames")
save_netcdf(boxes, "three_mice_boxes.nc", overwrite=True)
