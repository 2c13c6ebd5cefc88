"""Layers the user did not write: our error for every bad one, nothing allocated on a claim."""

from __future__ import annotations

import tracemalloc

import pytest

from movement_like.errors import FileFormatError
from movement_like.io import limits, load_poses
from tests.io.formats.dustrack.helpers import write_json, write_video


def _layer(tmp_path, text: str):
    path = tmp_path / "vid_annotations_manual.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"0": {"1": ' + "[" * 100_000 + "]" * 100_000 + "}}", "nested too deeply"),
        ('{"0": {"1": [' + "1" + "0" * 4999 + ", 2]}}", "number in the JSON cannot be read"),
        ('{"0": {"1": [' + "1" + "0" * 400 + ", 2]}}", "label '0', frame 1.*not finite"),
        ('{"0": {"1": [2, -' + "1" + "0" * 400 + "]}}", "not finite"),
        ('{"0": {"' + str(2**63) + '": [1, 2]}}', "too large to be a frame number"),
        ('{"0": {"' + "9" * 5000 + '": [1, 2]}}', "too large to be a frame number"),
        ('{"0": {"1": [1, 2], "01": [3, 4]}}', "the same frame"),
        ('{"0": {"1": ["12", 2]}}', "string '12' is not a number"),
        ('{"0": {"1": [true, 2]}}', "boolean True is not a number"),
        ('{"0": {"1": [null, 2]}}', "null None is not a number"),
        ('{"0": {"1": {"a": 1}}}', "expected \\[x, y\\], found a dict"),
        ('{"0": {"1": [[1], 2]}}', "is not a number"),
        ('{"0": {"1": "12"}}', "expected \\[x, y\\], found a string"),
        ('{"0": [1, 2]}', "maps to a list"),
        ('{"0": {"1": [1e400, 2]}}', "not finite"),
        ('{"0": {"1": [1, 2]}, "0": {"2": [1, 2]}}', "the key '0' appears twice"),
        ("null", "the top level is a JSON null"),
    ],
)
def test_bad_values_give_our_error(tmp_path, text, message):
    with pytest.raises(FileFormatError, match=message) as info:
        load_poses.from_dustrack_file(_layer(tmp_path, text), n_frames=10)
    assert str(tmp_path) in str(info.value)


def test_a_frame_claimed_without_video_is_bounded_by_the_limit(tmp_path):
    path = _layer(tmp_path, '{"0": {"2147483648": [1, 2]}}')  # 30 bytes: 32 GiB of NaN if believed
    assert path.stat().st_size < 32
    tracemalloc.start()
    with pytest.raises(
        FileFormatError, match="names frame 2147483648.*limit of 10,000,000"
    ) as info:
        load_poses.from_dustrack_file(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50 * 2**20
    assert "set_limits(max_frames=...)" in str(info.value)
    assert "pass video= or n_frames=" in str(info.value)
    with pytest.raises(FileFormatError, match="limit"):
        load_poses.from_file(path)
    with pytest.raises(FileFormatError, match="limit"):
        load_poses.from_dustrack_layers([path])


def test_the_limit_can_be_raised(tmp_path):
    path = write_json(tmp_path / "vid_annotations_manual.json", {"0": {"1500": [1.0, 2.0]}})
    with limits.raised(max_frames=1000), pytest.raises(FileFormatError, match="limit of 1,000"):
        load_poses.from_dustrack_file(path)
    assert limits.get_limits().max_frames == limits.DEFAULT_MAX_FRAMES
    previous = limits.set_limits(max_frames=1000)
    try:
        with pytest.raises(FileFormatError, match="limit"):
            load_poses.from_dustrack_layers([path])
        limits.set_limits(max_frames=2000)
        assert load_poses.from_dustrack_file(path).sizes["time"] == 1501
    finally:
        limits.set_limits(previous.max_frames)
    # an explicit n_frames is the caller's word, not the file's claim
    with limits.raised(max_frames=1000):
        assert load_poses.from_dustrack_file(path, n_frames=1600).sizes["time"] == 1600


def test_the_array_size_limit(tmp_path):
    path = write_json(tmp_path / "vid_annotations_manual.json", {"0": {"1500": [1.0, 2.0]}})
    with limits.raised(max_array_bytes=1000), pytest.raises(FileFormatError, match="GiB"):
        load_poses.from_dustrack_file(path)


def test_a_video_bounds_the_frames_before_allocating(tmp_path):
    write_video(tmp_path / "vid.avi", 5)
    path = _layer(tmp_path, '{"0": {"2147483648": [1, 2]}}')
    with pytest.raises(FileFormatError, match="frame 2147483648 is beyond the 5 frames"):
        load_poses.from_dustrack_file(path)
    with pytest.raises(FileFormatError, match="frame 2147483648 is beyond the 5 frames"):
        load_poses.from_dustrack_layers(tmp_path / "vid.avi")


@pytest.mark.parametrize("value", [0, -1, True, 2.5, "10"])
def test_limits_refuse_what_is_not_a_positive_integer(value):
    with pytest.raises((TypeError, ValueError), match="max_frames must be a positive integer"):
        limits.set_limits(max_frames=value)
    assert limits.get_limits().max_frames == limits.DEFAULT_MAX_FRAMES


def test_an_empty_layer_stacks(tmp_path):
    path = _layer(tmp_path, "{}")
    ds = load_poses.from_dustrack_layers([path])
    assert dict(ds.sizes) == {"layers": 1, "time": 0, "individuals": 1, "keypoints": 0, "space": 2}


def test_degenerate_layers_write_what_loads_back_or_refuse(tmp_path):
    import numpy as np

    from movement_like.dataset import poses_from_numpy
    from movement_like.errors import InvalidDatasetError
    from movement_like.io import save_poses

    ds = poses_from_numpy(np.ones((3, 1, 2, 2)), keypoint_names=["0", "1"])
    no_labels = ds.isel(keypoints=slice(0, 0))
    path = save_poses.to_dustrack_file(no_labels, tmp_path / "vid_annotations_a.json")
    back = load_poses.from_dustrack_file(path, n_frames=3)
    assert dict(back.sizes) == dict(no_labels.sizes)
    target = tmp_path / "vid_annotations_b.json"
    with pytest.raises(InvalidDatasetError, match="no individual"):
        save_poses.to_dustrack_file(ds.isel(individuals=slice(0, 0)), target)
    assert not target.exists()


@pytest.mark.parametrize("n_frames", [True, -1, 2.5, "10"])
def test_n_frames_must_be_a_count(tmp_path, n_frames):
    path = write_json(tmp_path / "vid_annotations_manual.json", {"0": {"1": [1.0, 2.0]}})
    with pytest.raises(ValueError, match="n_frames must be a non-negative integer"):
        load_poses.from_dustrack_file(path, n_frames=n_frames)


def test_limits_from_the_environment(monkeypatch):
    import importlib

    monkeypatch.setenv("MOVEMENT_LIKE_MAX_FRAMES", "50_000_000")
    try:
        reloaded = importlib.reload(limits)
        assert reloaded.get_limits().max_frames == 50_000_000
        monkeypatch.setenv("MOVEMENT_LIKE_MAX_FRAMES", "lots")
        with pytest.raises(ValueError, match="MOVEMENT_LIKE_MAX_FRAMES='lots'"):
            importlib.reload(limits)
    finally:
        monkeypatch.delenv("MOVEMENT_LIKE_MAX_FRAMES")
        importlib.reload(limits)
    assert limits.get_limits().max_frames == limits.DEFAULT_MAX_FRAMES
