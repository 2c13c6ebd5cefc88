"""Attributes that survive a netCDF round trip: the contract's rule for ``attrs``.

netCDF attributes hold strings and numbers only; every dataset of ours keeps its
attributes in that form (loaders build them with :func:`netcdf_safe_attrs`), so
that ``save_netcdf`` then ``load_netcdf`` gives back exactly what was saved.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from movement_like.provenance import json_default

__all__ = ["netcdf_safe_attrs", "is_netcdf_safe"]


def is_netcdf_safe(value: Any) -> bool:
    """Whether netCDF stores ``value`` as an attribute and gives it back unchanged.

    Parameters
    ----------
    value
        An attribute value.

    Returns
    -------
    bool
        True for strings, finite floats and integers that fit in 64 bits.
    """
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, str):
        return True
    if isinstance(value, (int, np.integer)):
        return -(2**63) <= int(value) < 2**63
    if isinstance(value, (float, np.floating)):
        return math.isfinite(float(value))
    return False


def netcdf_safe_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of ``attrs`` that survives a netCDF round trip unchanged.

    netCDF attributes cannot hold ``None``, booleans, nested containers, and a
    one-element array comes back as a scalar. So: ``None`` values are dropped,
    booleans become ``0``/``1``, non-finite floats and everything that is not a
    str, int or float (lists, dicts, arrays) becomes a JSON string.

    Parameters
    ----------
    attrs
        The attributes of a dataset or variable.

    Returns
    -------
    dict
        A new dictionary; ``attrs`` is not changed.
    """
    safe: dict[str, Any] = {}
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, (bool, np.bool_)):
            safe[str(key)] = int(value)
        elif is_netcdf_safe(value):
            safe[str(key)] = value.item() if isinstance(value, np.generic) else value
        else:
            safe[str(key)] = json.dumps(value, default=json_default)
    return safe
