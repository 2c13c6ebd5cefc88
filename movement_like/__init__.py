"""movement_like: load, clean, fill and analyse tracked points from video.

Every pose or track file becomes one labelled :class:`xarray.Dataset`
(see :mod:`movement_like.dataset` for the contract); analysis steps are pure
functions on it; netCDF is the native state format.
"""

# The single source of the version (pyproject.toml reads it from here): a plain
# string, because importlib.metadata would add ~30 ms to every import.
__version__ = "0.1.0"

__all__ = ["__version__"]
