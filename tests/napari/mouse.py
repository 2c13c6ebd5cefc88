"""Mouse gestures fed to napari's own layer mouse bindings (as a user's drag would run)."""

from __future__ import annotations

import numpy as np


def mouse_event(kind: str, position, dragging: bool = False):
    """A napari mouse event at ``position`` (data = world coordinates, frame first)."""
    from napari.utils._proxies import ReadOnlyWrapper
    from napari.utils.events import Event

    return ReadOnlyWrapper(
        Event(
            type_name=kind,
            is_dragging=dragging,
            modifiers=[],
            position=tuple(float(p) for p in position),
            view_direction=None,
            dims_displayed=[1, 2],
            pos=np.zeros(2),
        )
    )


def drag(layer, start, end, steps: int = 4) -> None:
    """Drag the point under ``start`` to ``end`` with napari's select-mode mouse binding."""
    from napari.utils.interactions import (
        mouse_move_callbacks,
        mouse_press_callbacks,
        mouse_release_callbacks,
    )

    layer.mode = "select"
    start, end = np.asarray(start, float), np.asarray(end, float)
    mouse_press_callbacks(layer, mouse_event("mouse_press", start))
    for t in np.linspace(1 / steps, 1, steps):
        mouse_move_callbacks(layer, mouse_event("mouse_move", start + t * (end - start), True))
    mouse_release_callbacks(layer, mouse_event("mouse_release", end, True))


def press_key(layer, shift: bool = False) -> object:
    """Run the layer's own Ctrl+Z (or Ctrl+Shift+Z) binding, as the key press would."""
    from app_model.types import KeyCode, KeyMod

    combo = KeyMod.CtrlCmd | (KeyMod.Shift if shift else 0) | KeyCode.KeyZ
    for binding, action in layer.keymap.items():
        if int(binding) == int(combo):
            return action(layer)
    raise AssertionError(f"no key binding {combo} on layer {layer.name}")
