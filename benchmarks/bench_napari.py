"""napari plugin speed: layer conversion, first frame of the real video, frame stepping.

Usage (the viewer part needs a display; under Xvfb as in CI)::

    python benchmarks/bench_napari.py                    # conversion + decoding, no viewer
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x1024x24" \\
        python benchmarks/bench_napari.py --viewer       # plus the viewer itself

Targets: 100,000 frames x 20 keypoints to napari layer data < 1 s; the first frame of the
2,330-frame openfield video with its DLC predictions shown < 2 s; stepping >= 30 fps.
No peer: movement's napari plugin is not installed in the peer environment, so there is no
ratio to print; the targets are absolute.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_of  # noqa: E402

from movement_like.dataset import poses_from_numpy  # noqa: E402
from movement_like.napari import dataset_to_layers, points_to_dataset  # noqa: E402
from movement_like.napari.frames import VideoFrames  # noqa: E402

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"
VIDEO = REAL / "videos" / "m3v1mp4.mp4"
DLC = REAL / "deeplabcut" / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"


def conversion() -> None:
    rng = np.random.default_rng(0)
    n_frames, n_keypoints = 100_000, 20
    pos = rng.uniform(0, 640, (n_frames, 1, n_keypoints, 2))
    pos[rng.random(pos.shape[:3]) < 0.05] = np.nan
    ds = poses_from_numpy(pos, confidence_array=rng.random(pos.shape[:3]), fps=30)
    for kind in ("points", "tracks"):
        dataset_to_layers(ds, kind=kind)  # warm up (pandas, napari colormap import)
        seconds = best_of(lambda kind=kind: dataset_to_layers(ds, kind=kind), 3)
        print(f"{n_frames:,} frames x {n_keypoints} keypoints -> {kind:6s}: {seconds:.3f} s")
    data, kwargs, _ = dataset_to_layers(ds, kind="points")[0]
    seconds = best_of(lambda: points_to_dataset(data, kwargs["features"], ds), 3)
    print(f"points layer ({len(data):,} points) -> dataset: {seconds:.3f} s")


def decoding() -> None:
    start = time.perf_counter()
    frames = VideoFrames(VIDEO)
    frames[0]
    print(f"open video + decode frame 0: {time.perf_counter() - start:.3f} s")
    n = 300
    start = time.perf_counter()
    for i in range(n):
        frames[i]
    fps = n / (time.perf_counter() - start)
    print(f"stepping frames 0..{n - 1} (read ahead, cache {frames.cache_frames}): {fps:.0f} fps")
    start = time.perf_counter()
    for i in range(1500, 1500 - 60, -1):
        frames[i]
    print(f"stepping backwards 60 frames: {60 / (time.perf_counter() - start):.0f} fps")
    frames.close()


def viewer() -> None:
    import napari
    from napari.layers import Layer

    from movement_like.napari.reader import read_layers

    start = time.perf_counter()
    v = napari.Viewer(show=True)
    app = napari.qt.get_qapp()
    app.processEvents()
    print(f"napari viewer start (not part of opening): {time.perf_counter() - start:.2f} s")
    for attempt in ("cold (first in this process: napari's and xarray's lazy imports)", "warm"):
        v.layers.clear()
        app.processEvents()
        start = time.perf_counter()
        for t in read_layers(DLC, video=VIDEO):
            v.add_layer(Layer.create(*t))
        app.processEvents()
        v.window._qt_viewer.canvas.native.repaint()
        app.processEvents()
        seconds = time.perf_counter() - start
        print(f"open the video + DLC predictions, first frame shown, {attempt}: {seconds:.2f} s")
    n = 150
    start = time.perf_counter()
    for i in range(1, n + 1):
        v.dims.set_current_step(0, i)
        app.processEvents()
    print(
        f"stepping {n} frames in the viewer (drawn each): "
        f"{n / (time.perf_counter() - start):.0f} fps"
    )
    v.close()


if __name__ == "__main__":
    print("load average:", open("/proc/loadavg").read().split()[:3], "on", os.cpu_count(), "cores")
    conversion()
    decoding()
    if "--viewer" in sys.argv:
        viewer()
