"""Reading and writing: one module per format, thin facades with familiar names.

>>> from movement_like.io import load_poses, save_poses, load_netcdf, save_netcdf
>>> ds = load_poses.from_file("video1DLC_resnet50.h5", fps=30)  # doctest: +SKIP
>>> save_netcdf(ds, "video1.nc")  # doctest: +SKIP

``movement``'s spellings work too: ``load_dataset(file=...)`` (or an open
``pynwb.NWBFile``), ``file_path=`` on the savers, ``load_multiview_dataset``.
"""

from movement_like.io import load_bboxes, load_poses, save_bboxes, save_poses
from movement_like.io.load import load_dataset, load_multiview_dataset
from movement_like.io.netcdf import load_netcdf, save_netcdf
from movement_like.io.registry import detect_format, list_formats

__all__ = [
    "load_poses",
    "save_poses",
    "load_bboxes",
    "save_bboxes",
    "load_netcdf",
    "save_netcdf",
    "load_dataset",
    "load_multiview_dataset",
    "detect_format",
    "list_formats",
]
