"""Clean tracks over time: drop unsure points, fill short gaps, smooth.

Every function takes a DataArray with a ``time`` dim (usually
``ds["position"]``), finds ``time`` by name (any dim order, extra dims such as
``layers`` or ``views`` pass through untouched), works on numpy- and
dask-backed data alike (dask chunks along ``time`` get the overlap a window
needs, so the result does not depend on the chunking), never modifies its
input, and records the call in the result's ``log`` attribute.

How NaN (missing) values travel through each function is part of its
contract and is spelled out in its docstring under *NaN handling*.

Modules: :mod:`.confidence` (``filter_by_confidence``), :mod:`.interpolation`
(``interpolate_over_time``) and :mod:`.smoothing` (``rolling_filter``,
``savgol_filter``); every name is importable from ``movement_like.filtering``.
"""

from movement_like.filtering.confidence import filter_by_confidence
from movement_like.filtering.interpolation import interpolate_over_time
from movement_like.filtering.smoothing import rolling_filter, savgol_filter

__all__ = [
    "filter_by_confidence",
    "interpolate_over_time",
    "rolling_filter",
    "savgol_filter",
]
