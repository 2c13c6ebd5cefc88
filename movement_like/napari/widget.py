"""The dock widget: DUSTrack's correction workflow on napari layers (Qt).

The widget keeps a *current* layer (the one corrected) and an *overlay*
layer (the reference), a list of frames of interest and an event interval,
and acts on them with :mod:`movement_like.napari.workflow`: every button is
one of those functions applied to the layers' datasets, so a script gets the
same numbers. Copying and filling change the current layer (as in DUSTrack);
"Apply manual corrections" and "Reduce jitter" add new layers named by
DUSTrack's rules. Optical flow runs in a napari worker thread, so the viewer
stays responsive, and its progress (frames tracked of how many) fills the
widget's bar and napari's activity dock. Save asks before replacing a file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import xarray as xr
from napari.layers import Layer
from napari.qt.threading import create_worker
from napari.utils.notifications import show_error, show_info
from qtpy.QtCore import QObject, Signal
from qtpy.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QSpinBox,
    QWidget,
)

from movement_like.errors import InvalidArgumentError, OverwriteError
from movement_like.napari import workflow
from movement_like.napari.convert import (
    METADATA_KEY,
    dataset_to_layers,
    is_dense_layer,
    layer_to_dataset,
)
from movement_like.napari.history import track_edits
from movement_like.napari.saving import movement_layers, save_layer, save_state
from movement_like.napari.viewer_setup import close_videos_on_removal, track_our_layers
from movement_like.napari.widget_controls import build_controls
from movement_like.utils.progress import ProgressCallback

__all__ = ["DUSTrackWidget"]

ALL_KEYPOINTS = "(all keypoints)"


class _Advanced(QObject):
    """Carries ``(done, total)`` from the worker thread to the Qt thread."""

    advanced = Signal(int, int)


class DUSTrackWidget(QWidget):
    """DUSTrack's layer workflow in a napari dock widget.

    Parameters
    ----------
    napari_viewer
        The viewer (napari passes it in).
    """

    # the controls, made by build_controls
    current_box: QComboBox
    overlay_box: QComboBox
    keypoint_box: QComboBox
    marks_label: QLabel
    start_box: QSpinBox
    end_box: QSpinBox
    window_box: QDoubleSpinBox
    progress: QProgressBar

    def __init__(self, napari_viewer: Any):
        super().__init__()
        self.viewer = napari_viewer
        self.frames_of_interest: list[int] = []
        self.busy = False
        self.last_error: BaseException | None = None
        self._watched: set[int] = set()
        self._chosen: dict[str, Any] = {"current": None, "overlay": None}
        self._build()
        close_videos_on_removal(napari_viewer)
        track_our_layers(napari_viewer)  # Ctrl+Z / Ctrl+Shift+Z on every layer of ours
        napari_viewer.layers.events.inserted.connect(self._refresh_layers)
        napari_viewer.layers.events.removed.connect(self._refresh_layers)
        self._refresh_layers()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        build_controls(self)

    # ------------------------------------------------------------------ layers
    def _our_layers(self) -> list[Any]:
        return movement_layers(list(self.viewer.layers))

    def _refresh_layers(self, *_: Any) -> None:
        for layer in self._our_layers():  # a layer renamed in napari's list is renamed here too
            if id(layer) not in self._watched:
                self._watched.add(id(layer))
                layer.events.name.connect(self._refresh_layers)
        ours = self._our_layers()
        names = [layer.name for layer in ours]
        for box, blank, which in (
            (self.current_box, False, "current"),
            (self.overlay_box, True, "overlay"),
        ):
            chosen = self._chosen[which]
            keep = chosen.name if any(chosen is layer for layer in ours) else box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItems(([""] if blank else []) + names)
            if keep in names:
                box.setCurrentText(keep)
            elif blank and len(names) > 1:
                box.setCurrentText(
                    next((n for n in names if n != self.current_box.currentText()), "")
                )
            box.blockSignals(False)
        self._remember()
        self._refresh_keypoints()

    def _remember(self) -> None:
        """Hold on to the chosen layers themselves, so that a rename keeps them chosen."""
        self._chosen = {
            "current": self._layer(self.current_box.currentText()),
            "overlay": self._layer(self.overlay_box.currentText()),
        }

    def _refresh_keypoints(self) -> None:
        layer = self.current_layer
        keep = self.keypoint_box.currentText()
        self.keypoint_box.clear()
        self.keypoint_box.addItem(ALL_KEYPOINTS)
        if layer is not None:
            template = layer.metadata[METADATA_KEY]["template"]
            self.keypoint_box.addItems([str(k) for k in template["keypoints"].values])
        if keep:
            self.keypoint_box.setCurrentText(keep)

    def _layer(self, name: str) -> Any:
        return next((layer for layer in self._our_layers() if layer.name == name), None)

    @property
    def current_layer(self) -> Any:
        """The layer being corrected (None if there is none)."""
        return self._layer(self.current_box.currentText())

    @property
    def overlay_layer(self) -> Any:
        """The reference layer (None if none is chosen)."""
        return self._layer(self.overlay_box.currentText())

    def set_layers(self, current: str, overlay: str | None = None) -> None:
        """Choose the current and overlay layers by name."""
        self.current_box.setCurrentText(current)
        self.overlay_box.setCurrentText(overlay or "")

    @property
    def keypoints(self) -> str | None:
        """The chosen keypoint, or None for all."""
        text = self.keypoint_box.currentText()
        return None if text in ("", ALL_KEYPOINTS) else text

    @property
    def frame(self) -> int:
        """The frame the viewer shows."""
        return int(self.viewer.dims.current_step[0])

    @property
    def interval(self) -> tuple[int, int]:
        """The event interval ``(start, end)``."""
        return int(self.start_box.value()), int(self.end_box.value())

    def set_interval(self, start: int, end: int) -> None:
        """Set the event interval (video frames, inclusive)."""
        self.start_box.setValue(int(start))
        self.end_box.setValue(int(end))

    def video(self) -> str:
        """Return the video of the current layer (its metadata, else any video layer's)."""
        layer = self.current_layer
        video = None if layer is None else layer.metadata[METADATA_KEY].get("video")
        if video is None:
            for other in self.viewer.layers:
                video = getattr(other, "metadata", {}).get(METADATA_KEY, {}).get("video")
                if video:
                    break
        if not video:
            raise InvalidArgumentError(
                "no video is open: open the video (or a file next to it) first"
            )
        return str(video)

    # ------------------------------------------------------- frames of interest
    def toggle_frame_of_interest(self, frame: int | None = None) -> None:
        """Mark the frame (default: the shown one) as of interest, or unmark it."""
        frame = self.frame if frame is None else int(frame)
        marks = set(self.frames_of_interest)
        marks.symmetric_difference_update({frame})
        self.frames_of_interest = sorted(marks)
        shown = ", ".join(map(str, self.frames_of_interest[:8]))
        extra = "…" if len(self.frames_of_interest) > 8 else ""
        self.marks_label.setText(shown + extra if shown else "none")

    def _step_to(self, frame: int | None) -> None:
        if frame is not None:
            self.viewer.dims.set_current_step(0, frame)

    def next_frame_of_interest(self) -> None:
        """Go to the next frame of interest after the shown one."""
        self._step_to(next((f for f in self.frames_of_interest if f > self.frame), None))

    def previous_frame_of_interest(self) -> None:
        """Go to the frame of interest before the shown one."""
        earlier = [f for f in self.frames_of_interest if f < self.frame]
        self._step_to(earlier[-1] if earlier else None)

    # ----------------------------------------------------------------- actions
    def _require(self, overlay: bool) -> tuple[Any, Any]:
        current = self.current_layer
        if current is None:
            raise InvalidArgumentError("choose a current layer first")
        other = self.overlay_layer
        if overlay and other is None:
            raise InvalidArgumentError("choose an overlay layer first")
        return current, other

    def undo(self) -> bool:
        """Undo the current layer's last edit: a point moved, added or deleted, a copy, a fill.

        The same as Ctrl+Z on the layer (napari has no undo for points; see
        :mod:`movement_like.napari.history`).

        Returns
        -------
        bool
            Whether there was something to undo.
        """
        return self._undo_or_redo("undo")

    def redo(self) -> bool:
        """Redo the current layer's last undone edit (Ctrl+Shift+Z on the layer).

        Returns
        -------
        bool
            Whether there was something to redo.
        """
        return self._undo_or_redo("redo")

    def _undo_or_redo(self, which: str) -> bool:
        layer = self.current_layer
        if layer is None:
            show_info("choose a current layer first")
            return False
        done = bool(getattr(track_edits(layer), which)())
        if not done:
            show_info(f"nothing to {which} on {layer.name}")
        return done

    def _replace(self, layer: Any, ds: xr.Dataset) -> None:
        """Show ``ds`` in ``layer`` (same layer, same kind): the current layer's new content."""
        kind = "tracks" if type(layer).__name__ == "Tracks" else "points"
        data, kwargs, _ = dataset_to_layers(ds, kind=kind)[0]
        meta = dict(
            layer.metadata[METADATA_KEY], template=kwargs["metadata"][METADATA_KEY]["template"]
        )
        with track_edits(layer).step():  # one undo step
            layer.metadata = {**layer.metadata, METADATA_KEY: meta}
            layer.data = data
            layer.features = kwargs["features"]
            if kind == "points":
                layer.size = kwargs["size"]
                layer.refresh_colors()

    def _add(self, ds: xr.Dataset, name: str, like: Any) -> Any:
        kind = "tracks" if is_dense_layer(name) else "points"
        data, kwargs, layer_type = dataset_to_layers(ds, kind=kind)[0]
        kwargs["name"] = name
        kwargs["metadata"][METADATA_KEY].update(
            {k: v for k, v in like.metadata[METADATA_KEY].items() if k != "template"}
        )
        kwargs["metadata"][METADATA_KEY]["layer"] = name
        return self.viewer.add_layer(Layer.create(data, kwargs, layer_type))

    def _guard(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except Exception as exc:  # shown to the user; kept for scripts and tests
            self.last_error = exc
            show_error(f"{type(exc).__name__}: {exc}")
            return None

    def copy_overlay(self, scope: str = "frame") -> None:
        """Copy the overlay's points into the current layer (``frame``, ``marked``, interval)."""

        def run() -> None:
            current, overlay = self._require(overlay=True)
            if scope == "frame":
                frames = [self.frame]
            elif scope == "marked":
                frames = list(self.frames_of_interest)
            else:
                start, end = self.interval
                frames = list(range(start, end + 1))
            ds = workflow.copy_from_overlay(
                layer_to_dataset(current), layer_to_dataset(overlay), frames, self.keypoints
            )
            self._replace(current, ds)

        self._guard(run)

    def new_manual_layer(self, name: str = "manual") -> Any:
        """Add an empty Points layer on the overlay's keypoints, and make it current."""

        def run() -> Any:
            _, overlay = self._require(overlay=True)
            taken = {layer.name for layer in self.viewer.layers}
            unique, n = name, 1
            while unique in taken:
                unique, n = f"{name}-{n}", n + 1
            ds = workflow.empty_layer(layer_to_dataset(overlay), unique)
            new = self._add(ds, unique, overlay)
            self._refresh_layers()
            self.set_layers(unique, overlay.name)
            return new

        return self._guard(run)

    def _in_worker(
        self,
        compute: Callable[[ProgressCallback], xr.Dataset],
        done: Callable[[xr.Dataset], Any],
        title: str,
    ) -> Any:
        """Run ``compute(progress)`` in a napari worker; its progress fills the bars."""
        if self.busy:
            show_info("an optical-flow step is still running")
            return None
        signal = _Advanced()  # emitted in the worker thread, received in Qt's (queued)
        worker = create_worker(
            lambda: compute(signal.advanced.emit), _progress={"desc": title}
        )  # napari's activity dock
        self.busy = True
        self.last_error = None
        self.progress_steps: list[tuple[int, int]] = []
        self.progress.setRange(0, 0)  # busy until the work says how much there is
        self.progress.setFormat(f"{title}: %v / %m frames")
        self.progress.setVisible(True)

        def advanced(value: int, total: int) -> None:
            self.progress_steps.append((value, total))
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(min(value, total))
            pbar = getattr(worker, "pbar", None)  # the activity dock's bar, determinate too
            if pbar is not None and total:
                if pbar.total != total:
                    pbar.total = total
                pbar.update(value - pbar.n)

        def finish(*_: Any) -> None:
            self.busy = False
            self.progress.setVisible(False)

        def failed(exc: BaseException) -> None:
            self.last_error = exc
            show_error(f"{type(exc).__name__}: {exc}")

        signal.advanced.connect(advanced)
        worker.returned.connect(lambda ds: self._guard(lambda: done(ds)))
        worker.errored.connect(failed)
        worker.finished.connect(finish)
        worker.start()
        self.worker, self._signal = worker, signal
        return worker

    def fill_interval(self) -> Any:
        """Fill the interval by LK-RSTC (boundaries from the overlay) in a worker thread."""

        def start() -> Any:
            current, overlay = self._require(overlay=False)
            cur_ds = layer_to_dataset(current)
            ov_ds = None if overlay is None else layer_to_dataset(overlay)
            begin, end = self.interval
            video, keypoints = self.video(), self.keypoints

            def compute(progress: ProgressCallback) -> xr.Dataset:
                return workflow.fill_interval(
                    cur_ds, ov_ds, video, begin, end, keypoints, progress=progress
                )

            return self._in_worker(compute, lambda ds: self._replace(current, ds), "LK-RSTC fill")

        return self._guard(start)

    def apply_corrections(self) -> Any:
        """Apply the current (manual) layer over the overlay: a new ``dlccorr`` layer."""

        def run() -> Any:
            current, overlay = self._require(overlay=True)
            if current.name == "dlccorr":
                raise InvalidArgumentError(
                    "the current layer is dlccorr already: choose the manual layer"
                )
            ds = workflow.manual_corrections(layer_to_dataset(overlay), layer_to_dataset(current))
            existing = self._layer("dlccorr")
            if existing is not None:
                self.viewer.layers.remove(existing)
            new = self._add(ds, "dlccorr", overlay)
            current.name = workflow.corrections_layer_name(current.name)
            self._refresh_layers()
            self.set_layers("dlccorr", current.name)
            return new

        return self._guard(run)

    def reduce_jitter(self) -> Any:
        """Reduce jitter of the current (dense) layer in a worker thread: a new layer."""

        def start() -> Any:
            current, _ = self._require(overlay=False)
            ds = layer_to_dataset(current)
            video, window, keypoints = self.video(), float(self.window_box.value()), self.keypoints

            def compute(progress: ProgressCallback) -> xr.Dataset:
                return workflow.reduce_layer_jitter(ds, video, window, keypoints, progress=progress)

            return self._in_worker(
                compute, lambda out: self._add(out, out.attrs["layer"], current), "Reduce jitter"
            )

        return self._guard(start)

    # -------------------------------------------------------------------- save
    def _confirm_overwrite(self, path: Path) -> bool:
        if not path.exists():
            return False
        answer = QMessageBox.question(
            self, "Replace file?", f"{path} exists. Replace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            raise OverwriteError(path, flag="Yes in the replace dialog")
        return True

    def save_current(self, path: str | Path, to: str | None = None, overwrite: bool = False) -> Any:
        """Write the current layer with its edits (``.json``: DUSTrack layer; or any format)."""
        current, _ = self._require(overlay=False)
        return save_layer(current, path, to=to, overwrite=overwrite)

    def save_state(self, path: str | Path, overwrite: bool = False) -> Path:
        """Write every layer, the frames of interest and drawn regions as one ``.nc`` file."""
        shapes = [layer for layer in self.viewer.layers if type(layer).__name__ == "Shapes"]
        return save_state(
            list(self.viewer.layers), path, self.frames_of_interest, shapes, overwrite=overwrite
        )

    def _dialog(self, title: str, pattern: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, title, "", pattern, options=QFileDialog.Option.DontConfirmOverwrite
        )
        return Path(name) if name else None

    def _save_with(self, title: str, pattern: str, write: Callable[[Path, bool], Any]) -> None:
        def run() -> None:
            path = self._dialog(title, pattern)
            if path is not None:
                show_info(f"saved {write(path, self._confirm_overwrite(path))}")

        self._guard(run)

    def _save_json_dialog(self) -> None:
        current = self.current_layer
        video = None if current is None else current.metadata[METADATA_KEY].get("video")
        hint = f" ({Path(video).stem}_annotations_{current.name}.json)" if video else ""
        self._save_with(
            "Save layer as DUSTrack JSON" + hint, "DUSTrack layer (*.json)",
            lambda p, o: self.save_current(p, to="DUSTrack", overwrite=o),
        )  # fmt: skip

    def _save_any_dialog(self) -> None:
        self._save_with(
            "Save layer as", "Any writable format (*)",
            lambda p, o: self.save_current(p, overwrite=o),
        )  # fmt: skip

    def _save_state_dialog(self) -> None:
        self._save_with(
            "Save whole state", "netCDF (*.nc)", lambda p, o: self.save_state(p, overwrite=o)
        )
