"""What the plugin sets up on a napari viewer it opens a video in (no napari import here).

Three things, all through napari's public events and emitters:

* :func:`start_at_first_frame`: napari puts the time slider of a new viewer
  on the *middle* frame, which for a video means a seek into the middle of
  the stream (the slowest frame to show first: 0.1 s on a quiet machine, up
  to 1 s on a loaded one, for the 2,330-frame openfield H.264 video) and
  frames the user did not ask for. The viewer shows frame 0 instead, which
  is decoded while the file opens, and the middle frame is never decoded.
* :func:`close_videos_on_removal`: a video layer's background decoder stops
  and its cache is dropped when the layer leaves the viewer (and so when
  the viewer closes, which removes every layer).
* :func:`track_our_layers`: every Points or Tracks layer made from a dataset
  (ours) gets an undo history with Ctrl+Z / Ctrl+Shift+Z
  (:mod:`.history`), when it joins the viewer or if it is there already.

:func:`prepare_viewer` does all three; the reader calls it on the viewer it reads
into, and scripts that add our layers themselves may call it too.
"""

from __future__ import annotations

import weakref
from typing import Any

from movement_like.napari._arrays import METADATA_KEY
from movement_like.napari.frames import VideoFrames
from movement_like.napari.history import track_edits

__all__ = [
    "close_videos_on_removal",
    "prepare_viewer",
    "start_at_first_frame",
    "track_our_layers",
]

_CLOSING: weakref.WeakSet[Any] = weakref.WeakSet()
_TRACKING: weakref.WeakSet[Any] = weakref.WeakSet()


def start_at_first_frame(viewer: Any) -> None:
    """Make the first layer added to this empty viewer show frame 0, not the middle one.

    One-shot. napari centres the sliders when the first layer arrives, and
    slices every layer there at once; a plugin's callbacks always run after
    napari's own, so the centring cannot be undone before that slice. Instead
    the dims' ``point`` and ``current_step`` events are blocked (napari's
    public ``EventEmitter.block``) from just before the first layer goes in
    (``layers.events.inserting``) until it is in (``inserted``): napari slices
    the new layer at step 0, centres the dims without slicing again, and then
    the first slider goes back to step 0 and the events are sent once, so the
    sliders, the layers and the shown frame agree. Later layers and the
    user's slider moves are untouched. Nothing happens if the viewer already
    holds layers.

    Parameters
    ----------
    viewer
        A napari viewer (or viewer model) with no layers yet.
    """
    if len(viewer.layers):
        return
    dims, events = viewer.dims, viewer.layers.events
    emitters = (dims.events.point, dims.events.current_step)
    state = {"blocked": False}

    def hold(event: Any = None) -> None:
        if state["blocked"]:  # napari failed to add the first layer: never stay blocked
            release()
        elif len(viewer.layers) == 0:
            state["blocked"] = True
            for emitter in emitters:
                emitter.block()

    def release(event: Any = None) -> None:
        events.inserting.disconnect(hold)
        events.inserted.disconnect(release)
        if not state["blocked"]:
            return
        state["blocked"] = False
        if dims.ndim > 2:
            dims.set_current_step(0, 0)
        for emitter in emitters:
            emitter.unblock()
        dims.events.point(value=dims.point)
        dims.events.current_step(value=dims.current_step)

    events.inserting.connect(hold)
    events.inserted.connect(release)


def close_videos_on_removal(viewer: Any) -> None:
    """Close a :class:`VideoFrames` layer's decoder when the layer leaves ``viewer``.

    Parameters
    ----------
    viewer
        A napari viewer; connecting twice is harmless (once per viewer).
    """
    if viewer in _CLOSING:
        return
    _CLOSING.add(viewer)

    def closed(event: Any) -> None:
        data = getattr(event.value, "data", None)
        if isinstance(data, VideoFrames):
            data.close()

    viewer.layers.events.removed.connect(closed)


def _is_ours(layer: Any) -> bool:
    meta = getattr(layer, "metadata", {}).get(METADATA_KEY)
    kind = type(layer).__name__
    return kind in ("Points", "Tracks") and isinstance(meta, dict) and "template" in meta


def track_our_layers(viewer: Any) -> None:
    """Give each of our Points and Tracks layers in ``viewer`` an undo history, now and later.

    Parameters
    ----------
    viewer
        A napari viewer; connecting twice is harmless (once per viewer).
    """
    for layer in viewer.layers:
        if _is_ours(layer):
            track_edits(layer)
    if viewer in _TRACKING:
        return
    _TRACKING.add(viewer)

    def inserted(event: Any) -> None:
        if _is_ours(event.value):
            track_edits(event.value)

    viewer.layers.events.inserted.connect(inserted)


def prepare_viewer(viewer: Any) -> None:
    """All of the above: start at frame 0 (if empty), close videos, undo edits.

    Parameters
    ----------
    viewer
        The napari viewer our layers go into.
    """
    start_at_first_frame(viewer)
    close_videos_on_removal(viewer)
    track_our_layers(viewer)
