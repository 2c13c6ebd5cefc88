"""movement 0.17's ``test_reports.py`` cases, on our ``report_nan_values``.

The case file asserts the report names the array and only the selected
individuals and keypoints. movement 0.17 names only those with missing
values (an array with none gets "No missing points ..."), so the cases assert
that, and compare our text with movement's own, character for character.
"""

from __future__ import annotations

import pytest

from movement_like.utils.reports import report_nan_values
from tests.analysis.movement_cases.datasets import DATASETS
from tests.analysis.movement_cases.peer import movement_answer
from tests.peers import needs_peer

ALL = [
    "valid_poses_dataset",
    "valid_bboxes_dataset",
    "valid_poses_dataset_with_nan",
    "valid_bboxes_dataset_with_nan",
]
#: case -> selection (as code, so movement's interpreter runs the same one), kept individuals
BY_INDIVIDUAL = {
    "all": ("ds.position", [0, 1]),
    "individual_0": ("ds.position.isel(individual=0)", [0]),
}
BY_KEYPOINT = {
    "all": ("ds.position", {"centroid", "left", "right"}, {"id_0", "id_1"}),
    "two_keypoints": (
        "ds.position.sel(keypoint=['centroid', 'left'])",
        {"centroid", "left"},
        {"id_0", "id_1"},
    ),
    "one_track": ("ds.position.sel(individual='id_0', keypoint='centroid')", set(), {"id_0"}),
}
POSES = ["valid_poses_dataset", "valid_poses_dataset_with_nan"]


def select(ds, selection: str):
    return eval(selection, {}, {"ds": ds})  # noqa: S307 - a fixed expression from this module


def with_nan(data, dim: str) -> set[str]:
    """Labels along ``dim`` with at least one missing point."""
    if dim not in data.dims:
        return set()
    missing = data.isnull().any([d for d in data.dims if d != dim])
    return {str(v) for v in data[dim].values[missing.values]}


@pytest.mark.parametrize("selection", list(BY_INDIVIDUAL))
@pytest.mark.parametrize("valid_dataset", ALL)
def test_report_nan_values_in_position_selecting_individual(valid_dataset, selection):
    """The report names the array, and of the individuals only selected ones with NaN."""
    ds = DATASETS[valid_dataset]()
    expression, indices = BY_INDIVIDUAL[selection]
    data = select(ds, expression)
    report = report_nan_values(data)
    assert data.name in report
    names = ds["individual"].values.tolist()
    chosen = {names[i] for i in indices}
    assert all(n in report for n in chosen & (with_nan(data, "individual") or set()))
    assert all(n not in report for n in set(names) - chosen)


@pytest.mark.parametrize("selection", list(BY_KEYPOINT))
@pytest.mark.parametrize("valid_dataset", POSES)
def test_report_nan_values_in_position_selecting_keypoint(valid_dataset, selection):
    """The report names only selected keypoints and individuals (a lone keypoint is not named)."""
    ds = DATASETS[valid_dataset]()
    expression, keypoints, individuals = BY_KEYPOINT[selection]
    data = select(ds, expression)
    report = report_nan_values(data)
    assert data.name in report
    assert all(k in report for k in keypoints & with_nan(data, "keypoint"))
    assert all(k not in report for k in set(ds["keypoint"].values.tolist()) - keypoints)
    assert all(i not in report for i in set(ds["individual"].values.tolist()) - individuals)


CASES = [(d, BY_INDIVIDUAL[s][0]) for d in ALL for s in BY_INDIVIDUAL] + [
    (d, BY_KEYPOINT[s][0]) for d in POSES for s in BY_KEYPOINT
]


@needs_peer("movement")
def test_reports_are_movements_text():
    """All 14 reports, character for character against movement 0.17's."""
    theirs = movement_answer(
        f"""
        from movement.utils.reports import report_nan_values
        answer = []
        for name, expression in {CASES!r}:
            ds = datasets.DATASETS[name]()
            answer.append(report_nan_values(eval(expression, {{}}, {{"ds": ds}})))
        """
    )
    ours = [report_nan_values(select(DATASETS[name](), expr)) for name, expr in CASES]
    assert ours == theirs
