"""Clean predictions: drop low-confidence points, fill short gaps, smooth.

On the real DeepLabCut open-field mouse: the likelihood histogram shows where
to cut, ``filter_by_confidence`` drops the points below the cut,
``interpolate_over_time`` fills gaps of up to ``max_gap`` frames and
``savgol_filter`` smooths what is left. Every step returns a new array and
records itself in the dataset's log.
"""

import matplotlib.pyplot as plt
import numpy as np
from _common import save

from movement_like import filtering, sample_data

ds = sample_data.fetch_dataset("openfield_mouse")
threshold = 0.99
confident = filtering.filter_by_confidence(ds.position, ds.confidence, threshold=threshold)
filled = filtering.interpolate_over_time(confident, max_gap=15)
smooth = filtering.savgol_filter(filled, window=7, polyorder=2)
dropped = int(confident.isnull().any("space").sum())
left = int(filled.isnull().any("space").sum())
print(f"dropped {dropped} points below likelihood {threshold}; {left} missing after filling")

fig, (ax_hist, ax_trace) = plt.subplots(
    1, 2, figsize=(14, 4.5), layout="constrained", width_ratios=[1, 2]
)
for keypoint in ds.keypoints.values:
    values = ds.confidence.sel(keypoints=keypoint).values.ravel()
    ax_hist.hist(values, bins=np.linspace(0.9, 1.0, 41), histtype="step", label=str(keypoint))
ax_hist.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold}")
ax_hist.set_yscale("log")
ax_hist.set_xlabel("DeepLabCut likelihood")
ax_hist.set_ylabel("frames (log scale)")
ax_hist.set_title("Likelihood of each keypoint", loc="left")
ax_hist.legend(fontsize="small")

dropped_per_keypoint = confident.isnull().any("space").sum("time").squeeze()
keypoint = str(dropped_per_keypoint.idxmax().values)  # the keypoint the filter hit most
raw = ds.position.sel(keypoints=keypoint, space="x").squeeze()
missing = confident.sel(keypoints=keypoint).isnull().any("space").squeeze().values
runs = np.convolve(missing, np.ones(5), mode="same")  # where dropped points cluster
centre = int(np.argmax(runs))
window = slice(max(0, centre - 40), centre + 40)
time = raw["time"].values[window]
ax_trace.plot(time, raw.values[window], ".-", color="#999999", linewidth=1, label="raw predictions")
removed = raw.where(confident.sel(keypoints=keypoint, space="x").squeeze().isnull())
ax_trace.plot(time, removed.values[window], "x", color="#d62728", label="removed (low likelihood)")
ax_trace.plot(
    time,
    filled.sel(keypoints=keypoint, space="x").squeeze().values[window],
    "--",
    color="#2ca02c",
    label="gaps interpolated",
)
ax_trace.plot(
    time,
    smooth.sel(keypoints=keypoint, space="x").squeeze().values[window],
    color="#1f77b4",
    label="Savitzky-Golay smoothed (7 frames)",
)
ax_trace.set_xlabel("time (seconds)")
ax_trace.set_ylabel(f"{keypoint} x (pixels)")
ax_trace.set_title(f"{keypoint}: each cleaning step, where the filter dropped most", loc="left")
ax_trace.legend(fontsize="small")
save(fig, "cleaning")
