"""The optical-flow workflow on a real video: fill a gap with LK-RSTC, then reduce jitter.

To see how well optical flow fills a gap, hide 30 frames of the mouse's
tailbase where DeepLabCut was confident, fill them back by tracking the real
video (``fill_gaps_optical_flow``, forward and backward Lucas-Kanade blended by
the RSTC weights), and compare with the hidden predictions and with a straight
line (``interpolate_over_time``). Then ``reduce_jitter`` (DUSTrack's
``lkmovavg``) smooths every point with a motion-compensated moving average.
Only the first 20 seconds are used, to keep the script quick.
"""

import matplotlib.pyplot as plt
import numpy as np
from _common import save

from movement_like import filtering, sample_data
from movement_like.optical_flow import fill_gaps_optical_flow, reduce_jitter

ds = sample_data.fetch_dataset("openfield_mouse", with_video=True).isel(time=slice(0, 600))
video = ds.attrs["video_path"]
truth = ds.position.squeeze("individuals", drop=True)
keypoint, hidden = "tailbase", slice(300, 330)
gappy = truth.copy()
gappy.loc[{"keypoints": keypoint}] = truth.sel(keypoints=keypoint).where(
    ~truth["frame"].isin(np.arange(hidden.start, hidden.stop))
)
lk = fill_gaps_optical_flow(gappy, video, progress=False).drop_vars("lk_filled", errors="ignore")
line = filtering.interpolate_over_time(gappy)


def error(filled):
    part = (filled - truth).sel(keypoints=keypoint).isel(time=hidden)
    return np.sqrt((part**2).sum("space")).values


print(
    f"gap of {hidden.stop - hidden.start} frames: "
    f"median error LK-RSTC {np.median(error(lk)):.1f} px, "
    f"straight line {np.median(error(line)):.1f} px"
)
smooth = reduce_jitter(lk, video, window=0.3, progress=False)
wobble = {
    name: float(np.nanmedian(np.sqrt((data.diff("time", n=2) ** 2).sum("space"))))
    for name, data in (("before", lk), ("after", smooth))
}
print(f"jitter (median 2nd difference): {wobble['before']:.2f} px -> {wobble['after']:.2f} px")

fig, (ax_xy, ax_err, ax_jit) = plt.subplots(1, 3, figsize=(16, 4.6), layout="constrained")
around = slice(hidden.start - 30, hidden.stop + 30)
for data, label, style in (
    (truth, "DeepLabCut (hidden in the gap)", {"color": "#999999", "linewidth": 3}),
    (line, "straight-line interpolation", {"color": "#ff7f0e", "linestyle": "--"}),
    (lk, "optical flow (LK-RSTC) on the video", {"color": "#2ca02c"}),
):
    xy = data.sel(keypoints=keypoint).isel(time=around)
    ax_xy.plot(xy.sel(space="x"), xy.sel(space="y"), label=label, **style)
ax_xy.invert_yaxis()
ax_xy.set_xlabel("x (pixels)")
ax_xy.set_ylabel("y (pixels)")
ax_xy.set_title(f"{keypoint} through a 30-frame gap", loc="left")
ax_xy.legend(fontsize="small")
frames = np.arange(hidden.start, hidden.stop)
ax_err.plot(frames, error(line), "--", color="#ff7f0e", label="straight line")
ax_err.plot(frames, error(lk), color="#2ca02c", label="LK-RSTC")
ax_err.set_xlabel("video frame")
ax_err.set_ylabel("distance to the hidden prediction (pixels)")
ax_err.set_title("Error inside the gap", loc="left")
ax_err.legend(fontsize="small")
time = lk["time"].values[:150]
ax_jit.plot(
    time, lk.sel(keypoints="snout", space="x").values[:150], color="#999999", label="before"
)
ax_jit.plot(
    time,
    smooth.sel(keypoints="snout", space="x").values[:150],
    color="#1f77b4",
    label="after reduce_jitter (0.3 s)",
)
ax_jit.set_xlabel("time (seconds)")
ax_jit.set_ylabel("snout x (pixels)")
ax_jit.set_title("Jitter reduction by optical flow, first 5 s", loc="left")
ax_jit.legend(fontsize="small")
save(fig, "optical_flow_workflow")
