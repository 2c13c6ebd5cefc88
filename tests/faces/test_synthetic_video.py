"""The synthetic-video generator: deterministic, exact ground truth, every output kind."""

import cv2
import numpy as np
import pytest

from movement_like.errors import OverwriteError
from movement_like.sample_data.synthetic import (
    SyntheticMotion,
    make_synthetic_video,
    synthetic_frames,
)
from tests.optical_flow import reference


def _read_gray(path):
    return np.array(reference.load_gray(path))


def test_same_seed_same_video_and_truth(tmp_path):
    a = make_synthetic_video(tmp_path / "a.mkv", n_frames=6, size=(64, 48), n_points=3, seed=4)
    b = make_synthetic_video(tmp_path / "b.mkv", n_frames=6, size=(64, 48), n_points=3, seed=4)
    c = make_synthetic_video(tmp_path / "c.mkv", n_frames=6, size=(64, 48), n_points=3, seed=5)
    np.testing.assert_array_equal(a.positions, b.positions)
    np.testing.assert_array_equal(_read_gray(a.path), _read_gray(b.path))
    assert not np.array_equal(_read_gray(a.path), _read_gray(c.path))
    assert a.positions.shape == (6, 3, 2)


def test_lossless_container_holds_exactly_the_rendered_frames(tmp_path):
    video = make_synthetic_video(tmp_path / "v.mkv", n_frames=5, size=(48, 32), noise=3.0, seed=2)
    rendered = np.array(list(synthetic_frames(5, (48, 32), motion=video.motion, noise=3.0, seed=2)))
    np.testing.assert_array_equal(_read_gray(video.path), rendered)
    noiseless = np.array(list(synthetic_frames(5, (48, 32), motion=video.motion, seed=2)))
    assert 1.5 < np.std(rendered.astype(float) - noiseless) < 4.5


def test_png_folder(tmp_path):
    video = make_synthetic_video(tmp_path / "frames", n_frames=4, size=(40, 30), seed=0)
    names = sorted(p.name for p in video.path.iterdir())
    assert names == [f"frame_{i:06d}.png" for i in range(4)]
    with pytest.raises(OverwriteError):
        make_synthetic_video(tmp_path / "frames", n_frames=4, size=(40, 30))


def test_truth_solves_the_warp_equation():
    rng = np.random.default_rng(0)
    motion = SyntheticMotion.random((320, 240), amplitude=10, period=60, deformation=4, rng=rng)
    q = np.array([[100.3, 80.7], [200.1, 150.2]])
    p = motion.track(q, 50)
    residual = p - q[None] - motion.displacement(p, np.arange(50))
    assert np.max(np.abs(residual)) < 1e-8
    np.testing.assert_allclose(p[0], q + motion.displacement(p[:1], np.arange(1))[0])


def test_rendered_texture_moves_with_the_truth(tmp_path):
    # the patch around a true position matches across frames far better than a
    # patch 1.5 px away from it does
    video = make_synthetic_video(tmp_path / "v.mkv", n_frames=30, size=(160, 120), n_points=2)
    frames = _read_gray(video.path).astype(np.float32)

    def patch(t, xy):
        return cv2.getRectSubPix(frames[t], (9, 9), (float(xy[0]), float(xy[1])))

    for point in range(2):
        base = patch(0, video.positions[0, point])
        for t in (15, 29):
            true_pos = video.positions[t, point]
            match = np.abs(patch(t, true_pos) - base).mean()
            miss = np.abs(patch(t, true_pos + [1.5, 0]) - base).mean()
            assert match < 0.3 * miss


def test_old_optical_flow_names_still_work_and_warn():
    import importlib

    import movement_like.optical_flow as optical_flow
    from movement_like.sample_data import synthetic

    with pytest.warns(FutureWarning, match="use movement_like.sample_data.synthetic"):
        assert optical_flow.make_synthetic_video is synthetic.make_synthetic_video
    with pytest.warns(FutureWarning, match="optical_flow.synthetic is deprecated"):
        old = importlib.reload(importlib.import_module("movement_like.optical_flow.synthetic"))
    assert old.SyntheticMotion is synthetic.SyntheticMotion
    with pytest.raises(AttributeError):
        optical_flow.no_such_name  # noqa: B018
