"""Pipelines as data: TOML round trip, validation naming the step, the hash."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from movement_like.batch import Pipeline, Step, load_pipeline, save_pipeline
from movement_like.errors import PipelineError

CLEAN = Pipeline(
    steps=[
        Step("filter_by_confidence", {"threshold": 0.9}),
        Step("interpolate_over_time", {"max_gap": 5}),
        Step("rolling_filter", {"window": 5, "statistic": "median"}),
        Step("compute_speed"),
    ],
    load={"fps": 30},
    save={"format": "netcdf"},
)

KEYS = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF), min_size=1, max_size=8)
SCALARS = (
    st.text(st.characters(min_codepoint=1, max_codepoint=0x10FFFF, exclude_categories=("Cs",)))
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.booleans()
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3)
)


@settings(max_examples=60, deadline=None)
@given(
    args=st.lists(st.dictionaries(KEYS, VALUES, max_size=4), min_size=0, max_size=4),
    load=st.dictionaries(KEYS, VALUES, max_size=3),
    outputs=st.lists(st.none() | KEYS, min_size=4, max_size=4),
)
def test_toml_round_trip(args, load, outputs):
    steps = [Step(f"mylab.module:f{i}", a, output=outputs[i]) for i, a in enumerate(args)]
    pipeline = Pipeline(steps=steps, load=load, save={"format": "zarr"})
    back = Pipeline.from_toml(pipeline.to_toml())
    assert back == pipeline
    assert back.hash() == pipeline.hash()


def test_toml_round_trip_of_special_floats():
    pipeline = Pipeline([Step("rolling_filter", {"window": 3, "x": [math.inf, -math.inf]})])
    assert Pipeline.from_toml(pipeline.to_toml()) == pipeline
    nan = Pipeline([Step("f:g", {"x": math.nan})])
    assert math.isnan(Pipeline.from_toml(nan.to_toml()).steps[0].args["x"])


def test_file_round_trip(tmp_path):
    path = save_pipeline(CLEAN, tmp_path / "clean.toml")
    assert load_pipeline(path) == CLEAN
    with pytest.raises(FileExistsError):
        save_pipeline(CLEAN, path)


def test_hash_changes_with_an_argument_and_the_order_only():
    same = Pipeline.from_toml(CLEAN.to_toml())
    assert same.hash() == CLEAN.hash()
    changed = Pipeline(
        [Step("filter_by_confidence", {"threshold": 0.8}), *CLEAN.steps[1:]],
        CLEAN.load,
        CLEAN.save,
    )
    assert changed.hash() != CLEAN.hash()
    swapped = Pipeline([CLEAN.steps[1], CLEAN.steps[0], *CLEAN.steps[2:]], CLEAN.load, CLEAN.save)
    assert swapped.hash() != CLEAN.hash()
    assert len(CLEAN.short_hash()) == 12


def test_hash_carries_the_library_version(monkeypatch):
    import movement_like

    before = CLEAN.hash()
    monkeypatch.setattr(movement_like, "__version__", "99.0")
    assert CLEAN.hash() != before


def test_compute_steps_store_their_own_variable():
    assert Step("compute_speed").target == "speed"
    assert Step("rolling_filter").target == "position"
    assert Step("compute_speed", output="v").target == "v"


@pytest.mark.parametrize(
    ("step", "words"),
    [
        (Step("no_such_function"), ["step 1 (no_such_function)", "unknown function"]),
        (Step("rolling_filter", {"window": 5, "windw": 3}), ["step 1", "windw"]),
        (Step("rolling_filter"), ["step 1", "'window' is required"]),
        (Step("rolling_filter", {"window": None}), ["step 1", "not a TOML value", "leave"]),
        (Step("rolling_filter", {"window": 3, "data": 1}), ["step 1", "'input'"]),
        (Step("movement_like.io.save_poses:to_dlc_file"), ["not a room of analysis"]),
        (Step("movement_like.filtering:_check_window"), ["public"]),
        (Step("no_such_module_xyz:f"), ["cannot import"]),
    ],
)
def test_validation_names_the_step(step, words):
    with pytest.raises(PipelineError) as info:
        Pipeline([step]).validate()
    for word in words:
        assert word in str(info.value)


def test_validation_names_the_failing_step_among_several():
    bad = Pipeline([CLEAN.steps[0], Step("rolling_filter", {"window": 5, "stat": "max"})])
    with pytest.raises(PipelineError, match=r"step 2 \(rolling_filter\)"):
        bad.validate()


def test_bad_save_and_load_sections():
    with pytest.raises(PipelineError, match="format"):
        Pipeline(save={"format": "csv"}).validate()
    with pytest.raises(PipelineError, match="fps"):
        Pipeline(load={"fps": "thirty"}).validate()


def test_a_file_does_not_import_code_unless_allowed(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[[steps]]\nfunction = "tests.batch.helpers:double"\ninput = "*"\n')
    with pytest.raises(PipelineError, match="allow_external"):
        load_pipeline(path)
    assert load_pipeline(path, allow_external=True).steps[0].input == "*"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[[steps]]\nfunction = ", ["not valid TOML"]),
        ("[extra]\n", ["unknown section"]),
        ("steps = 3\n", ["array of tables"]),
        ("[[steps]]\nfunction = 3\n", ["step 1", "'function'"]),
        ("[[steps]]\nfunction = 'rolling_filter'\nwindow = 3\n", ["step 1", "unknown key"]),
    ],
)
def test_malformed_files(tmp_path, text, words):
    path = tmp_path / "p.toml"
    path.write_text(text)
    with pytest.raises(PipelineError) as info:
        load_pipeline(path)
    for word in [str(path), *words]:
        assert word in str(info.value)
