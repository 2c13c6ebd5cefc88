"""Deprecated old home of the region files (now :mod:`movement_like.roi.io`).

Region files build region objects, so they live with the regions, as
``movement.roi.io`` does in ``movement``. Importing this module warns with
:class:`FutureWarning`; it goes in movement_like 0.3.
"""

from movement_like.roi.io import (
    MAX_BYTES,
    ROI_SUFFIXES,
    load_rois,
    load_via_regions,
    save_rois,
)
from movement_like.utils.deprecation import warn_deprecated

__all__ = ["save_rois", "load_rois", "load_via_regions", "MAX_BYTES", "ROI_SUFFIXES"]

warn_deprecated("movement_like.io.rois", "movement_like.roi.io", since="0.2", removed_in="0.3")
