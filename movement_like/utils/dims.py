"""Dimension names: ours, and the ones ``movement`` users pass for the same axes.

``movement`` (0.17 and later) names its dims ``individual``, ``keypoint`` and
``view``; the dataset contract of ``movement_like`` names them
``individuals``, ``keypoints`` and ``views``. An analysis function decorated
with :func:`accepts_dim_aliases` takes either spelling and answers in the
caller's: the inputs are renamed to our names on the way in and the results
back to the caller's on the way out. The order of dims is never touched here.

This module is the one place that decides which names are aliases.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import xarray as xr

from movement_like.errors import InvalidDatasetError

__all__ = ["DIM_ALIASES", "to_contract_dims", "to_caller_dims", "accepts_dim_aliases"]

#: Other accepted names of a dim, mapped to the contract's name.
DIM_ALIASES: Mapping[str, str] = {
    "individual": "individuals",
    "keypoint": "keypoints",
    "view": "views",
}

F = TypeVar("F", bound=Callable[..., Any])
XrObject = TypeVar("XrObject", bound=xr.DataArray | xr.Dataset)


def _names_of(obj: xr.DataArray | xr.Dataset) -> set[str]:
    """Dims and coordinates of ``obj`` (a scalar coordinate left by ``sel`` counts too)."""
    return {str(d) for d in obj.dims} | {str(c) for c in obj.coords}


def to_contract_dims(obj: XrObject) -> tuple[XrObject, dict[str, str]]:
    """Rename aliased dims and coordinates of ``obj`` to the contract's names.

    Parameters
    ----------
    obj
        A DataArray or Dataset, named either way.

    Returns
    -------
    renamed : DataArray or Dataset
        ``obj`` itself when nothing needed renaming, else a renamed shallow copy
        (the data are shared, never copied).
    renames : dict
        Contract name → the caller's name, for every name that was renamed;
        pass it to :func:`to_caller_dims` to rename results back.

    Raises
    ------
    InvalidDatasetError
        If ``obj`` uses both spellings of one axis (``individual`` and
        ``individuals``), which cannot be told apart.
    """
    present = _names_of(obj)
    renames = {alias: ours for alias, ours in DIM_ALIASES.items() if alias in present}
    for alias, ours in renames.items():
        if ours in present:
            raise InvalidDatasetError(
                f"the data has both {alias!r} and {ours!r}, two names of one axis; "
                f"rename one of them (e.g. data.rename({{{alias!r}: 'other_name'}}))"
            )
    if not renames:
        return obj, {}
    renamed = cast(XrObject, obj.rename(renames))
    return renamed, {ours: alias for alias, ours in renames.items()}


def to_caller_dims(result: Any, renames: Mapping[str, str]) -> Any:
    """Rename contract dims in ``result`` back to the caller's names.

    Parameters
    ----------
    result
        What an analysis function returned: a DataArray, a Dataset, a tuple,
        list or dict of them, or anything else (returned as it is).
    renames
        Contract name → caller's name, as returned by :func:`to_contract_dims`.

    Returns
    -------
    Any
        ``result`` with every contract name in ``renames`` given back its
        caller's spelling.
    """
    if not renames:
        return result
    if isinstance(result, (xr.DataArray, xr.Dataset)):
        present = _names_of(result)
        back = {ours: alias for ours, alias in renames.items() if ours in present}
        return result.rename(back) if back else result
    if isinstance(result, tuple):
        return type(result)(to_caller_dims(item, renames) for item in result)
    if isinstance(result, list):
        return [to_caller_dims(item, renames) for item in result]
    if isinstance(result, dict):
        return {key: to_caller_dims(value, renames) for key, value in result.items()}
    return result


def _in_caller_names(message: str) -> str:
    """``message`` with quoted contract dim names turned into their aliases.

    A caller who passed ``movement``'s names (``keypoint``) is told about a
    missing dim in those names, not in ours (``keypoints``).
    """
    for alias, name in DIM_ALIASES.items():
        message = message.replace(f"'{name}'", f"'{alias}'")
    return message


def accepts_dim_aliases(func: F) -> F:
    """Let an analysis function take ``movement``'s dim names and answer in them.

    Every DataArray or Dataset argument is renamed to the contract's names
    (:func:`to_contract_dims`) before ``func`` runs, and its result is renamed
    back to the caller's names (:func:`to_caller_dims`). The renaming is
    metadata only: no data is copied, so the cost does not grow with the data.

    Parameters
    ----------
    func
        An analysis function written for the contract's dim names.

    Returns
    -------
    Callable
        The wrapped function, with the same signature and docstring.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        renames: dict[str, str] = {}

        def convert(value: Any) -> Any:
            if isinstance(value, xr.DataArray | xr.Dataset):
                converted, used = to_contract_dims(value)
                renames.update(used)
                return converted
            return value

        args = tuple(convert(value) for value in args)
        kwargs = {key: convert(value) for key, value in kwargs.items()}
        try:
            result = func(*args, **kwargs)
        except InvalidDatasetError as error:
            if not renames:
                raise
            raise InvalidDatasetError(_in_caller_names(str(error))) from error
        return to_caller_dims(result, renames)

    return wrapper  # type: ignore[return-value]
