"""The docs walkthrough on the real openfield video, step by step, as docs/napari.md tells it.

Run under Xvfb (a real GL canvas, so the video shows and screenshots work)::

    python -m tests.napari.walkthrough_script VIDEO DLC_FILE OUT_DIR

Each step is the page's step, done through the viewer and the dock widget
(the drag through napari's own mouse binding, undo through the layer's key
binding). What each step gave goes to ``OUT_DIR/steps.json`` and the
datasets to ``OUT_DIR/*.nc``, for ``test_walkthrough.py`` to check; the
screenshots go to ``OUT_DIR/*.png`` (the page's images).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

SNOUT_SHIFT = np.array([0.0, 6.0, -9.0])  # the correction dragged in: (frame, y, x) px


def least_confident_frame(ds) -> int:
    """The frame DeepLabCut was least sure of (lowest mean confidence): the one to check."""
    confidence = ds["confidence"].mean(["individuals", "keypoints"]).values
    return int(ds["frame"].values[np.nanargmin(confidence)])


def main() -> None:
    video, data, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    import napari
    from napari.layers import Layer

    from movement_like.napari import layer_to_dataset
    from movement_like.napari.history import edit_history
    from movement_like.napari.reader import read_layers
    from movement_like.napari.widget import DUSTrackWidget
    from tests.napari.mouse import drag, press_key

    app = napari.qt.get_qapp()
    steps: dict = {}

    # 1. Open the predictions over their video.
    viewer = napari.Viewer(show=True)
    viewer.window._qt_window.resize(1400, 860)
    start = time.perf_counter()
    for t in read_layers(data, video=video, viewer=viewer):
        viewer.add_layer(Layer.create(*t))
    app.processEvents()
    steps["open"] = {
        "layers": [(layer.name, type(layer).__name__) for layer in viewer.layers],
        "step": int(viewer.dims.current_step[0]),
        "shown_frame_equals_frame_0": bool(
            np.array_equal(np.asarray(viewer.layers[0]._slice.image.raw), viewer.layers[0].data[0])
        ),
        "seconds": time.perf_counter() - start,
    }

    # 2. The dock widget; the predictions are the overlay.
    widget = DUSTrackWidget(viewer)
    viewer.window.add_dock_widget(widget, name="DUSTrack workflow")
    app.processEvents()
    viewer.reset_view()
    widget.set_layers("poses", "poses")  # one layer yet: it is the overlay
    overlay_ds = layer_to_dataset(viewer.layers["poses"])
    overlay_ds.to_netcdf(out / "overlay.nc")

    # 3. New manual layer (empty Points on the overlay's keypoints), current.
    manual = widget.new_manual_layer()
    steps["manual"] = {
        "name": manual.name,
        "type": type(manual).__name__,
        "points": len(manual.data),
        "current": widget.current_layer.name,
        "overlay": widget.overlay_layer.name,
    }

    # 4. Step to a frame where a prediction is wrong; copy the overlay's points there.
    frame = least_confident_frame(overlay_ds)
    viewer.dims.set_current_step(0, frame)
    widget.copy_overlay("frame")
    steps["copy"] = {"frame": frame, "points": len(manual.data), "error": repr(widget.last_error)}

    # 5. Drag the wrong point (the snout) to where it belongs; Ctrl+Z, Ctrl+Shift+Z.
    viewer.layers.selection.active = manual
    snout = int(np.flatnonzero(np.asarray(manual.features["keypoint"]) == "snout")[0])
    before = manual.data[snout].copy()
    drag(manual, before, before + SNOUT_SHIFT)
    moved = manual.data[snout].copy()
    press_key(manual)
    undone = manual.data[snout].copy()
    press_key(manual, shift=True)
    steps["drag"] = {
        "before": before.tolist(),
        "moved": moved.tolist(),
        "undone": undone.tolist(),
        "redone": manual.data[snout].tolist(),
        "history": len(edit_history(manual).undo_stack),
    }
    layer_to_dataset(manual).to_netcdf(out / "manual.nc")
    camera = viewer.scene.camera  # close in on the corrected frame's points
    camera.center = (*camera.center[:-2], *manual.data[:, 1:].mean(axis=0))
    camera.zoom = camera.zoom * 3
    app.processEvents()
    from PIL import Image

    Image.fromarray(viewer.screenshot(canvas_only=True, flash=False)).save(out / "correct.png")
    layers = viewer.layers
    steps["correct_png"] = {
        "camera_center": list(camera.center[-2:]),
        "zoom": float(camera.zoom),
        "snout_yx": manual.data[snout, 1:].tolist(),
    }

    # 6. Apply manual corrections: dlccorr (dense), the manual layer renamed.
    widget.apply_corrections()
    steps["corrections"] = {
        "names": [layer.name for layer in layers],
        "dlccorr_type": type(layers["dlccorr"]).__name__,
        "current": widget.current_layer.name,
        "error": repr(widget.last_error),
    }
    layer_to_dataset(layers["dlccorr"]).to_netcdf(out / "dlccorr.nc")

    # 7. Reduce jitter on dlccorr (0.5 s): dlccorr_lkmovavg_0.500, with its progress.
    widget.set_layers("dlccorr", None)
    widget.window_box.setValue(0.5)
    widget.reduce_jitter()
    deadline = time.perf_counter() + 600
    while widget.busy and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.02)
    app.processEvents()
    jitter_name = "dlccorr_lkmovavg_0.500"
    steps["jitter"] = {
        "names": [layer.name for layer in layers],
        "error": repr(widget.last_error),
        "progress_last": list(widget.progress_steps[-1]) if widget.progress_steps else None,
        "progress_n": len(widget.progress_steps),
    }
    layer_to_dataset(layers[jitter_name]).to_netcdf(out / "jitter.nc")

    # 8. Save: the smoothed layer as DeepLabCut .h5 (named keypoints: a DUSTrack JSON layer
    #    needs numbered ones), and the whole state as .nc.
    widget.set_layers(jitter_name, None)
    written = widget.save_current(out / f"{Path(video).stem}DLC_{jitter_name}.h5")
    steps["save"] = {
        "h5": [str(p) for p in (written if isinstance(written, list) else [written])],
        "state": str(widget.save_state(out / "state.nc")),
    }
    viewer.dims.set_current_step(0, frame)
    viewer.reset_view()
    app.processEvents()
    Image.fromarray(viewer.screenshot(canvas_only=False, flash=False)).save(out / "window.png")
    viewer.close()

    # And napari's own File > Open (the page's `napari file.h5`): the video found next to the
    # predictions, the viewer at frame 0 too.
    folder = out / "side_by_side"
    folder.mkdir()
    for source in (Path(video), Path(data)):
        (folder / source.name).symlink_to(source)
    viewer = napari.Viewer(show=True)
    viewer.open(folder / Path(data).name, plugin="movement_like")
    app.processEvents()
    image = viewer.layers[0]
    steps["napari_open"] = {
        "layers": [(layer.name, type(layer).__name__) for layer in viewer.layers],
        "step": int(viewer.dims.current_step[0]),
        "shown_frame_equals_frame_0": bool(
            np.array_equal(np.asarray(image._slice.image.raw), image.data[0])
        ),
        "middle_decoded": (image.data.shape[0] - 1) // 2 in image.data._cache,
    }
    viewer.close()
    steps["napari_open"]["decoder_stopped"] = not image.data.reading_ahead
    (out / "steps.json").write_text(json.dumps(steps, indent=1))


if __name__ == "__main__":
    main()
