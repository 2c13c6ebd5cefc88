"""movement 0.17's ``test_plots/test_trajectory.py`` and ``test_occupancy.py`` cases, on ours."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import xarray as xr  # noqa: E402

from movement_like.plots import plot_centroid_trajectory, plot_occupancy  # noqa: E402

KEYPOINTS = ["left", "centre", "right", "snout", "tail"]
#: x offset and y offset (from the frame number) of each keypoint of the cross-shaped mouse
CROSS = {"left": (-1, 0), "centre": (0, 0), "right": (1, 0), "snout": (0, 1), "tail": (0, -1)}


def one_individual() -> xr.DataArray:
    """A cross-shaped mouse centred on the origin, stepping 1 along +y for 4 frames."""
    steps = np.arange(4, dtype=float)
    data = np.zeros((4, 2, 5, 1))
    for k, name in enumerate(KEYPOINTS):
        dx, dy = CROSS[name]
        data[:, 0, k, 0] = dx
        data[:, 1, k, 0] = steps + dy
    return xr.DataArray(
        data,
        name="position",
        dims=("time", "space", "keypoint", "individual"),
        coords={
            "time": np.arange(4),
            "space": ["x", "y"],
            "keypoint": KEYPOINTS,
            "individual": ["id_0"],
        },
    )


def two_individuals() -> xr.DataArray:
    """id_0 as above; id_1 its mirror image in y (walking along -y)."""
    first = one_individual()
    second = first.copy()
    second.loc[{"space": "y"}] = -first.sel(space="y")
    return xr.concat([first, second.assign_coords(individual=["id_1"])], "individual")


def offsets(ax) -> np.ndarray:
    return np.asarray(ax.collections[0].get_offsets())


UP = np.array([[0, 0], [0, 1], [0, 2], [0, 3]], dtype=float)
TRAJECTORY = {
    "left-right + image": (True, {"keypoints": ["left", "right"]}, UP),
    "snout-tail": (False, {"keypoints": ["snout", "tail"]}, UP),
    "centre": (False, {"keypoints": "centre"}, UP),
    "no specified keypoints or individuals": (False, {}, UP),
    "only individual specified": (False, {"individual": "id_0"}, UP),
    "centre-snout": (False, {"keypoints": ["centre", "snout"]}, UP + [0, 0.5]),
    "centre-snout + image": (True, {"keypoints": ["centre", "snout"]}, UP + [0, 0.5]),
}


@pytest.mark.parametrize("case", list(TRAJECTORY))
def test_trajectory_plot(case):
    """The scatter holds the mean of the chosen keypoints at each frame."""
    image, selection, expected = TRAJECTORY[case]
    fig, ax = plt.subplots()
    if image:
        ax.imshow(np.zeros((10, 10)))
    _, ax = plot_centroid_trajectory(one_individual(), ax=ax, **selection)
    np.testing.assert_array_almost_equal(offsets(ax), expected)
    plt.close(fig)


@pytest.mark.parametrize(
    "selection",
    [{"keypoint": "centre"}, {"individual": "id_0"}, {"keypoint": "centre", "individual": "id_0"}],
    ids=["no_keypoints", "no_individuals", "only_time_space"],
)
def test_trajectory_dropped_dim(selection):
    """Without a keypoint and/or individual dim the data still plots."""
    fig, ax = plot_centroid_trajectory(two_individuals().sel(**selection).squeeze())
    np.testing.assert_array_almost_equal(offsets(ax), UP)
    plt.close(fig)


CROSSES = {
    "default": ({}, UP),
    "id_0": ({"individual": "id_0"}, UP),
    "snout-tail": ({"keypoints": ["snout", "tail"]}, UP),
    "tail id_0": ({"individual": "id_0", "keypoints": ["tail"]}, UP - [0, 1]),
    "tail id_1": ({"individual": "id_1", "keypoints": ["tail"]}, -UP + [0, 1]),
}


@pytest.mark.parametrize("case", list(CROSSES))
def test_trajectory_two_crosses(case):
    """With two individuals the first is plotted unless one is chosen."""
    selection, expected = CROSSES[case]
    fig, ax = plot_centroid_trajectory(two_individuals(), **selection)
    np.testing.assert_array_almost_equal(offsets(ax), expected)
    plt.close(fig)


def test_trajectory_multiple_individuals():
    with pytest.raises(ValueError, match="Only one individual can be selected."):
        plot_centroid_trajectory(two_individuals(), individual=["id_0", "id_1"])


def occupancy_data() -> xr.DataArray:
    """Four individuals, three keypoints; individuals 0-2 equal, 3 shifted by (1, 0).

    left walks (0, 4) -> (4, 0), right = left + (1, 1), centre their mean.
    """
    left = np.array([[0.0, 4.0], [1.0, 3.0], [2.0, 2.0], [3.0, 1.0], [4.0, 0.0]])
    kps = np.stack([left, left + 1.0, left + 0.5], axis=-1)
    data = np.repeat(kps[..., None], 4, axis=-1)
    data[:, 0, :, 3] += 1.0
    return xr.DataArray(
        data,
        dims=("time", "space", "keypoint", "individual"),
        coords={
            "space": ["x", "y"],
            "keypoint": ["left", "right", "centre"],
            "individual": [0, 1, 2, 3],
        },
    )


def occupancy_data_with_nans() -> xr.DataArray:
    """Individual 0 misses one left x, individual 1 one centre, individual 2 its whole right."""
    data = occupancy_data().copy(deep=True)
    data.loc[0, "x", "left", 0] = np.nan
    data.loc[0, :, "centre", 1] = np.nan
    data.loc[:, :, "right", 2] = np.nan
    return data


def anti(values) -> np.ndarray:
    return np.fliplr(np.diag(values))


UNIT = [list(range(6)), list(range(6))]
SHIFTED = 3 * np.vstack([anti([1] * 5), np.zeros((1, 5))]) + np.vstack(
    [np.zeros((1, 5)), anti([1] * 5)]
)
OCCUPANCY = {
    "Keypoints: default centroid": (
        occupancy_data,
        {"individuals": 0, "bins": UNIT},
        anti([1] * 5),
        {},
    ),
    "Keypoints: selection centroid": (
        occupancy_data,
        {"keypoints": ["left", "right"], "individuals": 0, "bins": UNIT},
        anti([1] * 5),
        {},
    ),
    "Keypoints: Handle not a dimension": (
        occupancy_data,
        {"individuals": [0, 1, 2], "bins": UNIT, "keypoints": ["left", "right"]},
        3 * anti([1] * 5),
        {"keypoint": "centre"},
    ),
    "Individuals: default aggregate": (
        occupancy_data,
        {"keypoints": "centre", "bins": [list(range(7)), list(range(6))]},
        SHIFTED,
        {},
    ),
    "Individuals: selection aggregate": (
        occupancy_data,
        {"individuals": [0, 1, 2], "bins": UNIT},
        3 * anti([1] * 5),
        {},
    ),
    "Individuals: Handle not a dimension": (
        occupancy_data,
        {"keypoints": ["left", "right"], "bins": UNIT, "individuals": [0, 2]},
        anti([1] * 5),
        {"individual": 0},
    ),
    "Sub-selection: mean THEN aggregate": (
        occupancy_data,
        {"keypoints": ["left", "right"], "individuals": [0, 2], "ax": "new", "bins": UNIT},
        2 * anti([1] * 5),
        {},
    ),
    "NaNs: coord does not contribute": (
        occupancy_data_with_nans,
        {"keypoints": "centre", "individuals": 1, "bins": UNIT},
        anti([0, 1, 1, 1, 1]),
        {},
    ),
    "NaNs: average of valid keypoints still works": (
        occupancy_data_with_nans,
        {"keypoints": ["left", "right"], "individuals": 1, "bins": UNIT},
        anti([1] * 5),
        {},
    ),
    "NaNs: no valid points": (
        occupancy_data_with_nans,
        {"keypoints": "right", "individuals": 2, "bins": UNIT},
        np.zeros((5, 5)),
        {},
    ),
    "NaNs: aggregate can ignore NaNs": (
        occupancy_data_with_nans,
        {"individuals": [0, 1, 2], "bins": UNIT},
        3 * anti([1] * 5),
        {},
    ),
}


@pytest.mark.parametrize("case", list(OCCUPANCY))
def test_keypoints_and_individuals_behaviour(case):
    """Keypoints are averaged first, individuals then summed; NaN points count nowhere."""
    build, kwargs, expected, preselect = OCCUPANCY[case]
    data = build()
    if preselect:
        data = data.sel(preselect)
    if kwargs.get("ax") == "new":
        kwargs = kwargs | {"ax": plt.subplots()[1]}
    fig, _, hist = plot_occupancy(data, **kwargs)
    plt.close("all")
    np.testing.assert_allclose(hist["h"], expected)
