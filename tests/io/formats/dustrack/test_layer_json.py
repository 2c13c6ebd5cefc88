"""The layer file: byte-identical round trips, and clear errors for bad files."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from movement_like.errors import FileFormatError
from movement_like.io import load_poses, save_poses
from tests.io.formats.dustrack.helpers import dustrack_text, layers_strategy, write_json


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layer=layers_strategy, empty=st.lists(st.integers(0, 30).map(str), max_size=3))
def test_round_trip_is_byte_identical(layer, empty):
    layer = {**{label: {} for label in empty if label not in layer}, **layer}
    # the file as a user's DUSTrack might have it: labels and frames in any order
    shuffled = {
        label: {str(f): list(v) for f, v in reversed(list(frames.items()))}
        for label, frames in reversed(list(layer.items()))
    }
    expected = dustrack_text({k: {str(f): v for f, v in fr.items()} for k, fr in layer.items()})
    with tempfile.TemporaryDirectory() as folder:
        source = write_json(Path(folder) / "vid_annotations_manual.json", shuffled)
        ds = load_poses.from_dustrack_file(source)
        labels = sorted(layer, key=int)
        assert list(ds["keypoints"].values) == labels
        n_frames = max((f for fr in layer.values() for f in fr), default=-1) + 1
        assert ds.sizes["time"] == n_frames
        assert list(ds["frame"].values) == list(range(n_frames))
        for label, frames in layer.items():
            for frame, (x, y) in frames.items():
                got = ds["position"].sel(keypoints=label, individuals="individual_0").values[frame]
                assert got.tolist() == [float(x), float(y)]
        n_points = sum(map(len, layer.values()))
        assert int(np.isfinite(ds["position"].values).all(-1).sum()) == n_points
        out = save_poses.to_dustrack_file(ds, Path(folder) / "out.json")
        assert out.read_text() == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"0": {"1": [1.0, 2.0]}', r"malformed JSON at line 1"),
        ("[1, 2]", r"top level is a JSON list"),
        ('{"3": [1.0, 2.0]}', r"label '3' maps to a list, not an object"),
        ('{"3": {"x7": [1.0, 2.0]}}', r"label '3': frame key 'x7' is not a non-negative integer"),
        ('{"3": {"-1": [1.0, 2.0]}}', r"label '3': frame key '-1'"),
        ('{"3": {"7": [1.0]}}', r"label '3', frame 7: expected \[x, y\], found a list of 1"),
        ('{"3": {"7": [1.0, "a"]}}', r"label '3', frame 7: string 'a' is not a number"),
        ('{"3": {"7": {"x": 1}}}', r"label '3', frame 7: expected \[x, y\], found a dict"),
        ('{"3": {"7": [true, 1]}}', r"label '3', frame 7: boolean True is not a number"),
        ('{"3": {"7": [NaN, 1.0]}}', r"label '3', frame 7: the value NaN is not a position"),
        ('{"3": {"7": [1.0, -Infinity]}}', r"label '3', frame 7: the value -Infinity"),
        ('{"3": {"7": [1e999, 1.0]}}', r"label '3', frame 7: .* not finite"),
        ('{"3": {"7": [1.0, 2.0], "7": [3.0, 4.0]}}', r"key '7' appears twice"),
        ('{"3": {"7": [1.0, 2.0]}, "3": {}}', r"key '3' appears twice"),
        ('{"3": {"7": [1.0, 2.0], "07": [3.0, 4.0]}}', r"label '3': the frame keys \['7', '07'\]"),
        ('{"3": {"²": [1.0, 2.0]}}', r"label '3': frame key '²' is not a non-negative"),
        ('\ufeff{"3": {"7": [1.0, 2.0]}', r"malformed JSON"),
    ],
)
def test_bad_layer_files_give_clear_errors(tmp_path, text, message):
    path = tmp_path / "vid_annotations_bad.json"
    path.write_text(text)
    with pytest.raises(FileFormatError, match=message) as info:
        load_poses.from_dustrack_file(path)
    assert str(path) in str(info.value)
