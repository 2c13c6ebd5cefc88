"""The restricted unpickler: numpy arrays of any protocol load; code and huge claims do not."""

from __future__ import annotations

import os
import pickle
import time

import numpy as np
import pytest

from movement_like.errors import FileFormatError, RefusedPickleError, UnsafeFileError
from movement_like.io import load_poses
from movement_like.io.safe_pickle import safe_loads


class _WritesMarker:
    def __init__(self, target):
        self.target = str(target)

    def __reduce__(self):
        return (os.system, (f"touch {self.target}",))


def _idtracker_dict():
    return {
        "trajectories": np.arange(24.0).reshape(3, 4, 2),
        "id_probabilities": np.full((3, 4, 1), 0.5),
        "frames_per_second": 25,
        "body_length": 12.5,
        "setup_points": {"A": [(1, 2), (3, 4)]},
    }


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_numpy_arrays_of_every_protocol_load(protocol):
    content = np.array(_idtracker_dict(), dtype=object)
    out = safe_loads(pickle.dumps(content, protocol=protocol)).item()
    assert np.array_equal(out["trajectories"], _idtracker_dict()["trajectories"])
    assert out["setup_points"] == {"A": [(1, 2), (3, 4)]}


def test_protocol_2_npy_loads(tmp_path):
    # numpy <= 1.16 (idtracker.ai v3/v4) wrote protocol 2: bytes go through _codecs.encode
    path = tmp_path / "trajectories.npy"
    with open(path, "wb") as handle:
        np.lib.format.write_array_header_1_0(
            handle, {"descr": "|O", "fortran_order": False, "shape": ()}
        )
        pickle.dump(np.array(_idtracker_dict(), dtype=object), handle, protocol=2)
    assert b"_codecs" in path.read_bytes()
    ds = load_poses.from_idtracker_file(path)
    assert ds.position.values[:, :, 0, :].tolist() == _idtracker_dict()["trajectories"].tolist()
    assert ds.attrs["fps"] == 25.0


@pytest.mark.parametrize("protocol", [0, 2, 5])
def test_code_in_a_pickle_never_runs(tmp_path, protocol):
    marker = tmp_path / "marker"
    with pytest.raises(RefusedPickleError):
        safe_loads(pickle.dumps({"a": _WritesMarker(marker)}, protocol=protocol))
    assert not marker.exists()


def test_codecs_encode_is_latin1_only():
    stream = b"c_codecs\nencode\n(Vabc\nVrot13\ntR."
    with pytest.raises(RefusedPickleError, match="encoding"):
        safe_loads(stream)
    assert safe_loads(b"c_codecs\nencode\n(Vabc\nVlatin1\ntR.") == b"abc"


def test_ndarray_may_not_allocate_a_declared_shape():
    stream = b"cnumpy\nndarray\n((I1099511627776\ntVf8\ntR."  # numpy.ndarray((2**40,), 'f8')
    with pytest.raises(RefusedPickleError, match="ndarray"):
        safe_loads(stream)
    big = b"cnumpy.core.multiarray\n_reconstruct\n(cnumpy\nndarray\n(I1099511627776\ntVb\ntR."
    with pytest.raises(RefusedPickleError, match="shape"):
        safe_loads(big)


def test_billion_laughs_is_linear():
    nested: list = []
    for _ in range(80):  # 2**80 leaves when walked naively
        nested = [nested, nested]
    data = pickle.dumps(nested)
    assert len(data) < 4096
    start = time.perf_counter()
    safe_loads(data)
    assert time.perf_counter() - start < 2.0


def test_npy_header_claiming_a_huge_shape_is_refused_before_allocating(tmp_path):
    path = tmp_path / "trajectories.npy"
    with open(path, "wb") as handle:
        np.lib.format.write_array_header_1_0(
            handle, {"descr": "<f8", "fortran_order": False, "shape": (10**10, 8, 2)}
        )
        handle.write(np.zeros(64).tobytes())
    with pytest.raises(FileFormatError, match="declares an array of shape"):
        load_poses.from_idtracker_file(path)


def test_malicious_idtracker_npy_raises_unsafe(tmp_path):
    marker = tmp_path / "marker"
    path = tmp_path / "trajectories.npy"
    np.save(path, np.array({"trajectories": _WritesMarker(marker)}, dtype=object))
    with pytest.raises(UnsafeFileError, match="trajectories.npy"):
        load_poses.from_idtracker_file(path)
    assert not marker.exists()
