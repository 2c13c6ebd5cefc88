"""One input through a pipeline in this process: what each batch task does."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from movement_like import filtering, kinematics
from movement_like.batch import BatchInput, Pipeline, Step, apply_steps, run_one, step_summary
from movement_like.dataset import poses_from_numpy
from movement_like.errors import PipelineError
from movement_like.io import load_netcdf, save_netcdf


def _poses():
    rng = np.random.default_rng(1)
    position = rng.normal(size=(200, 2, 3, 2)).cumsum(axis=0)
    position[rng.random(position.shape) < 0.1] = np.nan
    return poses_from_numpy(position, rng.random((200, 2, 3)), fps=30)


def test_steps_equal_the_functions_called_by_hand():
    ds = _poses()
    pipeline = Pipeline(
        [
            Step("filter_by_confidence", {"threshold": 0.4}),
            Step("interpolate_over_time", {"max_gap": 3}),
            Step("compute_velocity", output="v"),
        ]
    )
    result, summaries = apply_steps(pipeline, ds)
    position = filtering.filter_by_confidence(ds.position, ds.confidence, threshold=0.4)
    position = filtering.interpolate_over_time(position, max_gap=3)
    xr.testing.assert_equal(result.position, position)  # the logs differ by their time stamps
    xr.testing.assert_equal(result.v, kinematics.compute_velocity(position).rename("v"))
    xr.testing.assert_identical(ds, _poses())  # the input is untouched
    missing = [int(p.isnull().any("space").sum()) for p in (ds.position, result.position)]
    first, second = summaries[0], summaries[1]
    assert first["missing_before"] == missing[0] and second["missing_after"] == missing[1]
    assert first["points_dropped"] > 0 and second["points_filled"] > 0
    assert missing[1] == missing[0] + first["points_dropped"] - second["points_filled"]
    assert summaries[2]["variable"] == "v"


def test_whole_dataset_steps():
    ds = _poses()
    result, _ = apply_steps(Pipeline([Step("tests.batch.helpers:double", input="*")]), ds)
    np.testing.assert_array_equal(result.position.values, ds.position.values * 2)


def test_run_one_reports_instead_of_raising(tmp_path):
    save_netcdf(_poses(), tmp_path / "a.nc")
    too_long = Pipeline([Step("rolling_filter", {"window": 401})])
    record = run_one(too_long, tmp_path / "a.nc", tmp_path / "out.nc")
    assert record["status"] == "failed" and record["output"] == ""
    assert record["error"].startswith("step 1 (rolling_filter): InvalidArgumentError")
    assert not (tmp_path / "out.nc").exists()
    missing = run_one(too_long, tmp_path / "none.nc", tmp_path / "out.nc")
    assert missing["error"].startswith("load: ")


def test_run_one_writes_the_hash_and_the_pipeline(tmp_path):
    save_netcdf(_poses(), tmp_path / "a.nc")
    pipeline = Pipeline([Step("rolling_filter", {"window": 3})])
    record = run_one(pipeline, BatchInput(str(tmp_path / "a.nc")), tmp_path / "out.nc")
    assert record["status"] == "done"
    ds = load_netcdf(tmp_path / "out.nc")
    assert ds.attrs["pipeline_hash"] == pipeline.hash()
    assert Pipeline.from_toml(ds.attrs["pipeline"]) == pipeline
    summary = step_summary([record, record])
    assert list(summary["inputs"]) == [2]


def test_a_missing_variable_or_option_names_the_step():
    with pytest.raises(PipelineError, match=r"step 1 .*no variable 'shape'"):
        apply_steps(Pipeline([Step("rolling_filter", {"window": 3}, input="shape")]), _poses())
    with pytest.raises(PipelineError, match=r"step 1 .*'video'"):
        apply_steps(Pipeline([Step("rolling_filter", {"window": "{video}"})]), _poses())


def test_inputs_of_every_shape():
    assert BatchInput.of("a.h5") == BatchInput("a.h5")
    assert BatchInput.of({"path": "a.h5", "fps": 25}).options == {"fps": 25}
    with pytest.raises(PipelineError, match="path"):
        BatchInput.of({"fps": 25})
