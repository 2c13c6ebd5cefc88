"""Run under Xvfb (a real GL canvas): open a video with its points, save a screenshot.

Usage: python screenshot_script.py VIDEO DATA OUT.png OUT.json [FRAME]
Writes the screenshot and, as JSON, where each shown point should be in the
screenshot (pixel row, column) and its colour, for the test to check.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np


def main() -> None:
    video, data, out_png, out_json = sys.argv[1:5]
    frame = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    import napari
    from napari.layers import Layer

    from movement_like.napari.reader import read_layers

    t0 = time.perf_counter()
    viewer = napari.Viewer(show=True)
    tuples = read_layers(data, video=video, kind="points")
    layers = [viewer.add_layer(Layer.create(*t)) for t in tuples]
    viewer.dims.set_current_step(0, frame)
    viewer.window._qt_window.resize(900, 700)
    napari.qt.get_qapp().processEvents()
    viewer.reset_view()
    napari.qt.get_qapp().processEvents()
    first = time.perf_counter() - t0
    shot = viewer.screenshot(canvas_only=True, flash=False)
    from PIL import Image

    Image.fromarray(shot).save(out_png)
    points = layers[1]
    here = points.data[points.data[:, 0] == frame]
    colours = points.face_color[points.data[:, 0] == frame]
    # world (y, x) -> screenshot pixel: napari's camera maps the data linearly
    h, w = shot.shape[:2]
    camera = viewer.scene.camera if hasattr(viewer, "scene") else viewer.camera
    zoom = camera.zoom
    cy, cx = camera.center[-2:]
    rows = (here[:, 1] - cy) * zoom + h / 2
    cols = (here[:, 2] - cx) * zoom + w / 2
    json.dump(
        {
            "rows": rows.tolist(),
            "cols": cols.tolist(),
            "colours": (np.asarray(colours)[:, :3] * 255).tolist(),
            "size_px": float(np.mean(points.size) * zoom),
            "seconds_to_first_frame": first,
        },
        open(out_json, "w"),
    )
    viewer.close()


if __name__ == "__main__":
    main()
