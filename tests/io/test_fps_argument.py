"""Every loader checks ``fps`` the same way: ``True`` is not 1.0, nor is 0, -1, NaN or text."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

from movement_like.errors import ArgumentTypeError, InvalidArgumentError, MovementLikeError
from movement_like.io import load_bboxes, load_poses
from movement_like.utils.checks import check_fps

LOADERS = [
    (module.__name__.rsplit(".", 1)[-1], name, getattr(module, name))
    for module in (load_poses, load_bboxes)
    for name in module.__all__
    if name != "from_numpy" and "fps" in inspect.signature(getattr(module, name)).parameters
]

BAD = [
    (True, ArgumentTypeError),
    (False, ArgumentTypeError),
    (np.bool_(True), ArgumentTypeError),
    ("30", ArgumentTypeError),
    ([30], ArgumentTypeError),
    (0, InvalidArgumentError),
    (-30, InvalidArgumentError),
    (math.nan, InvalidArgumentError),
    (math.inf, InvalidArgumentError),
]


def test_every_loader_is_covered():
    names = {f"{m}.{n}" for m, n, _ in LOADERS}
    assert {"load_poses.from_file", "load_poses.from_dlc_file", "load_poses.from_nwb_file"} <= names
    assert {"load_bboxes.from_file", "load_bboxes.from_via_tracks_file"} <= names
    assert len(LOADERS) >= 12


@pytest.mark.parametrize(("fps", "error"), BAD, ids=[repr(v) for v, _ in BAD])
@pytest.mark.parametrize(
    "loader", [f for *_, f in LOADERS], ids=[f"{m}.{n}" for m, n, _ in LOADERS]
)
def test_bad_fps_is_refused_before_reading(tmp_path, loader, fps, error):
    missing = tmp_path / "never_opened.csv"
    with pytest.raises(error, match="fps must be a") as info:
        loader(missing, fps=fps)
    assert isinstance(info.value, MovementLikeError)


def test_good_fps_values():
    assert check_fps(None) is None
    assert check_fps(30) == 30.0 and isinstance(check_fps(30), float)
    assert check_fps(np.float32(29.97)) == pytest.approx(29.97)
    assert check_fps(np.array(25.0)) == 25.0
    with pytest.raises(InvalidArgumentError, match="--fps must be a positive"):
        check_fps(0, "--fps")


def test_fps_true_is_refused_by_a_real_reader(realdata):
    path = realdata / "via" / "sherlock_ep01_tracks_FRCNN.csv"
    with pytest.raises(ArgumentTypeError, match="got True"):
        load_bboxes.from_via_tracks_file(path, fps=True)
    assert load_bboxes.from_via_tracks_file(path, fps=30).attrs["fps"] == 30.0


def test_the_command_line_names_its_flag(capsys):
    from movement_like.cli import main

    assert main(["info", "never_opened.csv", "--fps", "0"]) == 2
    err = capsys.readouterr().err
    assert "--fps must be a positive finite number" in err and "leave out --fps" in err
