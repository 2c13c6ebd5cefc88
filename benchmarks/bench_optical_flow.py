"""Benchmark: batched LK jitter reduction and gap filling vs the per-window way.

Run from the repository root::

    /work/venv/bin/python benchmarks/bench_optical_flow.py            # everything
    DUSTRACK_PYTHON=/work/peers/dustrack/bin/python \\
        /work/venv/bin/python benchmarks/bench_optical_flow.py        # + DUSTrack itself

Video: a synthetic 640x480, 30 fps speckle video (MPEG-4 part 2, ``.mp4``) with
5 points on known curved paths; positions are the truth plus N(0, 2 px) noise.

Measured (all in this run):

* ``reduce_jitter(window=0.5)`` with the default threads, vs the single-threaded
  per-window reference (``tests/optical_flow/reference.py``: one LK call per
  window and direction, DUSTrack's algorithm), and vs its floor: (decode time of
  the video + the summed duration of the batched LK calls measured single-threaded)
  / number of cores.
* ``fill_gaps_optical_flow`` over gaps covering 20 % of the frames, vs just
  decoding the frames it needs (same reader, one seek per gap).
* Peak memory (``VmHWM`` of a fresh child process) of both on a 30,000-frame video.
* With ``DUSTRACK_PYTHON``: DUSTrack's own ``lk_moving_average_filter`` on the same
  video and positions (its parallel mode, ``save_raw=False``), time and max difference.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from movement_like.optical_flow import (  # noqa: E402
    VideoReader,
    fill_gaps_optical_flow,
    lk_call_timer,
    reduce_jitter,
)
from movement_like.sample_data.synthetic import make_synthetic_video  # noqa: E402
from tests.optical_flow import reference  # noqa: E402

SIZE = (640, 480)
FPS = 30.0
N_POINTS = 5
SEED = 3


def video_and_positions(workdir: Path, n_frames: int):
    """Render (once, cached in ``workdir``) the video; return (path, truth, noisy) datasets."""
    path = workdir / f"synthetic_{n_frames}.mp4"
    truth_file = workdir / f"synthetic_{n_frames}_truth.npy"
    if path.exists() and truth_file.exists():
        truth = np.load(truth_file)
    else:
        t0 = time.perf_counter()
        video = make_synthetic_video(
            path,
            n_frames=n_frames,
            size=SIZE,
            n_points=N_POINTS,
            fps=FPS,
            seed=SEED,
            overwrite=True,
        )
        truth = video.positions
        np.save(truth_file, truth)
        print(f"  rendered {path.name} in {time.perf_counter() - t0:.1f} s")
    from movement_like.dataset import poses_from_numpy

    ds = poses_from_numpy(truth[:, None], fps=FPS, source_software="synthetic")
    rng = np.random.default_rng(0)
    noisy = ds.position.copy(data=ds.position.values + rng.normal(0, 2.0, ds.position.shape))
    return path, ds.position, noisy


def best_of(repeats: int, func):
    """Return (best wall time, last result) of ``repeats`` runs.

    The best run is the one least disturbed by other processes on the machine.
    """
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return best, result


def cpu_seconds(func):
    """Return (process CPU time, result) of one run."""
    c0 = time.process_time()
    result = func()
    return time.process_time() - c0, result


def decode_time(path: Path, ranges, decoder_threads: int = 1) -> float:
    def run():
        with VideoReader(path, decoder_threads=decoder_threads) as reader:
            for first, last in ranges:
                for _ in reader.read_gray(first, last + 1):
                    pass

    return best_of(3, run)[0]


def reference_lkmovavg(path: Path, noisy: np.ndarray, n: int, n_frames: int):
    import cv2

    saved = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        t0 = time.perf_counter()
        out = reference.lkmovavg(noisy[:n_frames], reference.gray_frames(path), n)
        return time.perf_counter() - t0, out
    finally:
        cv2.setNumThreads(saved)


def bench_jitter(path: Path, truth, noisy, reference_frames: int | None, cores: int) -> dict:
    n_frames = noisy.sizes["time"]
    n = int(round(0.5 * FPS))
    print(f"\n== reduce_jitter(window=0.5): {n_frames} frames, {N_POINTS} points, n={n}")
    t_decode = decode_time(path, [(0, n_frames - 1)])
    cpu_decode, _ = cpu_seconds(lambda: decode_time(path, [(0, n_frames - 1)]))
    cpu_decode /= 3  # decode_time runs 3 times
    with lk_call_timer() as timer:
        t_single, _ = best_of(1, lambda: reduce_jitter(noisy, path, progress=False, threads=1))
    t_lk = timer.seconds
    t_batched, ours = best_of(2, lambda: reduce_jitter(noisy, path, progress=False, threads=cores))
    cpu, _ = cpu_seconds(lambda: reduce_jitter(noisy, path, progress=False, threads=cores))
    floor = (t_decode + t_lk) / cores
    cpu_floor = (cpu_decode + timer.cpu_seconds) / cores
    ref_frames = n_frames if reference_frames is None else min(reference_frames, n_frames)
    t_ref, ref = reference_lkmovavg(path, noisy.values[:, 0], n, ref_frames)
    t_ref_full = t_ref * (n_frames - n + 1) / (ref_frames - n + 1)
    # compare away from the reference's own last frames when it ran on a prefix
    limit = ref_frames if ref_frames == n_frames else ref_frames - n
    diff = float(np.abs(ours.values[:limit, 0] - ref[:limit]).max())
    noise = float(np.sqrt(np.mean(np.sum((noisy.values - truth.values) ** 2, -1))))
    smooth = float(np.sqrt(np.mean(np.sum((ours.values - truth.values) ** 2, -1))))
    print(f"  decode only                  {t_decode:7.2f} s")
    print(
        f"  LK calls' own time           {t_lk:7.2f} s  ({timer.calls} calls, 1 thread; "
        f"CPU {timer.cpu_seconds:.2f} s)"
    )
    print(
        f"  floor (decode+LK)/{cores} cores    {floor:7.2f} s  (from CPU times: {cpu_floor:.2f} s)"
    )
    print(f"  batched, 1 thread            {t_single:7.2f} s")
    print(
        f"  batched, {cores} threads           {t_batched:7.2f} s  = "
        f"{t_batched / floor:.2f} x floor, {t_batched / cpu_floor:.2f} x CPU floor "
        f"(its CPU time {cpu:.2f} s)"
    )
    extra = "" if ref_frames == n_frames else f" (measured on {ref_frames} frames, scaled)"
    print(f"  per-window reference, 1 thr  {t_ref_full:7.2f} s{extra}")
    print(f"  speed-up vs reference        {t_ref_full / t_batched:7.1f} x")
    print(f"  max |batched - reference|    {diff:.2e} px")
    print(f"  noise RMSE {noise:.2f} px -> {smooth:.2f} px ({noise / smooth:.1f} x lower)")
    return {
        "frames": n_frames,
        "decode_s": t_decode,
        "lk_s": t_lk,
        "lk_calls": timer.calls,
        "floor_s": floor,
        "batched_1thread_s": t_single,
        "batched_s": t_batched,
        "reference_s": t_ref_full,
        "speedup": t_ref_full / t_batched,
        "vs_floor": t_batched / floor,
        "vs_cpu_floor": t_batched / cpu_floor,
        "max_diff_px": diff,
        "ours": ours.values[:, 0],
    }


def gap_layout(n_frames: int, fraction: float = 0.2, gap: int = 30):
    """Evenly spaced gaps of ``gap`` missing frames covering ``fraction`` of the video."""
    n_gaps = int(round(n_frames * fraction / gap))
    period = n_frames // n_gaps
    return [
        (k * period + (period - gap) // 2, k * period + (period - gap) // 2 + gap - 1)
        for k in range(n_gaps)
    ]


def bench_fill(path: Path, truth, cores: int) -> dict:
    n_frames = truth.sizes["time"]
    gaps = gap_layout(n_frames)
    sparse = truth.copy(deep=True)
    for a, b in gaps:
        sparse.values[a : b + 1] = np.nan
    missing = sum(b - a + 1 for a, b in gaps)
    print(
        f"\n== fill_gaps_optical_flow: {len(gaps)} gaps x 30 frames = {missing} missing "
        f"frames ({100 * missing / n_frames:.0f} %) x {N_POINTS} points"
    )
    spans = [(a - 1, b + 1) for a, b in gaps]
    t_decode = decode_time(path, spans)
    t_decode_mt = decode_time(path, spans, decoder_threads=0)
    t_fill, filled = best_of(5, lambda: fill_gaps_optical_flow(sparse, path, progress=False))
    cpu, _ = cpu_seconds(lambda: fill_gaps_optical_flow(sparse, path, progress=False))
    cpu_decode, _ = cpu_seconds(lambda: decode_time(path, spans))
    gap_mask = np.isnan(sparse.values[..., 0])
    err = np.linalg.norm(filled.values - truth.values, axis=-1)[gap_mask]
    linear = sparse.interpolate_na(dim="time")
    err_lin = np.linalg.norm(linear.values - truth.values, axis=-1)[gap_mask]
    rmse, rmse_lin = float(np.sqrt(np.mean(err**2))), float(np.sqrt(np.mean(err_lin**2)))
    decoded = sum(b - a + 1 for a, b in spans)
    print(
        f"  decode the {decoded} frames needed  {t_decode:6.2f} s  (reader default: "
        f"1 decoder thread; FFmpeg's multi-threaded decoding: {t_decode_mt:.2f} s)"
    )
    print(
        f"  fill (default threads)        {t_fill:6.2f} s  = {t_fill / t_decode:.2f} x decode"
        f" ({t_fill / t_decode_mt:.2f} x multi-threaded decoding)"
    )
    print(f"  CPU time: fill {cpu:.2f} s, decode {cpu_decode / 3:.2f} s")
    print(f"  RMSE vs truth {rmse:.3f} px (linear interpolation {rmse_lin:.2f} px)")
    return {
        "decode_s": t_decode,
        "fill_s": t_fill,
        "ratio": t_fill / t_decode,
        "ratio_mt": t_fill / t_decode_mt,
        "rmse": rmse,
        "rmse_linear": rmse_lin,
    }


MEMORY_CHILD = textwrap.dedent(
    """
    import sys, time
    import numpy as np

    def high_water_mb():
        # VmHWM: peak resident memory of this process image (Linux). Unlike
        # ru_maxrss it does not carry over the parent's peak across fork + exec.
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

    sys.path.insert(0, {root!r})
    from movement_like.dataset import poses_from_numpy
    from movement_like.optical_flow import reduce_jitter, fill_gaps_optical_flow
    truth = np.load({truth!r})
    pos = poses_from_numpy(truth[:, None], fps=30.0).position
    before = high_water_mb()
    t0 = time.perf_counter()
    if {what!r} == "reduce_jitter":
        reduce_jitter(pos, {video!r}, window=0.5, progress=False)
    else:
        sparse = pos.copy(deep=True)
        for a in range(40, pos.sizes["time"] - 40, 150):
            sparse.values[a : a + 30] = np.nan
        fill_gaps_optical_flow(sparse, {video!r}, progress=False)
    print(before, high_water_mb(), time.perf_counter() - t0)
    """
)


def bench_memory(workdir: Path, n_frames: int) -> dict:
    print(f"\n== peak memory on a {n_frames}-frame {SIZE[0]}x{SIZE[1]} video")
    path, _, _ = video_and_positions(workdir, n_frames)
    truth_file = workdir / f"synthetic_{n_frames}_truth.npy"
    out = {}
    for what in ("reduce_jitter", "fill_gaps_optical_flow"):
        code = MEMORY_CHILD.format(
            root=str(ROOT), truth=str(truth_file), video=str(path), what=what
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        before, peak, seconds = done.stdout.split()
        peak_mb = float(peak)
        print(
            f"  {what:24s} peak RSS {peak_mb:6.0f} MB "
            f"(after imports and loading {float(before):.0f} MB), {float(seconds):.1f} s"
        )
        out[what] = peak_mb
    return out


PEER_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np
    from dustrack import VideoAnnotation
    from dustrack.lk_filter import lk_moving_average_filter
    json_path, video_path, out_path = sys.argv[1:4]
    ann = VideoAnnotation(json_path, video_path)
    t0 = time.perf_counter()
    smooth = lk_moving_average_filter(ann, window_size=0.5, use_parallel=True, save_raw=False)
    seconds = time.perf_counter() - t0
    labels = sorted(smooth.data, key=int)
    n = len(smooth.data[labels[0]])
    out = np.array([[smooth.data[l][f] for l in labels] for f in range(n)], dtype=float)
    np.save(out_path, out)
    print(json.dumps({"seconds": seconds}))
    """
)


def bench_peer(path: Path, noisy, ours: np.ndarray, ours_seconds: float) -> None:
    peer = os.environ.get("DUSTRACK_PYTHON")
    print("\n== DUSTrack's own lk_moving_average_filter (use_parallel=True, save_raw=False)")
    if not peer:
        print("  no peer interpreter given: set DUSTRACK_PYTHON=/path/to/dustrack/python")
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        video = tmp / path.name
        os.symlink(path, video)
        layer = tmp / f"{video.stem}_annotations_noisy.json"
        values = noisy.values[:, 0]
        data = {
            str(k): {str(f): [float(x), float(y)] for f, (x, y) in enumerate(values[:, k])}
            for k in range(values.shape[1])
        }
        layer.write_text(json.dumps(data))
        out_file = tmp / "peer.npy"
        done = subprocess.run(
            [peer, "-c", PEER_SCRIPT, str(layer), str(video), str(out_file)],
            capture_output=True,
            text=True,
            cwd=tmp,
        )
        if done.returncode != 0:
            print("  DUSTrack failed:\n" + done.stderr[-2000:])
            return
        seconds = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
        theirs = np.load(out_file)
    diff = float(np.abs(theirs - ours).max())
    print(f"  DUSTrack                     {seconds:7.2f} s")
    print(
        f"  movement_like                {ours_seconds:7.2f} s  "
        f"({seconds / ours_seconds:.1f} x faster)"
    )
    print(f"  max |movement_like - DUSTrack| {diff:.2e} px")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "ml_bench_of")
    parser.add_argument("--frames", type=int, default=3000)
    parser.add_argument("--memory-frames", type=int, default=30000)
    parser.add_argument(
        "--reference-frames",
        type=int,
        default=None,
        help="run the slow reference on this many frames only and scale",
    )
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    cores = os.cpu_count() or 1
    print(
        f"optical-flow benchmark: {cores} cores, OpenCV video {SIZE[0]}x{SIZE[1]} @ {FPS:g} fps,"
        f" load average {os.getloadavg()[0]:.1f} at start"
    )
    path, truth, noisy = video_and_positions(args.workdir, args.frames)
    jitter = bench_jitter(path, truth, noisy, args.reference_frames, cores)
    fill = bench_fill(path, truth, cores)
    bench_peer(path, noisy, jitter["ours"], jitter["batched_s"])
    memory = bench_memory(args.workdir, args.memory_frames) if not args.skip_memory else {}
    print("\n== summary (targets)")
    print(f"  jitter speed-up vs per-window reference  {jitter['speedup']:.1f} x  (>= 4)")
    print(
        f"  jitter time vs floor                      {jitter['vs_floor']:.2f} x  (<= 1.3)"
        f"  [vs CPU-time floor {jitter['vs_cpu_floor']:.2f} x]"
    )
    print(f"  jitter max diff vs reference              {jitter['max_diff_px']:.1e} px (<= 0.01)")
    print(
        f"  gap fill time vs decoding its frames      {fill['ratio']:.2f} x  (<= 1.5)"
        f"  [vs multi-threaded decoding {fill['ratio_mt']:.2f} x]"
    )
    for what, mb in memory.items():
        print(f"  peak memory {what:28s} {mb:.0f} MB (< 1024)")
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} (timings need a quiet machine)")


if __name__ == "__main__":
    main()
