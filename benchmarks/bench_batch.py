"""Batch runs on dask.distributed, and one long recording through zarr.

Four measurements, each kept short (scale them with the arguments):

``batch``
    ``--count`` generated DLC ``.h5`` recordings (``--frames`` × 2 individuals ×
    10 keypoints × 2) through load -> confidence filter -> interpolate ->
    rolling median -> speed -> save: the serial loop (the same per-input code,
    in this process) against ``run_batch`` on a 2-worker LocalCluster.
``overhead``
    ``--tiny`` inputs of 5 frames: what one more input costs on the cluster
    beyond its own work (wall per input on the cluster minus the serial time
    per input shared by the workers).
``lazy``
    One recording of ``--lazy-frames`` × 2 × 10 × 2 (interpolate max_gap=5 ->
    rolling median -> speed -> save) read from a zarr store: numpy (eager load,
    save_netcdf), dask on threads (lazy load, save_netcdf), and a 2-worker
    LocalCluster writing zarr.
``long``
    ``--long-frames`` × 4 × 5 × 2 values (10**8 at the default 2,500,000) through
    the pipeline to zarr on a 2-worker LocalCluster (``local_cluster(2,
    malloc_trim=True)``; ``--no-malloc-trim`` for run_batch's setting); the input is
    generated chunk by chunk and the workers restarted before the run; peak memory
    is the largest sum of the resident set sizes of this process (client and
    scheduler) and the worker processes, sampled every 50 ms.

``cpu``
    Where the CPU of a task goes (CPU time, not wall time, so it holds on a
    busy machine): ``--count`` inputs as in ``batch``, each timed with the CPU
    of its own thread (``getrusage(RUSAGE_THREAD)``: user, system, minor page
    faults) and of its process (``time.process_time``), serially in this
    process and on 2-worker LocalClusters with dask's defaults and with the
    options ``local_cluster`` sets; also the CPU of the worker and nanny
    processes per task (psutil).

The machine's load average is printed with each figure: on a shared machine
ratios move with it. Example::

    python benchmarks/bench_batch.py --count 60 --tiny 2000 --long-frames 2500000
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from movement_like.batch import Pipeline, Step, apply_steps, local_cluster, run_batch, run_one
from movement_like.dataset import poses_from_numpy
from movement_like.io import save_netcdf
from movement_like.io.save_poses import to_dlc_file
from movement_like.io.zarr import load_zarr, save_zarr

CLEAN = Pipeline(
    [
        Step("filter_by_confidence", {"threshold": 0.5}),
        Step("interpolate_over_time", {"max_gap": 5}),
        Step("rolling_filter", {"window": 5, "statistic": "median"}),
        Step("compute_speed"),
    ],
    load={"fps": 30},
)
LAZY = Pipeline(CLEAN.steps[1:])


def load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def recording(n_time, n_ind=2, n_kp=10, seed=0, chunks=None):
    """A random walk with 10 % missing points and random confidence."""
    if chunks:
        import dask.array as da

        rs = da.random.RandomState(seed)
        steps = rs.normal(size=(n_time, n_ind, n_kp, 2), chunks=(chunks, -1, -1, -1))
        position = steps.cumsum(axis=0)
        position = da.where(
            rs.random_sample(position.shape, chunks=position.chunks) < 0.1, np.nan, position
        )
        confidence = rs.random_sample((n_time, n_ind, n_kp), chunks=(chunks, -1, -1))
        import xarray as xr

        ds = poses_from_numpy(np.zeros((1, n_ind, n_kp, 2)), np.zeros((1, n_ind, n_kp)), fps=30)
        dims = ds.position.dims
        return xr.Dataset(
            {
                "position": (dims, position),
                "confidence": (dims[:-1], confidence),
            },
            coords={
                "time": np.arange(n_time) / 30.0,
                "individuals": ds.individuals.values,
                "keypoints": ds.keypoints.values,
                "space": ds.space.values,
            },
            attrs=ds.attrs,
        )
    rng = np.random.default_rng(seed)
    position = rng.normal(size=(n_time, n_ind, n_kp, 2)).cumsum(axis=0)
    position[rng.random(position.shape) < 0.1] = np.nan
    return poses_from_numpy(position, rng.random((n_time, n_ind, n_kp)), fps=30)


def cpu_now() -> float:
    """CPU seconds used so far by this process and its children (the workers)."""
    import psutil

    me = psutil.Process()
    total = 0.0
    for proc in [me, *me.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def started_cluster():
    from distributed import Client

    cluster = local_cluster(2)
    client = Client(cluster)
    client.run(lambda: __import__("movement_like.batch.apply"))  # import the readers once
    return cluster, client


def bench_batch(args, folder: Path) -> None:
    inputs = folder / "inputs"
    inputs.mkdir()
    start = time.perf_counter()
    template = recording(args.frames)
    files = []
    for i in range(args.count):
        path = inputs / f"session{i:04d}DLC_resnet50.h5"
        to_dlc_file(template, path)
        files.append(str(path))
    print(
        f"[batch] wrote {args.count} DLC files of {args.frames} frames "
        f"in {time.perf_counter() - start:.1f} s"
    )
    serial_out = folder / "serial"
    serial_out.mkdir()
    start, cpu = time.perf_counter(), time.process_time()
    for path in files:
        record = run_one(CLEAN, path, serial_out / (Path(path).stem + ".nc"))
        assert record["status"] == "done", record["error"]
    serial, serial_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"[batch] serial loop: {serial:.1f} s wall, {serial_cpu:.1f} s CPU "
        f"({serial / args.count * 1e3:.0f} ms/input; the process got {serial_cpu / serial:.0%} "
        f"of a core); {load()}"
    )
    start = time.perf_counter()
    cluster, client = started_cluster()
    startup = time.perf_counter() - start
    try:
        table = run_batch(CLEAN, files, folder / "cluster", client=client, progress=False)
    finally:
        client.close()
        cluster.close()
    wall = table.attrs["wall_seconds"]
    assert (table["status"] == "done").all(), table["error"].tolist()[:3]
    task_cpu = float(table["cpu_seconds"].sum())
    print(
        f"[batch] 2-worker LocalCluster: {wall:.1f} s wall (+{startup:.1f} s to start it), "
        f"{task_cpu:.1f} s CPU in the tasks (each worker got {task_cpu / wall / 2:.0%} of a "
        f"core); speed-up {serial / wall:.2f}x measured (target >= 1.7x), "
        f"{serial / (wall + startup):.2f}x counting start-up; serial CPU / half the tasks' "
        f"CPU: {serial_cpu / (task_cpu / 2):.2f}x; {load()}"
    )


def timed_run_one(pipeline, item, out):
    """``run_one``, with the CPU of the calling thread and the page faults it took."""
    import resource

    from movement_like.batch import run_one as run

    before = resource.getrusage(resource.RUSAGE_THREAD)
    record = run(pipeline, item, out)
    after = resource.getrusage(resource.RUSAGE_THREAD)
    assert record["status"] == "done", record["error"]
    return {
        "user": after.ru_utime - before.ru_utime,
        "system": after.ru_stime - before.ru_stime,
        "faults": after.ru_minflt - before.ru_minflt,
        "process": record["cpu_seconds"],
        "worker": record["worker"],
    }


def _processes_cpu(procs) -> float:
    import psutil

    total = 0.0
    for proc in procs:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def _cpu_summary(name: str, rows: list[dict], extra: str = "") -> str:
    n = len(rows)
    user = sum(r["user"] for r in rows) / n
    system = sum(r["system"] for r in rows) / n
    faults = sum(r["faults"] for r in rows) / n
    process = sum(r["process"] for r in rows) / n
    return (
        f"[cpu] {name:<34} task thread {1e3 * (user + system):6.1f} ms "
        f"(user {1e3 * user:5.1f}, system {1e3 * system:5.1f}; {faults:7.0f} page faults), "
        f"task process {1e3 * process:6.1f} ms{extra}"
    )


def bench_cpu(args, folder: Path) -> None:
    import dask
    import psutil
    from distributed import Client, LocalCluster

    inputs = folder / "inputs"
    inputs.mkdir()
    template = recording(args.frames)
    files = []
    for i in range(args.count + 2):
        path = inputs / f"session{i:04d}DLC_resnet50.h5"
        to_dlc_file(template, path)
        files.append(str(path))
    warm, files = files[:2], files[2:]
    plain = CLEAN.to_dict()
    out = folder / "serial"
    out.mkdir()
    for path in warm:  # the same first-call imports as the workers' warm-up
        timed_run_one(plain, path, str(out / (Path(path).stem + ".warm.nc")))
    rows = [timed_run_one(plain, p, str(out / (Path(p).stem + ".nc"))) for p in files]
    print(_cpu_summary("serial (this process)", rows) + f"; {load()}")
    plain_defaults = {
        "n_workers": 2,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,
    }
    trim = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
    variants = [
        ("LocalCluster, dask's defaults", {}),
        ("  + no statistical profiler", {"distributed.worker.profile.enabled": False}),
        ("  + glibc malloc left alone", {trim: None}),
        ("local_cluster(2) (ours: both)", None),
    ]
    for name, config in variants:
        if config is None:
            cluster = local_cluster(2)
        else:
            inherited = os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)  # left by a nanny
            with dask.config.set(config):
                cluster = LocalCluster(**plain_defaults)
            if inherited is not None:
                os.environ["MALLOC_TRIM_THRESHOLD_"] = inherited
        client = Client(cluster)
        try:
            workers = psutil.Process().children()  # the worker processes (nannies live here)
            target = folder / f"variant{variants.index((name, config))}"
            target.mkdir()
            for path in warm:  # one first call per worker: imports, caches
                client.gather(
                    [
                        client.submit(
                            timed_run_one,
                            plain,
                            path,
                            str(target / f"{Path(path).stem}.{w[-5:]}.warm.nc"),
                            workers=[w],
                            pure=False,
                        )
                        for w in client.scheduler_info()["workers"]
                    ]
                )
            worker_cpu = _processes_cpu(workers)
            futures = [
                client.submit(
                    timed_run_one, plain, p, str(target / (Path(p).stem + ".nc")), pure=False
                )
                for p in files
            ]
            rows = client.gather(futures)
            worker_cpu = _processes_cpu(workers) - worker_cpu
        finally:
            client.close()
            cluster.close()
        extra = f", worker processes {1e3 * worker_cpu / len(rows):6.1f} ms per task"
        print(_cpu_summary(name, rows, extra) + f"; {load()}")


def bench_overhead(args, folder: Path) -> None:
    inputs = folder / "tiny"
    inputs.mkdir()
    tiny = recording(5, 1, 1)
    files = []
    for i in range(args.tiny):
        path = inputs / f"t{i:05d}DLC.csv"
        to_dlc_file(tiny, path)
        files.append(str(path))
    pipeline = Pipeline([Step("interpolate_over_time", {"max_gap": 2})], load={"fps": 30})
    out = folder / "tiny-serial"
    out.mkdir()
    start = time.perf_counter()
    for path in files:
        assert run_one(pipeline, path, out / (Path(path).stem + ".nc"))["status"] == "done"
    serial = time.perf_counter() - start
    cluster, client = started_cluster()
    try:
        table = run_batch(pipeline, files, folder / "tiny-cluster", client=client, progress=False)
    finally:
        client.close()
        cluster.close()
    wall = table.attrs["wall_seconds"]
    per_input = wall / args.tiny
    in_tasks = float(table["seconds"].sum()) / args.tiny
    print(
        f"[overhead] {args.tiny} tiny inputs: serial {serial / args.tiny * 1e3:.1f} ms/input; "
        f"cluster {per_input * 1e3:.1f} ms/input wall, {in_tasks * 1e3:.1f} ms inside each "
        f"task -> per-input cost beyond the serial work shared by 2 workers "
        f"{(per_input - serial / args.tiny / 2) * 1e3:.1f} ms, beyond the tasks' own time "
        f"{(per_input - in_tasks / 2) * 1e3:.1f} ms (target <= 50 ms); {load()}"
    )


def bench_lazy(args, folder: Path) -> None:
    import dask

    source = folder / "lazy.zarr"
    save_zarr(recording(args.lazy_frames), source)

    def numpy_run():
        ds = load_zarr(source)
        result, _ = apply_steps(LAZY, ds)
        save_netcdf(result, folder / "numpy.nc", overwrite=True)

    def dask_run():
        ds = load_zarr(source, chunks={}).chunk({"time": args.chunk})
        result, _ = apply_steps(LAZY, ds)
        with dask.config.set(scheduler="threads"):
            save_netcdf(result, folder / "dask.nc", overwrite=True)

    def cluster_run():
        ds = load_zarr(source, chunks={}).chunk({"time": args.chunk})
        result, _ = apply_steps(LAZY, ds)
        save_zarr(result, folder / "cluster.zarr", overwrite=True)

    def best(func):
        runs = []
        for _ in range(args.repeats):
            start, cpu = time.perf_counter(), cpu_now()
            func()
            runs.append((time.perf_counter() - start, cpu_now() - cpu))
        return min(runs)

    numpy_s, numpy_cpu = best(numpy_run)
    dask_s, dask_cpu = best(dask_run)
    cluster, client = started_cluster()
    try:
        cluster_s, cluster_cpu = best(cluster_run)
    finally:
        client.close()
        cluster.close()
    print(
        f"[lazy] {args.lazy_frames} x 2 x 10 x 2, chunks of {args.chunk} frames, best of "
        f"{args.repeats}, wall / CPU of all processes: numpy {numpy_s:.2f} / {numpy_cpu:.2f} s; "
        f"dask threads {dask_s:.2f} / {dask_cpu:.2f} s ({dask_s / numpy_s:.2f}x wall, "
        f"{dask_cpu / numpy_cpu:.2f}x CPU; target <= 1.3x); 2-worker cluster to zarr "
        f"{cluster_s:.2f} / {cluster_cpu:.2f} s ({cluster_s / numpy_s:.2f}x wall, "
        f"{cluster_cpu / numpy_cpu:.2f}x CPU; target <= 1.5x); {load()}"
    )


class PeakRSS:
    """Sample the summed RSS of this process and its children (workers) every 50 ms."""

    def __init__(self):
        import psutil

        self.me = psutil.Process()
        self.peak = 0
        self.peak_one = 0
        self.first = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import psutil

        while not self._stop.is_set():
            total, largest = 0, 0
            for proc in [self.me, *self.me.children(recursive=True)]:
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                largest = max(largest, rss)
            self.peak = max(self.peak, total)
            self.first = total if self.first is None else self.first
            self.peak_one = max(self.peak_one, largest)
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def walk_blocks(n_time, n_ind, n_kp, chunks, seed=0):
    """A random-walk recording as dask arrays whose chunks are independent of one another.

    Each chunk is drawn from its own seed and starts its walk at a random point, so
    the input is written chunk by chunk with nothing held across chunks (a cumulative
    sum over the whole recording would chain every chunk to all before it).
    """
    import dask.array as da
    import xarray as xr

    def position_block(block_info=None):
        (start, stop), *_ = block_info[None]["array-location"]
        rng = np.random.default_rng([seed, start])
        walk = rng.normal(size=(stop - start, n_ind, n_kp, 2)).cumsum(axis=0)
        walk += rng.uniform(0, 500, size=(1, n_ind, n_kp, 2))
        walk[rng.random(walk.shape) < 0.1] = np.nan
        return walk

    def confidence_block(block_info=None):
        (start, stop), *_ = block_info[None]["array-location"]
        return np.random.default_rng([seed, start, 1]).random((stop - start, n_ind, n_kp))

    time_chunks = tuple(min(chunks, n_time - s) for s in range(0, n_time, chunks))
    position = da.map_blocks(
        position_block, chunks=(time_chunks, n_ind, n_kp, 2), dtype=float, meta=np.array(())
    )
    confidence = da.map_blocks(
        confidence_block, chunks=(time_chunks, n_ind, n_kp), dtype=float, meta=np.array(())
    )
    template = poses_from_numpy(np.zeros((1, n_ind, n_kp, 2)), np.zeros((1, n_ind, n_kp)), fps=30)
    dims = template.position.dims
    return xr.Dataset(
        {"position": (dims, position), "confidence": (dims[:-1], confidence)},
        coords={
            "time": np.arange(n_time) / 30.0,
            **{d: template[d].values for d in ("individuals", "keypoints", "space")},
        },
        attrs=template.attrs,
    )


def bench_long(args, folder: Path) -> None:
    from distributed import Client

    n = args.long_frames
    cluster = local_cluster(2, memory_limit="1GiB", malloc_trim=args.malloc_trim)
    client = Client(cluster)
    try:
        start = time.perf_counter()
        save_zarr(walk_blocks(n, 4, 5, args.long_chunk), folder / "long-in.zarr")
        print(
            f"[long] wrote the input ({n * 40:.2e} position values) in "
            f"{time.perf_counter() - start:.1f} s"
        )
        client.restart()  # fresh workers: what the generator left in them is not measured
        client.run(lambda: __import__("movement_like.batch.apply"))
        with PeakRSS() as rss:
            start = time.perf_counter()
            ds = load_zarr(folder / "long-in.zarr", chunks={})
            result, _ = apply_steps(LAZY, ds)  # the criterion's interpolate -> median -> speed
            save_zarr(result, folder / "long-out.zarr")
            seconds = time.perf_counter() - start
    finally:
        client.close()
        cluster.close()
    size = sum(f.stat().st_size for f in (folder / "long-out.zarr").rglob("*") if f.is_file())
    print(
        f"[long] {n} x 4 x 5 x 2 = {n * 40:.2e} values, chunks of {args.long_chunk} frames, "
        f"through interpolate -> median -> speed to zarr on a 2-worker LocalCluster "
        f"(malloc_trim={args.malloc_trim}): {seconds:.1f} s, peak RSS "
        f"{rss.peak / 2**30:.2f} GiB ({rss.peak / 1e9:.2f} GB) summed over client+scheduler "
        f"and workers (largest process {rss.peak_one / 2**30:.2f} GiB; at the start "
        f"{rss.first / 2**30:.2f} GiB; target <= 1.5 GB); output {size / 2**30:.2f} GiB; "
        f"{load()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="batch,overhead,lazy,long", help="also: cpu")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--frames", type=int, default=20_000)
    parser.add_argument("--tiny", type=int, default=2000)
    parser.add_argument("--lazy-frames", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--long-frames", type=int, default=2_500_000)
    parser.add_argument("--long-chunk", type=int, default=50_000)
    parser.add_argument(
        "--no-malloc-trim",
        dest="malloc_trim",
        action="store_false",
        help="long: workers without dask's MALLOC_TRIM_THRESHOLD_ (run_batch's default)",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    try:
        for name in args.only.split(","):
            section = folder / name
            section.mkdir()
            globals()[f"bench_{name}"](args, section)
            shutil.rmtree(section, ignore_errors=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
