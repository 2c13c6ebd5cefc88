"""movement_like: load, clean, fill and analyse tracked points from video.

Every pose or track file becomes one labelled :class:`xarray.Dataset`
(see :mod:`movement_like.dataset` for the contract); analysis steps are pure
functions on it; netCDF is the native state format.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("movement_like")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.1.0.dev0"

__all__ = ["__version__"]
