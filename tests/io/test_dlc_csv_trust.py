"""DeepLabCut/LightningPose CSV: odd line ends, NUL bytes, huge numbers, missing columns."""

from __future__ import annotations

import numpy as np
import pytest

from movement_like.errors import FileFormatError, MovementLikeError
from movement_like.io import load_poses

HEADER = (
    "scorer,me,me,me,me,me,me\n"
    "bodyparts,nose,nose,nose,tail,tail,tail\n"
    "coords,x,y,likelihood,x,y,likelihood\n"
)
ROWS = "0,1.0,2.0,0.9,3.0,4.0,0.8\n1,1.5,2.5,0.7,3.5,4.5,0.6\n"


def _write(path, text):
    path.write_bytes(text.encode())
    return path


def test_cr_only_line_ends_are_read(tmp_path):
    normal = load_poses.from_dlc_file(_write(tmp_path / "a.csv", HEADER + ROWS))
    cr_only = load_poses.from_dlc_file(
        _write(tmp_path / "b.csv", (HEADER + ROWS).replace("\n", "\r"))
    )
    np.testing.assert_array_equal(cr_only.position.values, normal.position.values)
    np.testing.assert_array_equal(cr_only.confidence.values, normal.confidence.values)


def test_nul_byte_in_the_header_is_our_error(tmp_path):
    path = _write(tmp_path / "a.csv", HEADER.replace("nose,nose", "no\x00se,nose", 1) + ROWS)
    with pytest.raises(MovementLikeError):
        load_poses.from_dlc_file(path)


def test_nul_byte_in_a_quoted_header_cell_is_our_error(tmp_path):
    path = _write(tmp_path / "a.csv", HEADER.replace("nose,nose", '"no\x00se"x,nose', 1) + ROWS)
    with pytest.raises(MovementLikeError):
        load_poses.from_dlc_file(path)


def test_frame_number_beyond_int64_is_refused_not_wrapped(tmp_path):
    path = _write(tmp_path / "a.csv", HEADER + ROWS.replace("1,1.5", f"{2**63},1.5"))
    with pytest.raises(FileFormatError, match="too large"):
        load_poses.from_dlc_file(path)


def test_five_thousand_digit_cells_get_our_error_or_load(tmp_path):
    huge = "9" * 5000
    for i, text in enumerate(
        [
            HEADER + ROWS.replace("1,1.5", f"{huge},1.5"),
            HEADER + ROWS.replace("1.5,2.5", f"{huge},2.5"),
            HEADER + f"labeled-data/v/img{huge}.png,1,2,0.5,3,4,0.5\n",
        ]
    ):
        path = _write(tmp_path / f"{i}.csv", text)
        try:
            ds = load_poses.from_dlc_file(path)
        except MovementLikeError:
            continue
        assert "frame" not in ds.coords or ds.frame.values.dtype == np.int64


def test_labelled_image_with_overlong_digits_has_no_frame(tmp_path):
    path = _write(tmp_path / "a.csv", HEADER + f"labeled-data/v/img{'7' * 5000}.png,1,2,,3,4,\n")
    ds = load_poses.from_dlc_file(path)
    assert "frame" not in ds.coords
    assert ds.image_path.values[0].endswith(".png")


def test_missing_coordinate_column_names_bodypart_and_coordinate(tmp_path):
    header = (
        "scorer,me,me,me,me,me\n"
        "bodyparts,nose,nose,nose,tail,tail\n"
        "coords,x,y,likelihood,x,likelihood\n"
    )
    path = _write(tmp_path / "a.csv", header + "0,1,2,0.9,3,0.8\n")
    with pytest.raises(FileFormatError, match=r"bodypart 'tail' has no 'y' column"):
        load_poses.from_dlc_file(path)


def test_lightningpose_missing_coordinate_is_refused(tmp_path):
    header = (
        "scorer,heatmap_tracker,heatmap_tracker,heatmap_tracker,heatmap_tracker\n"
        "bodyparts,nose,nose,tail,tail\n"
        "coords,x,likelihood,x,y\n"
    )
    path = _write(tmp_path / "predictions.csv", header + "0,1,0.9,3,4\n")
    with pytest.raises(FileFormatError, match=r"bodypart 'nose' has no 'y' column"):
        load_poses.from_lp_file(path)


def test_an_image_name_longer_than_any_path_is_refused_before_allocating(tmp_path):
    """Was a 763 MiB string array: 1,000 rows × one 200,000-character image name."""
    rows = "".join(f"labeled-data/v/img{i:04d}.png,1,2,,3,4,\n" for i in range(1000))
    damaged = rows.replace("labeled-data/v/img0592.png", "x" * 200_000, 1)
    with pytest.raises(FileFormatError, match="200000 characters long"):
        load_poses.from_dlc_file(_write(tmp_path / "a.csv", HEADER + damaged))
    ds = load_poses.from_dlc_file(_write(tmp_path / "b.csv", HEADER + rows))
    assert ds.sizes["time"] == 1000
