"""Small tools shared by the analysis modules, and the reports on missing values.

Public
    :func:`report_nan_values` (how many points are missing, as ``movement``'s
    text report), :func:`nan_report_table` (the same per track as a table,
    with the longest gap) and :func:`nan_runs` (where the gaps are), in
    :mod:`movement_like.utils.reports`; vector helpers in
    :mod:`movement_like.utils.vector`.

Shared by :mod:`movement_like.filtering`, :mod:`movement_like.kinematics`,
:mod:`movement_like.transforms` and the other analysis modules
    :mod:`~movement_like.utils.checks` (argument checks),
    :mod:`~movement_like.utils.along_time` (a numpy kernel along ``time`` on
    numpy or dask data) and :mod:`~movement_like.utils.dims` (``movement``'s
    dim names accepted as aliases of ours).
"""

from movement_like.utils.reports import nan_report_table, nan_runs, report_nan_values

__all__ = ["report_nan_values", "nan_report_table", "nan_runs"]
