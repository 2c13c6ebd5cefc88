"""Argument spellings of ``movement``'s loaders and savers, accepted by our facades.

``movement`` names the file argument ``file`` in its loaders and ``file_path``
in its savers; ours is ``path``. :func:`accepts_file_aliases` lets a facade take
any of the three (by keyword), so code written for ``movement`` runs unchanged.
Ours is not deprecated: both spellings are documented and stay.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

__all__ = ["FILE_ALIASES", "accepts_file_aliases", "take_one"]

F = TypeVar("F", bound=Callable[..., Any])

#: The names ``movement`` gives the file argument of its loaders and savers.
FILE_ALIASES = ("file", "file_path")


def take_one(func_name: str, given: Mapping[str, Any]) -> Any:
    """Return the one value given under several names of one argument.

    Parameters
    ----------
    func_name
        For the message.
    given
        Name → value for each spelling; ``None`` means not given.

    Raises
    ------
    TypeError
        If none, or more than one, is given (what Python raises for a missing
        or repeated argument).
    """
    present = {name: value for name, value in given.items() if value is not None}
    names = " / ".join(repr(name) for name in given)
    if not present:
        raise TypeError(f"{func_name}() missing the file argument ({names})")
    if len(present) > 1:
        raise TypeError(
            f"{func_name}() got the file as {' and '.join(map(repr, present))}; "
            f"{names} are spellings of one argument, pass one"
        )
    return next(iter(present.values()))


def accepts_file_aliases(
    func: F, name: str = "path", aliases: tuple[str, ...] = FILE_ALIASES, **renamed: str
) -> F:
    """Wrap ``func`` so its file argument ``name`` can also be passed as ``aliases``.

    Parameters
    ----------
    func
        A reader or writer whose file argument is ``name``.
    name
        Our spelling of the file argument.
    aliases
        Other spellings accepted by keyword (``movement``'s ``file``, ``file_path``).
    **renamed
        Other keyword arguments to accept under ``movement``'s name:
        ``theirs="ours"``.

    Returns
    -------
    Callable
        The wrapper; its signature shows the aliases as keyword-only arguments.
    """
    signature = inspect.signature(func)
    position = list(signature.parameters).index(name)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        spellings = [alias for alias in (name, *aliases) if alias in kwargs]
        if spellings and spellings != [name]:
            by_position = {name: args[position]} if len(args) > position else {}
            value = take_one(func.__name__, by_position | {s: kwargs.pop(s) for s in spellings})
            if by_position:
                args = args[:position] + (value,) + args[position + 1 :]
            else:
                kwargs[name] = value
        for theirs, ours in renamed.items():
            if theirs in kwargs:
                if ours in kwargs:
                    raise TypeError(
                        f"{func.__name__}() got both {theirs!r} and {ours!r}, "
                        "two spellings of one argument; pass one"
                    )
                kwargs[ours] = kwargs.pop(theirs)
        return func(*args, **kwargs)

    extra = [
        inspect.Parameter(alias, inspect.Parameter.KEYWORD_ONLY, default=None)
        for alias in (*aliases, *renamed)
        if alias not in signature.parameters
    ]
    params = list(signature.parameters.values())
    tail = [p for p in params if p.kind is inspect.Parameter.VAR_KEYWORD]
    head = [p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD]
    wrapper.__signature__ = signature.replace(parameters=[*head, *extra, *tail])  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
