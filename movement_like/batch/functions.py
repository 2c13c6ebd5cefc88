"""Which functions a pipeline step may name, and finding them.

A step names a public function of the analysis rooms by its short name
(``"interpolate_over_time"``) or any importable function as
``"package.module:function"``; importing a module outside ``movement_like`` runs
its code, so that is allowed only when asked.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

from movement_like.errors import PipelineError

__all__ = ["STEP_ROOMS", "resolve_function"]

#: Rooms of movement_like whose public functions a step may name by their short name.
STEP_ROOMS = (
    "movement_like.filtering",
    "movement_like.kinematics",
    "movement_like.transforms",
    "movement_like.optical_flow",
    "movement_like.roi",
)


def resolve_function(name: str, allow_external: bool = True, where: str = "") -> Callable:
    """Return the function a step names.

    Parameters
    ----------
    name
        A short name of a public function of :data:`STEP_ROOMS`, or
        ``"package.module:function"``.
    allow_external
        Allow (and import) modules outside ``movement_like``.
    where
        How error messages name the step.

    Returns
    -------
    Callable
        The function.

    Raises
    ------
    PipelineError
        If there is no such function, or it is outside what may be named.
    """
    where = where or name
    if ":" not in name:
        for room in STEP_ROOMS:
            module = importlib.import_module(room)
            if name in getattr(module, "__all__", ()):
                function = vars(module).get(name)
                if callable(function) and not isinstance(function, type):
                    return function
        known = ", ".join(sorted(_short_names()))
        raise PipelineError(
            f"{where}: unknown function {name!r}; use one of {known}, "
            "or 'package.module:function' for a function of your own"
        )
    module_name, _, attr = name.partition(":")
    ours = module_name == "movement_like" or module_name.startswith("movement_like.")
    if ours and not any(module_name == r or module_name.startswith(r + ".") for r in STEP_ROOMS):
        raise PipelineError(
            f"{where}: {module_name} is not a room of analysis functions; "
            f"steps may use {', '.join(STEP_ROOMS)} (loading and saving are [load] and [save])"
        )
    if not ours and not allow_external:
        raise PipelineError(
            f"{where}: {name!r} is outside movement_like, and importing it would run its code; "
            "pass allow_external=True (--allow-external) if you trust this pipeline"
        )
    if attr.startswith("_") or not attr:
        raise PipelineError(f"{where}: {name!r} does not name a public function")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise PipelineError(f"{where}: cannot import {module_name} ({exc})") from exc
    function = getattr(module, attr, None)
    if not callable(function):
        raise PipelineError(f"{where}: {module_name} has no function {attr!r}")
    return function


def _short_names() -> list[str]:
    names = []
    for room in STEP_ROOMS:
        module = importlib.import_module(room)
        for n in getattr(module, "__all__", ()):
            value = vars(module).get(n)  # not the deprecated names a module resolves lazily
            if inspect.isfunction(value):
                names.append(n)
    return names
