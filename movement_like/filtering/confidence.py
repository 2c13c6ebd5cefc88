"""Drop the points whose confidence is below a threshold."""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from movement_like.errors import ArgumentTypeError, InvalidArgumentError
from movement_like.filtering._common import (
    _prints_report,
)
from movement_like.provenance import log_operation
from movement_like.utils.checks import require_dims
from movement_like.utils.dims import accepts_dim_aliases


def _warn_if_threshold_outside(confidence: xr.DataArray, threshold: float) -> None:
    """Warn when ``threshold`` lies outside the confidence values actually present.

    A threshold below every confidence drops nothing, one above every confidence
    drops everything: both are usually a threshold meant for another program's
    scale (DeepLabCut's likelihood is in [0, 1], SLEAP's scores are not). Lazy
    (dask) confidence is not computed for this check.
    """
    if type(confidence.data).__module__.split(".")[0] == "dask":
        return
    values = np.asarray(confidence.values, dtype=np.float64)
    known = values[~np.isnan(values)]
    if known.size == 0:
        return
    low, high = float(known.min()), float(known.max())
    if threshold < low or threshold > high:
        effect = "drops no point" if threshold < low else "drops every point"
        warnings.warn(
            f"filter_by_confidence: the threshold {threshold} is outside the range of the "
            f"confidence values present [{low:.4g}, {high:.4g}], so it {effect}; confidence "
            "scales differ between programs, pick a threshold inside that range",
            UserWarning,
            stacklevel=5,
        )


# --------------------------------------------------------------------------- #
# filter_by_confidence
# --------------------------------------------------------------------------- #
@_prints_report
@accepts_dim_aliases
@log_operation
def filter_by_confidence(
    data: xr.DataArray,
    confidence: xr.DataArray,
    threshold: float = 0.6,
    print_report: bool = False,
    keep_unknown: bool = False,
) -> xr.DataArray:
    """Set points whose confidence is below ``threshold`` to NaN.

    Parameters
    ----------
    data
        Values to filter, e.g. ``ds["position"]``.
    confidence
        Confidence of each point, e.g. ``ds["confidence"]``; it is broadcast
        against ``data`` by dim name (so it has no ``space`` dim).
    threshold
        Points with ``confidence < threshold`` are dropped. Confidence scales
        differ between programs (DeepLabCut: a likelihood in [0, 1]; SLEAP
        scores can exceed 1): look at your data before picking a value. A
        threshold outside the range of the confidence values present (so it
        drops nothing, or everything) gives a ``UserWarning``.
    print_report
        Print the NaN report (:func:`~movement_like.utils.report_nan_values`)
        of the input and of the output, as ``movement`` does.
    keep_unknown
        NaN confidence means *unknown* (for example a proofread or manually
        placed point, or a format that stores no confidence). ``False`` (the
        default, as ``movement`` 0.17) drops such points; ``True`` keeps them.

    Returns
    -------
    xarray.DataArray
        Same dims, coords and name as ``data``.

    NaN handling
    ------------
    NaN in ``data`` stays NaN. A dropped point becomes NaN in every
    ``space`` coordinate. NaN confidence: see ``keep_unknown``.
    """
    require_dims(data, ["time"], "filter_by_confidence")
    if not isinstance(confidence, xr.DataArray):
        raise ArgumentTypeError(
            "filter_by_confidence: confidence must be an xarray.DataArray "
            f"(e.g. ds['confidence']), got {type(confidence).__name__}"
        )
    extra = [d for d in confidence.dims if d not in data.dims]
    if extra:
        raise InvalidArgumentError(
            f"filter_by_confidence: confidence has dims {extra} that the data lacks "
            f"(data dims {tuple(map(str, data.dims))})"
        )
    threshold = float(threshold)
    _warn_if_threshold_outside(confidence, threshold)
    drop = confidence < threshold
    if not keep_unknown:
        drop = drop | confidence.isnull()
    result = data.where(~drop)
    result = result.transpose(*data.dims)
    result.attrs = dict(data.attrs)
    result.name = data.name
    return result
