"""Reading and writing: one module per format, thin facades with familiar names.

>>> from movement_like.io import load_poses, save_poses, load_netcdf, save_netcdf
>>> ds = load_poses.from_file("video1DLC_resnet50.h5", fps=30)  # doctest: +SKIP
>>> save_netcdf(ds, "video1.nc")  # doctest: +SKIP
"""

from movement_like.io import load_bboxes, load_poses, save_bboxes, save_poses
from movement_like.io.netcdf import load_netcdf, save_netcdf
from movement_like.io.registry import detect_format, list_formats
from movement_like.io.registry import load as load_dataset

__all__ = [
    "load_poses",
    "save_poses",
    "load_bboxes",
    "save_bboxes",
    "load_netcdf",
    "save_netcdf",
    "load_dataset",
    "detect_format",
    "list_formats",
]
