"""idtracker.ai readers: damaged CSV, HDF5 and wrong-typed values get our error."""

from __future__ import annotations

import numpy as np
import pytest

from movement_like.errors import FileFormatError
from movement_like.io import load_poses


def test_csv_with_text_in_a_number_column(tmp_path):
    path = tmp_path / "trajectories.csv"
    path.write_text("x1,y1\n1.0,2.0\nabc,3.0\n")
    with pytest.raises(FileFormatError, match="'x1' holds text"):
        load_poses.from_idtracker_file(path)


def test_csv_with_a_header_only(tmp_path):
    path = tmp_path / "trajectories.csv"
    path.write_text("x1,y1,x2,y2\n")
    with pytest.raises(FileFormatError, match="no rows"):
        load_poses.from_idtracker_file(path)


def test_damaged_h5_is_wrapped(tmp_path):
    import h5py

    path = tmp_path / "trajectories.h5"
    with h5py.File(path, "w") as file:
        file["trajectories"] = np.zeros((100, 2, 2))
        file.attrs["frames_per_second"] = 30
    raw = bytearray(path.read_bytes())
    raw[200:2200] = bytes(2000)  # zero the object headers
    path.write_bytes(bytes(raw))
    with pytest.raises(FileFormatError, match="trajectories.h5"):
        load_poses.from_idtracker_file(path)


def test_id_probabilities_of_the_wrong_type(tmp_path):
    path = tmp_path / "trajectories.npy"
    content = {"trajectories": np.zeros((3, 2, 2)), "id_probabilities": "not numbers"}
    np.save(path, np.array(content, dtype=object))
    with pytest.raises(FileFormatError, match="'id_probabilities' must be an array"):
        load_poses.from_idtracker_file(path)


def test_h5_links_are_not_followed(tmp_path):
    import h5py

    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as file:
        file["secret"] = np.zeros((3, 2, 2))
    path = tmp_path / "trajectories.h5"
    with h5py.File(path, "w") as file:
        file["trajectories"] = h5py.ExternalLink(str(other), "/secret")
        file.attrs["frames_per_second"] = 30
    with pytest.raises(FileFormatError, match="link"):
        load_poses.from_idtracker_file(path)


def test_h5_declaring_more_than_the_file_holds_is_refused(tmp_path):
    import h5py

    path = tmp_path / "trajectories.h5"
    with h5py.File(path, "w") as file:
        file.create_dataset("trajectories", shape=(2**31, 8, 2), dtype="f8", chunks=(1024, 8, 2))
        file.attrs["frames_per_second"] = 30
    with pytest.raises(FileFormatError, match="declares"):
        load_poses.from_idtracker_file(path)


def test_npy_header_that_does_not_tokenize_is_our_error(tmp_path):
    """Was tokenize.TokenError from numpy's header parser (a flipped byte in the header)."""
    good = tmp_path / "good.npy"
    np.save(good, np.zeros((3, 2)))
    data = bytearray(good.read_bytes())
    start = data.index(b"{")
    data[start + 1] = ord("(")  # an opening bracket that never closes
    bad = tmp_path / "trajectories.npy"
    bad.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match="not a valid .npy"):
        load_poses.from_idtracker_file(bad)
