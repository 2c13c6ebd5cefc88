"""Renaming public names without breaking users: deprecations that warn, then go.

A public function, class or keyword of ``movement_like`` is never renamed or
removed silently. The old name keeps working for at least one minor release and
warns with :class:`FutureWarning` (shown to users by default, unlike
``DeprecationWarning``), saying what to use instead and when the old name goes.
Every deprecation is also listed in ``docs/changelog.md``.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from movement_like.errors import ArgumentTypeError

__all__ = ["deprecated_alias", "renamed_argument", "warn_deprecated"]

F = TypeVar("F", bound=Callable[..., Any])


def warn_deprecated(old: str, new: str, since: str, removed_in: str, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new``.

    Parameters
    ----------
    old, new
        The old and the new spelling, as a user would write them.
    since
        The version that deprecated ``old``.
    removed_in
        The version that will remove it.
    stacklevel
        Passed to :func:`warnings.warn`, so the warning points at the user's line.
    """
    warnings.warn(
        f"{old} is deprecated since movement_like {since} and will be removed in "
        f"{removed_in}; use {new} instead",
        FutureWarning,
        stacklevel=stacklevel,
    )


def deprecated_alias(func: F, old_name: str, since: str, removed_in: str) -> F:
    """Return ``func`` under its old name ``old_name``, warning on every call.

    Parameters
    ----------
    func
        The function under its new name.
    old_name
        The name users called it by before.
    since, removed_in
        See :func:`warn_deprecated`.

    Returns
    -------
    Callable
        A wrapper that warns and then calls ``func`` with the same arguments.

    Examples
    --------
    >>> def compute_speed(data):
    ...     return data
    >>> speed = deprecated_alias(compute_speed, "speed", since="0.2", removed_in="0.4")
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        warn_deprecated(f"{old_name}()", f"{func.__name__}()", since, removed_in)
        return func(*args, **kwargs)

    wrapper.__name__ = old_name
    wrapper.__qualname__ = old_name
    wrapper.__doc__ = (
        f"Deprecated alias of :func:`{func.__module__}.{func.__name__}` "
        f"(since {since}, removed in {removed_in})."
    )
    return wrapper  # type: ignore[return-value]


def renamed_argument(old: str, new: str, since: str, removed_in: str) -> Callable[[F], F]:
    """Let a function still accept keyword ``old``, now called ``new``, with a warning.

    Parameters
    ----------
    old, new
        The old and the new keyword.
    since, removed_in
        See :func:`warn_deprecated`.

    Returns
    -------
    Callable
        A decorator. Passing both keywords is a :class:`TypeError`, as Python
        does for a keyword given twice.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if old in kwargs:
                if new in kwargs:
                    raise ArgumentTypeError(
                        f"{func.__name__}() got both {old}= and {new}=; pass {new}="
                    )
                warn_deprecated(f"{old}=", f"{new}=", since, removed_in)
                kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
