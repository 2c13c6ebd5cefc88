"""movement's plots (centroid trajectory, occupancy) and regions drawn over plots and video frames.

Figures are checked by what they hold: the scatter's points are the centroids the
data gives, the histogram counts every finite point once, region outlines sit at
the regions' vertices, and the rendered image is not blank.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.image import AxesImage
from matplotlib.patches import PathPatch

from movement_like import plots
from movement_like.dataset import poses_from_numpy
from movement_like.io.movement_compat import to_movement
from movement_like.roi import LineOfInterest, PolygonOfInterest

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"
VIDEO = REAL / "videos" / "m3v1mp4.mp4"
DLC = REAL / "deeplabcut" / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"


@pytest.fixture
def ds() -> xr.Dataset:
    rng = np.random.default_rng(1)
    position = rng.uniform(0, 100, (50, 2, 3, 2))
    position[5, 0, 0] = np.nan  # one keypoint missing: the centroid uses the other two
    position[7, 0] = np.nan  # all missing: no centroid
    return poses_from_numpy(
        position, individual_names=["a", "b"], keypoint_names=["nose", "ear", "tail"], fps=10
    )


@pytest.fixture
def square() -> PolygonOfInterest:
    return PolygonOfInterest([(20, 20), (80, 20), (80, 80), (20, 80)], name="centre")


def rendered(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3]


def not_blank(fig) -> bool:
    image = rendered(fig).astype(float)
    return image.std() > 5 and len(np.unique(image.reshape(-1, 3), axis=0)) > 20


# --------------------------------------------------------------------------- #
# plot_centroid_trajectory
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("names", ["movement", "ours"])
def test_centroid_trajectory_points_are_the_centroids(ds, names):
    da = to_movement(ds).position if names == "movement" else ds.position
    fig, ax = plots.plot_centroid_trajectory(da)
    (scatter,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    expected = ds.position.sel(individuals="a").mean("keypoints", skipna=True).values
    np.testing.assert_allclose(np.asarray(scatter.get_offsets().filled(np.nan)), expected)
    np.testing.assert_allclose(scatter.get_array(), ds.time.values)  # coloured by time
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "Time"  # the colour bar
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Trajectory", "x", "y")
    assert not_blank(fig)


def test_centroid_trajectory_choices(ds):
    da = to_movement(ds).position
    fig, ax = plots.plot_centroid_trajectory(da, individual="b", keypoints="tail", c="red")
    offsets = ax.collections[0].get_offsets()
    np.testing.assert_allclose(offsets, ds.position.sel(individuals="b", keypoints="tail").values)
    assert len(fig.axes) == 1  # a colour given: no colour bar
    _, ax2 = plots.plot_centroid_trajectory(da, keypoints=["nose", "ear"], s=3)
    expected = ds.position.sel(individuals="a", keypoints=["nose", "ear"]).mean("keypoints")
    np.testing.assert_allclose(ax2.collections[0].get_offsets().filled(np.nan), expected.values)
    with pytest.raises(ValueError, match="Only one individual"):
        plots.plot_centroid_trajectory(da, individual=["a", "b"])


def test_centroid_trajectory_on_given_axes_with_regions(ds, square):
    fig, ax = plots.new_figure()
    fig2, ax2 = plots.plot_centroid_trajectory(ds.position, ax=ax, regions=[square])
    assert fig2 is fig and ax2 is ax
    (patch,) = [p for p in ax.patches if isinstance(p, PathPatch)]
    np.testing.assert_allclose(
        np.unique(patch.get_path().vertices[:-1], axis=0), [[20, 20], [20, 80], [80, 20], [80, 80]]
    )
    assert "centre" in [t.get_text() for t in ax.texts]


def test_extra_dims_must_be_selected(ds):
    layered = xr.concat([ds.position, ds.position + 1], dim="layers")
    with pytest.raises(ValueError, match=r"da.sel\(layers=...\)"):
        plots.plot_centroid_trajectory(layered)
    with pytest.raises(ValueError, match="layers"):
        plots.plot_occupancy(layered)


# --------------------------------------------------------------------------- #
# plot_occupancy
# --------------------------------------------------------------------------- #
def test_occupancy_counts_every_finite_centroid(ds):
    da = to_movement(ds).position
    fig, ax, info = plots.plot_occupancy(da)
    assert set(info) == {"h", "xedges", "yedges"}
    centroids = ds.position.mean("keypoints", skipna=True)
    finite = np.isfinite(centroids).all("space")
    assert info["h"].sum() == int(finite.sum()) == 99  # 2 x 50, minus the empty frame
    x = centroids.sel(space="x").values[finite.values]
    y = centroids.sel(space="y").values[finite.values]
    h, _, _ = np.histogram2d(x, y, bins=[info["xedges"], info["yedges"]])
    np.testing.assert_array_equal(info["h"], h)
    assert info["h"].shape == (30, 30)  # movement's default bins
    assert [c for c in ax.get_children() if isinstance(c, QuadMesh)]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")
    assert len(fig.axes) == 2  # the colour bar
    assert not_blank(fig)


def test_occupancy_selection_and_kwargs(ds):
    da = to_movement(ds).position
    _, _, one = plots.plot_occupancy(da, individuals="b", keypoints="nose", bins=[10, 5])
    assert one["h"].shape == (10, 5) and one["h"].sum() == 50
    _, _, both = plots.plot_occupancy(ds.position, individuals=["a", "b"], keypoints=["nose"])
    assert both["h"].sum() == 50 + 48  # a's nose is missing at frames 5 and 7
    fig, ax = plots.new_figure()
    fig2, ax2, _ = plots.plot_occupancy(ds.position, ax=ax, cmin=1)
    assert fig2 is fig and ax2 is ax


def test_occupancy_region_outlines_have_no_fill(ds, square):
    ring = LineOfInterest([(10, 10), (90, 10), (90, 90)], name="wall")
    fig, ax, _ = plots.plot_occupancy(ds.position, regions=[square, ring])
    (patch,) = [p for p in ax.patches if isinstance(p, PathPatch)]
    assert patch.get_facecolor()[3] == 0.0 and patch.get_edgecolor()[3] > 0
    wall = [line for line in ax.lines if line.get_label() == "wall"]
    assert wall and np.allclose(np.column_stack(wall[0].get_data()), [(10, 10), (90, 10), (90, 90)])


@settings(max_examples=15, deadline=None)
@given(
    n_time=st.integers(1, 30),
    n_ind=st.integers(1, 3),
    missing=st.floats(0, 0.9),
    seed=st.integers(0, 1000),
)
def test_occupancy_total_is_the_number_of_finite_points(n_time, n_ind, missing, seed):
    rng = np.random.default_rng(seed)
    position = rng.uniform(0, 10, (n_time, n_ind, 1, 2))
    position[rng.uniform(size=(n_time, n_ind)) < missing] = np.nan
    ds = poses_from_numpy(position)
    fig, _, info = plots.plot_occupancy(to_movement(ds).position, bins=4)
    assert info["h"].sum() == np.isfinite(position[..., 0]).sum()
    del fig


# --------------------------------------------------------------------------- #
# regions over plot_trajectory and over a video frame
# --------------------------------------------------------------------------- #
def test_plot_trajectory_draws_regions(ds, square):
    fig = plots.plot_trajectory(ds.position, regions=square)
    ax = fig.axes[0]
    assert [p for p in ax.patches if isinstance(p, PathPatch)]
    assert "centre" in [t.get_text() for t in ax.texts]
    # movement's dim names work on the older plots too
    fig2 = plots.plot_trajectory(to_movement(ds).position, keypoints="nose")
    np.testing.assert_allclose(
        np.column_stack(fig2.axes[0].lines[0].get_data()),
        ds.position.sel(individuals="a", keypoints="nose").values,
    )


def test_plot_frame_on_an_array(ds, square):
    image = np.tile(np.linspace(0, 255, 120, dtype=np.uint8), (100, 1))
    with_frame = ds.assign_coords(frame=("time", np.arange(100, 150)))
    fig, ax = plots.plot_frame(image, 120, with_frame, regions=[square], trail=5)
    (shown,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    np.testing.assert_array_equal(shown.get_array(), image)
    points = {line.get_label(): np.column_stack(line.get_data()) for line in ax.lines}
    expected = ds.position.isel(time=20).sel(individuals="b", keypoints="ear").values
    np.testing.assert_allclose(points["b / ear"][0], expected)
    trails = [line for line in ax.lines if line.get_label().startswith("_")]
    assert len(trails) == 2 and len(trails[0].get_xdata()) == 6
    assert ax.get_ylim() == (99.5, -0.5)  # image coordinates, y down
    assert [p for p in ax.patches if isinstance(p, PathPatch)]
    assert not_blank(fig)
    with pytest.raises(ValueError, match="no time point at frame 7"):
        plots.plot_frame(image, 7, with_frame)


@pytest.mark.skipif(not (VIDEO.is_file() and DLC.is_file()), reason="real video not present")
def test_plot_frame_on_the_real_video_with_its_predictions():
    pytest.importorskip("cv2")
    from movement_like.io import load_poses

    poses = load_poses.from_dlc_file(DLC)
    frame = 500
    gray = plots.read_video_frame(VIDEO, frame)
    height, width = gray.shape
    arena = PolygonOfInterest(
        [(0.1 * width, 0.1 * height), (0.9 * width, 0.1 * height), (0.9 * width, 0.9 * height)],
        name="arena",
    )
    fig, ax = plots.plot_frame(VIDEO, frame, poses, regions=arena, keypoints=["snout", "tailbase"])
    (shown,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    np.testing.assert_array_equal(shown.get_array(), gray)
    snout = [line for line in ax.lines if line.get_label() == "snout"]
    np.testing.assert_allclose(
        np.column_stack(snout[0].get_data())[0],
        poses.position.isel(time=frame).sel(keypoints="snout").squeeze().values,
    )
    # the snout is drawn inside the frame, where the animal is
    x, y = snout[0].get_data()
    assert 0 <= x[0] < width and 0 <= y[0] < height
    assert [p for p in ax.patches if isinstance(p, PathPatch)]
    assert not_blank(fig)
