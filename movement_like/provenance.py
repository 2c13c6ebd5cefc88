"""The operation log: what was done to a dataset, kept in its ``log`` attribute.

Every analysis function is decorated with :func:`log_operation`, so its result
carries the log of its input plus one entry for the call. The log is a JSON string
(netCDF attributes cannot hold lists), read back with :func:`read_log`.

An entry has ``movement``'s shape: ``{"operation": name, "datetime": when,
<argument>: value, ...}``, the arguments at the top level, so logs written by
either library read the same. The values are JSON values (numbers stay
numbers; data arrays are described by name and dims) where ``movement`` stores
``repr`` strings. :func:`read_log` reads both this shape and the older one of
``movement_like`` (``{"operation", "arguments": {...}}``) and always returns
``{"operation", "arguments", ["datetime"]}``.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import numpy as np
import xarray as xr

__all__ = ["log_operation", "read_log", "append_log", "json_default"]

F = TypeVar("F", bound=Callable[..., Any])


def json_default(value: Any) -> Any:
    """Encode what :func:`json.dumps` cannot: numpy arrays and scalars, sets, the rest as str.

    Parameters
    ----------
    value
        An object the JSON encoder met and does not know.

    Returns
    -------
    Any
        A list, a Python scalar, a sorted list (for sets) or ``str(value)``.
    """
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


def read_log(obj: xr.Dataset | xr.DataArray) -> list[dict[str, Any]]:
    """Return the list of logged operations of a dataset or data array.

    Parameters
    ----------
    obj
        A dataset or data array, with or without a ``log`` attribute.

    Returns
    -------
    list of dict
        One entry per operation, oldest first, each ``{"operation": str,
        "arguments": dict}`` plus ``"datetime"`` when the entry has one,
        whether it was written in ``movement``'s shape (arguments at the top
        level) or in our older one; ``[]`` when there is no readable log.
    """
    text = obj.attrs.get("log", "[]")
    try:
        entries = json.loads(text) if isinstance(text, str) else []
    except json.JSONDecodeError:
        entries = []
    if not isinstance(entries, list):
        return []
    return [_normalise_entry(entry) for entry in entries if isinstance(entry, dict)]


_ENTRY_KEYS = ("operation", "datetime", "arguments")


def _normalise_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """One log entry in the shape read_log returns, from either shape."""
    arguments = dict(entry["arguments"]) if isinstance(entry.get("arguments"), dict) else {}
    arguments.update({k: v for k, v in entry.items() if k not in _ENTRY_KEYS})
    out: dict[str, Any] = {"operation": entry.get("operation"), "arguments": arguments}
    if "datetime" in entry:
        out["datetime"] = entry["datetime"]
    return out


def _describe_argument(value: Any) -> Any:
    if isinstance(value, (xr.DataArray, xr.Dataset)):
        name = getattr(value, "name", None)
        return f"<{type(value).__name__} {name or ''} dims={tuple(map(str, value.dims))}>"
    if isinstance(value, np.ndarray):
        return f"<ndarray shape={value.shape} dtype={value.dtype}>"
    if isinstance(value, slice):
        return f"slice({value.start!r}, {value.stop!r}, {value.step!r})"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_describe_argument(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _describe_argument(v) for k, v in value.items()}
    return repr(value)


def append_log(obj: Any, operation: str, arguments: Mapping[str, Any]) -> Any:
    """Return ``obj`` with one more entry in its JSON ``log`` attribute.

    The entry has ``movement``'s shape: the operation name, the date and time
    of the call, and the arguments at the top level, described in a
    JSON-friendly way (arrays by shape, data arrays by name and dims). Earlier
    entries are kept as they were written. ``obj`` is modified in place: call
    it on a fresh result, never on a user's input.

    Parameters
    ----------
    obj
        The fresh result to annotate (a DataArray or Dataset).
    operation
        The name of the operation, usually the function's name.
    arguments
        The arguments of the call, by name.

    Returns
    -------
    Any
        ``obj`` itself, for chaining.
    """
    text = obj.attrs.get("log", "[]")
    try:
        entries = json.loads(text) if isinstance(text, str) else []
    except json.JSONDecodeError:
        entries = []
    if not isinstance(entries, list):
        entries = []
    entry: dict[str, Any] = {"operation": operation, "datetime": str(datetime.now())}
    for key, value in arguments.items():
        if key == "kwargs" and not value:
            continue  # as movement: no empty **kwargs
        # an argument named like an entry key would be lost at the top level
        entry[f"argument_{key}" if key in _ENTRY_KEYS else key] = _describe_argument(value)
    entries.append(entry)
    obj.attrs["log"] = json.dumps(entries, default=json_default)
    return obj


def log_operation(func: F) -> F:
    """Decorate an analysis function so its result records the call in ``attrs['log']``.

    The first argument is the input data (DataArray or Dataset); the other
    arguments are logged by name. The input is never modified: the entry goes
    on the attributes of the returned object, which starts from the input's log.

    Parameters
    ----------
    func
        The analysis function to wrap.

    Returns
    -------
    Callable
        The wrapped function, with the same signature and docstring.
    """
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = func(*args, **kwargs)
        if not isinstance(result, (xr.DataArray, xr.Dataset)):
            return result
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        items = list(bound.arguments.items())
        source = items[0][1] if items else None
        arguments = dict(items[1:])
        if result is source:  # never touch the caller's object
            assert source is not None  # result is a DataArray or Dataset
            result = source.copy()
        else:
            result.attrs = dict(result.attrs)
        if isinstance(source, (xr.DataArray, xr.Dataset)) and "log" not in result.attrs:
            result.attrs["log"] = source.attrs.get("log", "[]")
        return append_log(result, func.__name__, arguments)

    return wrapper  # type: ignore[return-value]
