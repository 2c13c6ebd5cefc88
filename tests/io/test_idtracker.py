"""idtracker.ai: real v3/v4 .npy files, v5/v6 layouts, CSV exports, folders, pickle safety."""

from __future__ import annotations

import pickle

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from movement_like.dataset import validate_poses
from movement_like.errors import FileFormatError, UnsafeFileError
from movement_like.io import load_poses
from movement_like.io.formats.idtracker import SafeUnpickler, find_session_file, safe_load_npy

REAL = ["test_trajectories_idtrackerai.npy", "test_trajectories_idtrackerai_with_border.npy"]


def _trusted_dict(path):
    """Read a real test file the unsafe way, only to have independent expected values."""
    return np.load(path, allow_pickle=True).item()


# --------------------------------------------------------------------------- #
# the real files
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("name", REAL)
def test_real_npy_files(realdata, name):
    path = realdata / "idtrackerai" / name
    ds = load_poses.from_idtracker_file(path)
    validate_poses(ds)
    assert dict(ds.sizes) == {"time": 508, "individuals": 8, "keypoints": 1, "space": 2}
    assert ds.individuals.values.tolist() == [f"id_{i}" for i in range(1, 9)]
    assert ds.keypoints.values.tolist() == ["centroid"]
    assert ds.attrs["fps"] == 28.0 and ds.attrs["source_software"] == "idtracker.ai"
    assert ds.time.values[0] == 0.0 and ds.time.values[-1] == pytest.approx(507 / 28)
    assert ds.frame.values[-1] == 507
    assert ds.attrs["body_length"] == 58.0 and ds.attrs["git_commit"] == "0"
    raw = _trusted_dict(path)
    np.testing.assert_array_equal(ds.position.values[:, :, 0, :], raw["trajectories"])
    np.testing.assert_array_equal(ds.confidence.values[:, :, 0], raw["id_probabilities"][:, :, 0])
    assert int(np.isnan(ds.position.values).sum()) == 86
    assert int(np.isnan(ds.confidence.values).sum()) == 268
    assert ds.position.values[0, 0, 0].tolist() == pytest.approx([878.92744695, 323.10746064])
    if "border" in name:
        assert '"border": [[980, 469]' in ds.attrs["setup_points"]


def test_real_file_through_from_file_and_fps_override(realdata):
    ds = load_poses.from_file(realdata / "idtrackerai" / REAL[0], fps=50)
    assert ds.attrs["fps"] == 50.0
    assert ds.time.values[1] == pytest.approx(1 / 50)


def test_safe_unpickler_reads_what_np_load_reads(realdata):
    for name in REAL:
        path = realdata / "idtrackerai" / name
        ours, theirs = safe_load_npy(path), _trusted_dict(path)
        assert sorted(ours) == sorted(theirs)
        for key, value in theirs.items():
            if isinstance(value, np.ndarray):
                np.testing.assert_array_equal(ours[key], value)


# --------------------------------------------------------------------------- #
# security
# --------------------------------------------------------------------------- #
class _CreatesFile:
    """An object whose unpickling opens (creates) a file: the payload of a malicious .npy."""

    def __init__(self, target):
        self.target = str(target)

    def __reduce__(self):
        return (open, (self.target, "w"))


def _malicious_npy(path, target):
    payload = {
        "trajectories": np.zeros((3, 2, 2)),
        "frames_per_second": 30,
        "note": _CreatesFile(target),
    }
    np.save(path, np.array(payload, dtype=object), allow_pickle=True)
    return path


def test_malicious_pickle_is_refused_and_nothing_runs(tmp_path):
    # the payload is real: numpy's own loader would create the file ...
    probe = tmp_path / "created_by_np_load.txt"
    _malicious_npy(tmp_path / "probe.npy", probe)
    np.load(tmp_path / "probe.npy", allow_pickle=True)
    assert probe.exists()
    # ... ours refuses it, with our error, and creates nothing
    target = tmp_path / "pwned.txt"
    path = _malicious_npy(tmp_path / "without_gaps.npy", target)
    with pytest.raises(UnsafeFileError, match=r"refused to load '(io|builtins|_io)\.open'"):
        load_poses.from_idtracker_file(path)
    with pytest.raises(UnsafeFileError):
        load_poses.from_file(path)
    assert not target.exists()


@pytest.mark.parametrize(
    "module,name",
    [("os", "system"), ("builtins", "eval"), ("subprocess", "Popen"), ("numpy", "load")],
)
def test_unpickler_refuses_any_other_global(module, name):
    stream = f"c{module}\n{name}\n.".encode()  # protocol-0 GLOBAL opcode
    with pytest.raises(pickle.UnpicklingError, match="refused"):
        SafeUnpickler(__import__("io").BytesIO(stream)).load()


def test_plain_numeric_npy_is_read_without_pickle(tmp_path):
    path = tmp_path / "trajectories.npy"
    np.save(path, np.arange(12.0).reshape(3, 2, 2))
    ds = load_poses.from_idtracker_file(path)
    assert ds.position.values[:, :, 0, :].tolist() == np.arange(12.0).reshape(3, 2, 2).tolist()


def test_dict_without_trajectories_is_a_clear_error(tmp_path):
    path = tmp_path / "x.npy"
    np.save(
        path, np.array({"id_probabilities": np.ones((2, 1, 1))}, dtype=object), allow_pickle=True
    )
    with pytest.raises(FileFormatError, match="has no 'trajectories'"):
        load_poses.from_idtracker_file(path)


def test_bad_trajectories_shape_and_bad_npy(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.array({"trajectories": np.ones((2, 3))}, dtype=object), allow_pickle=True)
    with pytest.raises(FileFormatError, match=r"\(frames, animals, 2\)"):
        load_poses.from_idtracker_file(path)
    broken = tmp_path / "broken.npy"
    broken.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(FileFormatError, match="damaged"):
        load_poses.from_idtracker_file(broken)


# --------------------------------------------------------------------------- #
# v5 / v6 layouts (built as the idtracker.ai writers lay them out, formats.md §5)
# --------------------------------------------------------------------------- #
def _v6_dict(n_frames=5, n_animals=3, seed=0):
    rng = np.random.default_rng(seed)
    trajectories = rng.uniform(0, 1000, (n_frames, n_animals, 2))
    trajectories[1, 0] = np.nan
    probabilities = rng.uniform(0, 1, (n_frames, n_animals, 1))
    return {
        "trajectories": trajectories,
        "id_probabilities": probabilities,
        "version": "6.0.13",
        "height": 1000,
        "width": 1200,
        "video_paths": ["/v/a.mp4"],
        "frames_per_second": 25.0,
        "body_length": 30.5,
        "estimated_accuracy": 0.99,
        "areas": {
            "mean": np.ones(n_animals),
            "median": np.ones(n_animals),
            "std": np.zeros(n_animals),
        },
        "setup_points": {},
        "identities_labels": [f"fish{i}" for i in range(n_animals)],
        "identities_groups": {},
        "length_unit": None,
    }


def _write_v6_h5(path, content):
    with h5py.File(path, "w") as file:
        for key, value in content.items():
            if value is None:
                if key == "length_unit":
                    file.attrs[key] = -1
                continue
            if isinstance(value, dict):
                group = file.create_group(key)
                for sub, array in value.items():
                    group.create_dataset(sub, data=array)
            elif isinstance(value, np.ndarray):
                file.create_dataset(key, data=value, compression="gzip")
            else:
                file.attrs[key] = value
    return path


def test_v6_h5(tmp_path):
    content = _v6_dict()
    path = _write_v6_h5(tmp_path / "trajectories.h5", content)
    ds = load_poses.from_file(path)
    assert ds.attrs["source_software"] == "idtracker.ai"
    assert ds.individuals.values.tolist() == ["fish0", "fish1", "fish2"]
    np.testing.assert_array_equal(ds.position.values[:, :, 0], content["trajectories"])
    np.testing.assert_array_equal(
        ds.confidence.values[:, :, 0], content["id_probabilities"][:, :, 0]
    )
    assert ds.attrs["fps"] == 25.0 and ds.attrs["version"] == "6.0.13"
    assert "length_unit" not in ds.attrs  # -1 means None
    assert '"mean": [1.0, 1.0, 1.0]' in ds.attrs["areas"]


def test_v6_npy_with_labels(tmp_path):
    content = _v6_dict()
    path = tmp_path / "trajectories.npy"
    np.save(path, np.array(content, dtype=object), allow_pickle=True)
    ds = load_poses.from_idtracker_file(path)
    assert ds.individuals.values.tolist() == ["fish0", "fish1", "fish2"]
    assert ds.attrs["identities_labels"] == '["fish0", "fish1", "fish2"]'


def test_v5_per_frame_areas_become_a_variable(tmp_path):
    content = {
        "trajectories": np.ones((4, 2, 2)),
        "areas": np.full((4, 2), 7.0),
        "frames_per_second": 10,
        "version": "5.0.0",
    }
    path = tmp_path / "with_gaps.npy"
    np.save(path, np.array(content, dtype=object), allow_pickle=True)
    ds = load_poses.from_idtracker_file(path)
    assert ds["area"].dims == ("time", "individuals") and float(ds["area"][0, 0]) == 7.0
    assert np.isnan(ds.confidence.values).all()


def _write_csv_export(folder, content, time_column="time"):
    folder.mkdir(parents=True)
    n_frames, n_animals, _ = content["trajectories"].shape
    header = ",".join(f"x{i},y{i}" for i in range(1, n_animals + 1))
    values = content["trajectories"].reshape(n_frames, -1)
    fps = content["frames_per_second"]
    if time_column:
        header = f"{time_column}," + header
        values = np.column_stack([np.arange(n_frames) / fps, values])
    np.savetxt(
        folder / "trajectories.csv", values, delimiter=",", header=header, comments="", fmt="%.3f"
    )
    prob_header = ",".join(f"id_probabilities{i}" for i in range(1, n_animals + 1))
    probabilities = content["id_probabilities"][:, :, 0]
    if time_column:
        prob_header = f"{time_column}," + prob_header
        probabilities = np.column_stack([np.arange(n_frames) / fps, probabilities])
    np.savetxt(
        folder / "id_probabilities.csv",
        probabilities,
        delimiter=",",
        header=prob_header,
        comments="",
        fmt="%.3e",
    )
    return folder / "trajectories.csv"


@pytest.mark.parametrize("time_column", ["time", "seconds", None])
def test_csv_export(tmp_path, time_column):
    content = _v6_dict()
    path = _write_csv_export(tmp_path / "trajectories_csv", content, time_column)
    ds = load_poses.from_file(path)
    assert ds.attrs["source_software"] == "idtracker.ai"
    np.testing.assert_allclose(ds.position.values[:, :, 0], content["trajectories"], atol=5e-4)
    np.testing.assert_allclose(
        ds.confidence.values[:, :, 0], content["id_probabilities"][:, :, 0], rtol=1e-3
    )
    if time_column:
        assert ds.attrs["fps"] == 25.0
    else:
        assert "fps" not in ds.attrs and ds.attrs["time_unit"] == "frames"


def test_csv_with_wrong_header_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("x1,y1,x3,y3\n1,2,3,4\n")
    with pytest.raises(FileFormatError, match="x1,y1,x2,y2"):
        load_poses.from_idtracker_file(path)


# --------------------------------------------------------------------------- #
# session folders
# --------------------------------------------------------------------------- #
def _save_npy(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.array(content, dtype=object), allow_pickle=True)


def test_session_folder_picks_best_and_says_which(tmp_path, caplog):
    session = tmp_path / "session_test"
    gaps, no_gaps, validated = (_v6_dict(seed=s) for s in (1, 2, 3))
    _save_npy(session / "trajectories" / "with_gaps.npy", gaps)
    _save_npy(session / "trajectories" / "without_gaps.npy", no_gaps)
    with caplog.at_level("INFO", logger="movement_like.io.formats.idtracker"):
        ds = load_poses.from_file(session)
    assert ds.attrs["selected_file"] == "trajectories/without_gaps.npy"
    assert "trajectories/without_gaps.npy" in caplog.text
    np.testing.assert_array_equal(ds.position.values[:, :, 0], no_gaps["trajectories"])
    _save_npy(session / "trajectories" / "validated.npy", validated)
    ds = load_poses.from_idtracker_file(session)
    assert ds.attrs["selected_file"] == "trajectories/validated.npy"


def test_v3_v4_session_layout(tmp_path):
    session = tmp_path / "session_old"
    _save_npy(session / "trajectories" / "trajectories.npy", _v6_dict(seed=1))
    assert find_session_file(session).name == "trajectories.npy"
    _save_npy(session / "trajectories_wo_gaps" / "trajectories_wo_gaps.npy", _v6_dict(seed=2))
    assert find_session_file(session).relative_to(session).as_posix() == (
        "trajectories_wo_gaps/trajectories_wo_gaps.npy"
    )


def test_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileFormatError, match="no idtracker.ai trajectories"):
        load_poses.from_idtracker_file(tmp_path)


# --------------------------------------------------------------------------- #
# property: any dict idtracker.ai could write loads with the right values
# --------------------------------------------------------------------------- #
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    trajectories=hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 20), st.integers(1, 5), st.just(2)),
        elements=st.floats(-1e4, 1e4) | st.just(np.nan),
    ),
    fps=st.sampled_from([None, 25, 29.97]),
)
def test_any_trajectories_dict_round_trips(tmp_path, trajectories, fps):
    content = {
        "trajectories": trajectories,
        "id_probabilities": np.full(trajectories.shape[:2] + (1,), 0.5),
    }
    if fps is not None:
        content["frames_per_second"] = fps
    path = tmp_path / "trajectories.npy"
    np.save(path, np.array(content, dtype=object), allow_pickle=True)
    ds = load_poses.from_idtracker_file(path)
    np.testing.assert_array_equal(ds.position.values[:, :, 0, :], trajectories)
    assert (ds.attrs.get("fps") == float(fps)) if fps else "fps" not in ds.attrs


def test_loaded_trajectories_survive_netcdf(realdata, tmp_path):
    import xarray as xr

    from movement_like.io import load_netcdf, save_netcdf

    ds = load_poses.from_idtracker_file(realdata / "idtrackerai" / REAL[1])
    save_netcdf(ds, tmp_path / "state.nc")
    xr.testing.assert_identical(load_netcdf(tmp_path / "state.nc"), ds)


@pytest.mark.parametrize("fps", [30, 29.97, 25, 7.5])
def test_csv_fps_from_rounded_time_column(tmp_path, fps):
    content = {
        "trajectories": np.ones((300, 1, 2)),
        "id_probabilities": np.ones((300, 1, 1)),
        "frames_per_second": fps,
    }
    path = _write_csv_export(tmp_path / "without_gaps_csv", content, "seconds")
    assert load_poses.from_idtracker_file(path).attrs["fps"] == fps


def test_v6_pickle_is_read_safely(tmp_path):
    content = _v6_dict()
    path = tmp_path / "trajectories.pickle"
    path.write_bytes(pickle.dumps(content))
    ds = load_poses.from_file(path)
    np.testing.assert_array_equal(ds.position.values[:, :, 0], content["trajectories"])
    target = tmp_path / "pwned.txt"
    evil = tmp_path / "evil.pickle"
    evil.write_bytes(pickle.dumps({"trajectories": np.ones((2, 1, 2)), "x": _CreatesFile(target)}))
    with pytest.raises(UnsafeFileError):
        load_poses.from_idtracker_file(evil)
    assert not target.exists()
    session = tmp_path / "session_v6" / "trajectories"
    session.mkdir(parents=True)
    (session / "trajectories.pickle").write_bytes(pickle.dumps(content))
    assert find_session_file(session.parent).name == "trajectories.pickle"
