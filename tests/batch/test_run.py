"""run_batch and ``movement-like batch`` on a real LocalCluster of two worker processes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from movement_like.batch import (
    RESULT_COLUMNS,
    BatchInput,
    Pipeline,
    Step,
    apply_steps,
    local_cluster,
    output_path,
    run_batch,
)
from movement_like.cli import main
from movement_like.io import load_dataset, load_netcdf
from movement_like.io.zarr import load_zarr, save_zarr

pytestmark = pytest.mark.realdata

REAL = [
    "deeplabcut/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5",
    "sleap/clip.predictions.slp",
    "lightningpose/eks_ibl-paw/3f859b5c-e73a-4044-b49e-34bb81e96715.left.rng=0.csv",
    "idtrackerai/test_trajectories_idtrackerai.npy",
]

CLEAN = Pipeline(
    steps=[
        Step("filter_by_confidence", {"threshold": 0.9}),
        Step("interpolate_over_time", {"max_gap": 5}),
        Step("rolling_filter", {"window": 5, "statistic": "median"}),
        Step("compute_speed"),
    ],
    load={"fps": 30},
)


@pytest.fixture(scope="module")
def client():
    from distributed import Client

    cluster = local_cluster(2, memory_limit="1GiB")
    with Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture
def inputs(realdata, tmp_path):
    corrupt = tmp_path / "corrupt.h5"
    data = (realdata / REAL[0]).read_bytes()
    corrupt.write_bytes(data[: len(data) // 3])  # a truncated DLC file
    return [str(realdata / r) for r in REAL] + [str(corrupt)]


def _by_hand(path, pipeline=CLEAN):
    ds = load_dataset(path, fps=pipeline.load.get("fps"))
    return apply_steps(pipeline, ds)[0]


def test_batch_of_real_files_and_a_corrupt_one(client, inputs, tmp_path):
    out = tmp_path / "out"
    table = run_batch(CLEAN, inputs, out, client=client, progress=False)
    assert list(table.columns) == list(RESULT_COLUMNS)
    assert list(table["input"]) == inputs
    assert list(table["status"]) == ["done"] * 4 + ["failed"]
    bad = table.iloc[-1]
    assert "corrupt.h5" in bad["error"] and bad["error"].startswith("load: FileFormatError")
    assert bad["output"] == ""
    # outputs are named predictably, carry the hash, and equal the steps run by hand
    for path, written in zip(inputs[:4], table["output"][:4], strict=True):
        assert Path(written) == output_path(CLEAN, path, out)
        assert CLEAN.short_hash() in Path(written).name
        ds = load_netcdf(written)
        assert ds.attrs["pipeline_hash"] == CLEAN.hash()
        assert Pipeline.from_toml(ds.attrs["pipeline"]) == CLEAN
        expected = _by_hand(path)
        for name in ("position", "speed", "confidence"):
            np.testing.assert_array_equal(ds[name].values, expected[name].values)
    # the results table and step summary next to the outputs
    csv = pd.read_csv(out / f"batch-{CLEAN.short_hash()}.csv", keep_default_na=False)
    assert list(csv["status"]) == list(table["status"])
    summary = table.attrs["steps"]
    assert list(summary["function"]) == [s.function for s in CLEAN.steps]
    assert set(summary["inputs"]) == {4}
    steps = pd.read_csv(out / f"batch-{CLEAN.short_hash()}-steps.csv")
    assert list(steps["points_dropped"]) == list(summary["points_dropped"])
    assert summary.loc[0, "points_dropped"] > 0 and summary.loc[1, "points_filled"] > 0
    assert (out / f"pipeline-{CLEAN.short_hash()}.toml").is_file()
    assert not [p for p in os.listdir(out) if ".partial" in p]


def test_resume_skips_what_is_done_and_a_changed_argument_reruns(client, realdata, tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    counted = Pipeline(
        [*CLEAN.steps, Step("tests.batch.helpers:count_calls", {"folder": str(calls)})],
        CLEAN.load,
    )
    files = [str(realdata / r) for r in REAL[:3]]
    out = tmp_path / "out"
    first = run_batch(counted, files, out, client=client, progress=False)
    assert list(first["status"]) == ["done"] * 3 and len(os.listdir(calls)) == 3
    # without --resume an existing output is never replaced
    again = run_batch(counted, files, out, client=client, progress=False)
    assert list(again["status"]) == ["failed"] * 3 and "--resume" in again["error"][0]
    stamps = [os.stat(p).st_mtime_ns for p in first["output"]]
    resumed = run_batch(counted, files, out, client=client, progress=False, resume=True)
    assert list(resumed["status"]) == ["skipped"] * 3
    assert len(os.listdir(calls)) == 3  # nothing recomputed
    assert [os.stat(p).st_mtime_ns for p in first["output"]] == stamps
    # one lost output is redone, alone
    os.unlink(first["output"][1])
    partly = run_batch(counted, files, out, client=client, progress=False, resume=True)
    assert list(partly["status"]) == ["skipped", "done", "skipped"]
    assert len(os.listdir(calls)) == 4
    # a changed argument is another pipeline: everything reruns, under other names
    changed = Pipeline(
        [Step("filter_by_confidence", {"threshold": 0.5}), *counted.steps[1:]], counted.load
    )
    rerun = run_batch(changed, files, out, client=client, progress=False, resume=True)
    assert list(rerun["status"]) == ["done"] * 3 and len(os.listdir(calls)) == 7
    assert set(rerun["output"]).isdisjoint(first["output"])


def test_a_worker_killed_mid_batch_the_batch_completes(client, realdata, tmp_path):
    marker = tmp_path / "killed-once"
    deadly = Pipeline(
        [Step("tests.batch.helpers:die_once", {"marker": str(marker)}), *CLEAN.steps], CLEAN.load
    )
    files = [str(realdata / r) for r in REAL]
    table = run_batch(deadly, files, tmp_path / "out", client=client, progress=False)
    assert marker.exists()  # a worker process was killed by SIGKILL during a task
    assert list(table["status"]) == ["done"] * 4, table["error"].tolist()
    for path, written in zip(files, table["output"], strict=True):
        np.testing.assert_array_equal(
            load_netcdf(written).position.values, _by_hand(path).position.values
        )


def test_per_input_options_and_zarr_outputs(client, realdata, tmp_path):
    pipeline = Pipeline(
        [Step("interpolate_over_time", {"max_gap": "{gap}"})], save={"format": "zarr"}
    )
    items = [
        BatchInput(str(realdata / REAL[0]), {"fps": 25, "gap": 2}),
        {"path": str(realdata / REAL[2]), "fps": 50, "gap": 3},
        str(realdata / REAL[1]),  # has no "gap": reported, naming the step
    ]
    table = run_batch(pipeline, items, tmp_path / "out", client=client, progress=False)
    assert list(table["status"]) == ["done", "done", "failed"]
    assert "step 1 (interpolate_over_time)" in table["error"][2] and "'gap'" in table["error"][2]
    ds = load_zarr(table["output"][0])
    assert table["output"][0].endswith(".zarr") and ds.attrs["fps"] == 25
    assert '"interpolate_over_time"' in ds.attrs["pipeline"]


def test_lazy_netcdf_to_zarr_on_the_cluster_equals_numpy(client, tmp_path):
    from movement_like.dataset import poses_from_numpy
    from movement_like.io import save_netcdf

    rng = np.random.default_rng(5)
    position = rng.normal(size=(3001, 2, 3, 2)).cumsum(axis=0)
    position[rng.random(position.shape) < 0.2] = np.nan
    ds = poses_from_numpy(position, rng.random((3001, 2, 3)), fps=30)
    save_netcdf(ds, tmp_path / "long.nc")
    lazy = load_netcdf(tmp_path / "long.nc", chunks={}).chunk({"time": 333})
    result, _ = apply_steps(CLEAN, lazy)
    save_zarr(result, tmp_path / "long.zarr")  # computed and written by the two workers
    expected, _ = apply_steps(CLEAN, ds)
    back = load_zarr(tmp_path / "long.zarr")
    xr.testing.assert_equal(back, expected)  # values, coords; the logs differ by time stamps
    assert back.attrs.keys() == expected.attrs.keys()


def test_command_line(client, inputs, tmp_path, capsys):
    toml = tmp_path / "clean.toml"
    toml.write_text(CLEAN.to_toml())
    out = tmp_path / "out"
    address = client.scheduler.address
    args = ["batch", str(toml), *inputs, "--out", str(out), "--scheduler", address]
    assert main([*args, "--no-progress"]) == 2  # the corrupt file failed
    captured = capsys.readouterr()
    assert "4 done, 0 skipped, 1 failed of 5 inputs" in captured.out
    assert "interpolate_over_time" in captured.out and "corrupt.h5" in captured.err
    assert main([*args, "--resume", "--no-progress"]) == 2
    assert "0 done, 4 skipped, 1 failed" in capsys.readouterr().out
    shutil.rmtree(out)
    table = tmp_path / "inputs.csv"
    table.write_text(f"path,fps\n{inputs[0]},25\n")
    assert (
        main(
            [
                "batch",
                str(toml),
                "--inputs-table",
                str(table),
                "--out",
                str(out),
                "--scheduler",
                address,
                "--no-progress",
            ]
        )
        == 0
    )
    assert load_netcdf(next(out.glob("*.nc"))).attrs["fps"] == 25


def test_invalid_pipelines_fail_before_anything_runs(tmp_path, capsys):
    toml = tmp_path / "bad.toml"
    toml.write_text('[[steps]]\nfunction = "rolling_filter"\nargs = { windw = 3 }\n')
    assert main(["batch", str(toml), "x.h5", "--out", str(tmp_path / "o")]) == 2
    assert "step 1 (rolling_filter)" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
    toml.write_text('[[steps]]\nfunction = "os:system"\n')
    assert main(["batch", str(toml), "x.h5", "--out", str(tmp_path / "o")]) == 2
    assert "--allow-external" in capsys.readouterr().err


def _worker_settings():
    import dask

    return dask.config.get("distributed.worker.profile.enabled"), os.environ.get(
        "MALLOC_TRIM_THRESHOLD_"
    )


def test_local_workers_run_without_the_profiler_and_with_glibcs_malloc():
    from distributed import Client

    cluster = local_cluster(2)
    with Client(cluster) as c:
        assert set(c.run(_worker_settings).values()) == {(False, None)}
    cluster.close()


def test_a_callers_dask_settings_win_over_local_clusters(monkeypatch):
    import dask
    from distributed import Client

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # as an earlier nanny leaves it
    key = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
    with dask.config.set({key: 131072}):
        monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
        cluster = local_cluster(1)
    with Client(cluster) as c:
        assert set(c.run(_worker_settings).values()) == {(False, "131072")}
    cluster.close()
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    cluster = local_cluster(1)  # the value a nanny left behind is not passed on
    with Client(cluster) as c:
        assert set(c.run(_worker_settings).values()) == {(False, None)}
    cluster.close()
    assert os.environ["MALLOC_TRIM_THRESHOLD_"] == "65536"
