"""napari plugin speed: layer conversion, first frame of the real video, frame stepping.

Usage (the viewer part needs a display; under Xvfb as in CI)::

    python benchmarks/bench_napari.py                    # conversion + decoding, no viewer
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x1024x24" \\
        python benchmarks/bench_napari.py --viewer       # plus the viewer itself

Targets: 100,000 frames x 20 keypoints to napari layer data < 1 s; the first frame of the
2,330-frame openfield video with its DLC predictions shown < 2 s; stepping >= 30 fps, with
frames decoded ahead. Stepping is measured twice: (a) the data side alone (the video array's
``__getitem__`` of the next frame, read-ahead on, as the napari layer has it), which is the
plugin's part; (b) the whole viewer step, drawing included, next to the cost of redrawing a
frame that did not change (the GL driver's share).
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
from movement_like.napari.reader import CACHE_FRAMES, READ_AHEAD  # noqa: E402
from movement_like.video import VideoReader  # noqa: E402

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


def _percentiles(ms: list[float]) -> str:
    q = np.percentile(ms, [50, 95, 100])
    return f"median {q[0]:.2f} ms, 95% {q[1]:.2f} ms, max {q[2]:.2f} ms"


def decoding() -> None:
    start = time.perf_counter()
    frames = VideoFrames(VIDEO)
    frames[0]
    print(f"open video + decode frame 0: {time.perf_counter() - start:.3f} s")
    with VideoReader(VIDEO) as reader:  # what a step costs without read-ahead
        seeks = [best_of(lambda i=i: reader.gray_frame(i), 1) * 1e3 for i in (1164, 300, 1900)]
        reader.gray_frame(500)
        sequential = [best_of(lambda i=i: reader.gray_frame(i), 1) * 1e3 for i in range(501, 561)]
    print(f"one frame by seeking (frames 1164, 300, 1900): {_percentiles(seeks)}")
    print(f"one frame decoded in sequence (501..560): {_percentiles(sequential)}")
    frames.close()
    # (a) the data side of a viewer step: VideoFrames as the napari layer has it
    for label, pace in (("paced at 30 fps", 1 / 30), ("back to back", 0.0)):
        frames = VideoFrames(VIDEO, cache_frames=CACHE_FRAMES, read_ahead=READ_AHEAD)
        frames[1000][None]
        time.sleep(0.2)
        ms = []
        for i in range(1001, 1301):
            t0 = time.perf_counter()
            frames[i : i + 1]  # napari asks for a one-frame slice
            ms.append((time.perf_counter() - t0) * 1e3)
            if pace:
                time.sleep(max(0.0, pace - ms[-1] / 1e3))
        hits = frames.hits
        print(
            f"step data side, read-ahead {READ_AHEAD}, {label}, frames 1001..1300: "
            f"{_percentiles(ms)}; cache hits {hits}/300"
        )
        frames.close()
    frames = VideoFrames(VIDEO, cache_frames=CACHE_FRAMES, read_ahead=READ_AHEAD)
    start = time.perf_counter()
    for i in range(1500, 1500 - 60, -1):
        frames[i]
    print(f"stepping backwards 60 frames: {60 / (time.perf_counter() - start):.0f} fps")
    frames.close()


def _first_frame(v, app, tuples_of, at_zero: bool = True) -> float:
    from napari.layers import Layer

    v.layers.clear()
    app.processEvents()
    start = time.perf_counter()
    for t in tuples_of():
        v.add_layer(Layer.create(*t))
    app.processEvents()
    v.window._qt_viewer.canvas.native.repaint()
    app.processEvents()
    seconds = time.perf_counter() - start
    frames = v.layers[0].data
    step = int(v.dims.current_step[0])
    assert (step == 0) == at_zero, f"the viewer started at frame {step}"
    assert np.array_equal(np.asarray(v.layers[0]._slice.image.raw), frames[step])
    return seconds


def viewer() -> None:
    import tempfile

    import napari

    from movement_like.napari.reader import read_layers

    start = time.perf_counter()
    v = napari.Viewer(show=True)
    app = napari.qt.get_qapp()
    app.processEvents()
    print(f"napari viewer start (not part of opening): {time.perf_counter() - start:.2f} s")
    for attempt in ("cold (first in this process: napari's and xarray's lazy imports)", "warm"):
        seconds = _first_frame(v, app, lambda: read_layers(DLC, video=VIDEO, viewer=v))
        print(f"open the video + DLC predictions, frame 0 drawn, {attempt}: {seconds:.2f} s")
    with tempfile.TemporaryDirectory() as folder:  # napari's own File > Open path
        for source in (VIDEO, DLC):
            (Path(folder) / source.name).symlink_to(source)
        opened = Path(folder) / DLC.name
        seconds = _first_frame(v, app, lambda: v.open(opened, plugin="movement_like") and [])
        print(f"the same through viewer.open (napari's reader path), warm: {seconds:.2f} s")
    seconds = _first_frame(v, app, lambda: read_layers(DLC, video=VIDEO), at_zero=False)
    print(f"the same without the viewer set-up (napari's middle frame, as before): {seconds:.2f} s")
    v.layers.clear()
    for t in read_layers(DLC, video=VIDEO, viewer=v):
        v.add_layer(napari.layers.Layer.create(*t))
    app.processEvents()
    canvas = v.window._qt_viewer.canvas.native
    n = 150

    def per_frame(step) -> float:
        start = time.perf_counter()
        for i in range(n):
            step(i)
        return (time.perf_counter() - start) / n * 1e3

    static = per_frame(lambda i: (canvas.repaint(), app.processEvents()))
    slicing = per_frame(lambda i: v.dims.set_current_step(0, 200 + i))
    drawn = per_frame(
        lambda i: (v.dims.set_current_step(0, 400 + i), canvas.repaint(), app.processEvents())
    )
    print(f"redraw the same frame (GL only, nothing new): {static:.1f} ms per frame")
    print(f"step without drawing (napari slicing + our frame): {slicing:.1f} ms per frame")
    print(
        f"step in the viewer, each frame drawn: {drawn:.1f} ms per frame = "
        f"{1e3 / drawn:.0f} fps (target >= 30 fps, 33 ms)"
    )
    v.close()


if __name__ == "__main__":
    print("load average:", open("/proc/loadavg").read().split()[:3], "on", os.cpu_count(), "cores")
    conversion()
    decoding()
    if "--viewer" in sys.argv:
        viewer()
