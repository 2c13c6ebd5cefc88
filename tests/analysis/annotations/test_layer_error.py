"""Layer against layer: distance and RMSE on shared frames."""

from __future__ import annotations

import numpy as np

from movement_like import annotations as an
from tests.analysis.annotations.helpers import layer


def test_inter_layer_error_on_shared_frames():
    manual = layer(
        {(1, "a", "0"): (0, 0), (3, "a", "0"): (0, 0), (3, "a", "1"): (1, 1)}, n_frames=4
    )
    dlc = layer({(f, "a", k): (3, 4) for f in range(6) for k in "01"}, n_frames=6)
    err = an.inter_layer_error(manual, dlc)
    assert err["distance"].sel(individuals="a", keypoints="0").values.tolist()[1] == 5.0
    assert np.isnan(err["distance"].sel(individuals="a", keypoints="0").values[0])
    assert err["frame"].values.tolist() == [0, 1, 2, 3]  # inner join on frames
    assert err["n_shared"].sel(individuals="a").values.tolist() == [2, 1]
    expected_k1 = np.hypot(2, 3)
    np.testing.assert_allclose(err["rmse"].sel(individuals="a").values, [5.0, expected_k1])
    np.testing.assert_allclose(err["rmse_overall"].item(), np.sqrt((25 + 25 + expected_k1**2) / 3))
