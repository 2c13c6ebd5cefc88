"""Undo and redo of point edits on our layers (napari's Points layer has none of its own).

napari (0.9) undoes paint and fill on Labels layers with Ctrl+Z and redoes
with Ctrl+Shift+Z; Points and Tracks layers keep no history. An
:class:`EditHistory` gives our layers the same keys: before every edit napari
announces (a point dragged, added or deleted: the layer's ``data`` event with
action ``changing``, ``adding`` or ``removing``) it keeps a copy of the
layer's points, their features and sizes, and the dataset the layer was made
from, so that undo puts back exactly what was there and the layer converts
(:func:`~movement_like.napari.edits.layer_to_dataset`) and saves as it was.
The dock widget's copy and fill are one step each (:meth:`EditHistory.step`).

The history is bounded: at most ``limit`` steps and ``max_bytes`` of copies
(the oldest go first; the newest step is always kept). A new edit after an
undo drops the steps that could have been redone, as in napari's Labels.
Napari is not imported here except for the key codes, when keys are bound.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from movement_like.napari._arrays import METADATA_KEY

__all__ = ["EditHistory", "edit_history", "track_edits"]

#: The data-event actions that come *before* an edit (napari's ``ActionType``).
BEFORE_EDIT = frozenset({"adding", "changing", "removing"})

_HISTORIES: weakref.WeakKeyDictionary[Any, EditHistory] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class _State:
    """A copy of what an edit can change in a layer."""

    data: np.ndarray
    features: pd.DataFrame
    size: np.ndarray | None
    metadata: dict[str, Any]

    @property
    def nbytes(self) -> int:
        size = 0 if self.size is None else self.size.nbytes
        return int(self.data.nbytes + self.features.memory_usage(deep=False).sum() + size)


class EditHistory:
    """The undo and redo stacks of one Points or Tracks layer.

    Parameters
    ----------
    layer
        A napari Points or Tracks layer (usually made by our reader).
    limit
        Most undo steps kept.
    max_bytes
        Most memory the kept copies may take (default 256 MB).
    """

    def __init__(self, layer: Any, limit: int = 50, max_bytes: int = 256 * 2**20):
        self._layer = weakref.ref(layer)  # the history lives with the layer, never keeps it
        self.limit = max(int(limit), 1)
        self.max_bytes = int(max_bytes)
        self.undo_stack: deque[_State] = deque()
        self.redo_stack: deque[_State] = deque()
        self._quiet = 0  # > 0 while restoring or inside a step: edits are not recorded

    @property
    def layer(self) -> Any:
        """The layer (napari's; the history does not keep it alive)."""
        return self._layer()

    # --------------------------------------------------------------- recording
    def _state(self) -> _State:
        layer = self.layer
        meta = dict(layer.metadata)
        if isinstance(meta.get(METADATA_KEY), dict):
            meta[METADATA_KEY] = dict(meta[METADATA_KEY])
        size = np.array(layer.size, copy=True) if hasattr(layer, "size") else None
        return _State(np.array(layer.data, copy=True), layer.features.copy(), size, meta)

    def record(self) -> None:
        """Keep the layer as it is now as one undo step (call it before changing the layer)."""
        if self._quiet:
            return
        self.undo_stack.append(self._state())
        self.redo_stack.clear()
        self._trim()

    def _trim(self) -> None:
        while len(self.undo_stack) > self.limit:
            self.undo_stack.popleft()
        total = sum(s.nbytes for s in self.undo_stack)
        while len(self.undo_stack) > 1 and total > self.max_bytes:
            total -= self.undo_stack.popleft().nbytes

    def on_data(self, event: Any) -> None:
        """Napari's data-event callback: record before each edit the layer announces."""
        action = getattr(event, "action", None)
        if str(getattr(action, "value", action)) in BEFORE_EDIT:
            self.record()

    @contextmanager
    def step(self) -> Iterator[None]:
        """Make every change inside the block one undo step (the widget's copy and fill)."""
        self.record()
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    # ------------------------------------------------------------ undo / redo
    def _restore(self, state: _State) -> None:
        layer = self.layer
        self._quiet += 1
        try:
            layer.selected_data = set()
            layer.metadata = state.metadata
            layer.data = state.data.copy()
            # features (and the colours napari maps from them) only when they differ: on a
            # large layer re-mapping the colour cycle is most of the cost of an undo
            features = layer.features
            if len(features) != len(state.features) or not features.equals(state.features):
                layer.features = state.features.copy()
            if state.size is not None and len(state.size) == len(state.data):
                if not np.array_equal(layer.size, state.size):
                    layer.size = state.size.copy()
        finally:
            self._quiet -= 1

    def undo(self) -> bool:
        """Put the layer back as it was before its last edit.

        Returns
        -------
        bool
            Whether there was an edit to undo.
        """
        if not self.undo_stack:
            return False
        self.redo_stack.append(self._state())
        self._restore(self.undo_stack.pop())
        return True

    def redo(self) -> bool:
        """Make the last undone edit again.

        Returns
        -------
        bool
            Whether there was an undone edit to redo.
        """
        if not self.redo_stack:
            return False
        self.undo_stack.append(self._state())
        self._restore(self.redo_stack.pop())
        return True


def edit_history(layer: Any) -> EditHistory | None:
    """Return the :class:`EditHistory` of a layer, or None if its edits are not tracked.

    Parameters
    ----------
    layer
        A napari layer.

    Returns
    -------
    EditHistory or None
        The layer's history, made by :func:`track_edits`.
    """
    return _HISTORIES.get(layer)


def track_edits(layer: Any, limit: int = 50, max_bytes: int = 256 * 2**20) -> EditHistory:
    """Keep an undo history of a Points or Tracks layer and bind Ctrl+Z / Ctrl+Shift+Z.

    The keys are napari's Labels ones (Cmd on macOS), bound on this layer
    only, while it is the active layer. Calling it again returns the same history.

    Parameters
    ----------
    layer
        A napari Points or Tracks layer.
    limit, max_bytes
        See :class:`EditHistory`.

    Returns
    -------
    EditHistory
        The layer's history (also :func:`edit_history` of the layer).
    """
    history = _HISTORIES.get(layer)
    if history is not None:
        return history
    history = EditHistory(layer, limit=limit, max_bytes=max_bytes)
    _HISTORIES[layer] = history
    layer.events.data.connect(history.on_data)
    from app_model.types import KeyCode, KeyMod

    layer.bind_key(KeyMod.CtrlCmd | KeyCode.KeyZ, lambda _layer: history.undo(), overwrite=True)
    layer.bind_key(
        KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyZ,
        lambda _layer: history.redo(),
        overwrite=True,
    )
    return history
