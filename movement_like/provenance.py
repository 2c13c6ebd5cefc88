"""The operation log: what was done to a dataset, kept in its ``log`` attribute.

Every analysis function is decorated with :func:`log_operation`, so its result
carries the log of its input plus one entry for the call: the operation's name
and its arguments, described in a JSON-friendly way. The log is a JSON string
(netCDF attributes cannot hold lists), read back with :func:`read_log`.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable, Mapping
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
        One entry per operation, oldest first; ``[]`` when there is no
        readable log.
    """
    text = obj.attrs.get("log", "[]")
    try:
        entries = json.loads(text) if isinstance(text, str) else []
    except json.JSONDecodeError:
        entries = []
    return entries if isinstance(entries, list) else []


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

    The entry holds the operation name and its arguments, described in a
    JSON-friendly way (arrays by shape, data arrays by name and dims). ``obj`` is
    modified in place: call it on a fresh result, never on a user's input.

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
    entries = read_log(obj)
    entries.append(
        {
            "operation": operation,
            "arguments": {k: _describe_argument(v) for k, v in arguments.items()},
        }
    )
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
