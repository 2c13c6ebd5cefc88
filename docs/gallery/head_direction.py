"""Head direction: where the mouse faces, from its two ears, drawn over the real video frame.

``compute_forward_vector_angle`` turns the right-ear-to-left-ear vector by 90
degrees (a camera above the animal) and measures its angle from +x;
``compute_angular_velocity`` differentiates it without jumps at +-180 degrees.
A check: the forward vector should point from between the ears to the snout.
"""

import matplotlib.pyplot as plt
import numpy as np
from _common import save

from movement_like import filtering, kinematics, sample_data
from movement_like.video import VideoReader

ds = sample_data.fetch_dataset("openfield_mouse", with_video=True)
position = filtering.interpolate_over_time(
    filtering.filter_by_confidence(ds.position, ds.confidence, threshold=0.9)
).squeeze("individuals")
heading = kinematics.compute_forward_vector_angle(position, "leftear", "rightear", in_degrees=True)
turning = kinematics.compute_angular_velocity(heading, in_degrees=True)
forward = kinematics.compute_forward_vector(position, "leftear", "rightear")
ears = (position.sel(keypoints="leftear") + position.sel(keypoints="rightear")) / 2
to_snout = position.sel(keypoints="snout") - ears
cosine = (forward * to_snout).sum("space") / np.sqrt((to_snout**2).sum("space"))
share = float((cosine > 0.707).mean())
print(f"forward vector within 45 degrees of the snout on {share:.0%} of frames")

with VideoReader(ds.attrs["video_path"]) as reader:
    frame = reader.gray_frame(300)
fig, (ax_frame, ax_time, ax_turn) = plt.subplots(
    1, 3, figsize=(16, 4.8), layout="constrained", width_ratios=[1.3, 1.3, 1]
)
ax_frame.imshow(frame, cmap="gray")
every = slice(0, None, 30)
arrows = ax_frame.quiver(
    ears.sel(space="x").values[every],
    ears.sel(space="y").values[every],
    forward.sel(space="x").values[every],
    forward.sel(space="y").values[every],
    heading.values[every],
    cmap="twilight",
    angles="xy",
    scale=25,
    width=0.004,
)
fig.colorbar(arrows, ax=ax_frame, label="head direction (degrees)")
ax_frame.plot(
    *position.sel(keypoints="snout").isel(time=300).values,
    "o",
    color="yellow",
    label="snout on this frame",
)
ax_frame.set_title("Head direction every 1 s, over video frame 300", loc="left")
ax_frame.set_xlabel("x (pixels)")
ax_frame.set_ylabel("y (pixels)")
ax_frame.legend(fontsize="small")
ax_time.plot(heading["time"].values, heading.values, ".", markersize=1.5, color="#1f77b4")
ax_time.set_yticks([-180, -90, 0, 90, 180])
ax_time.set_xlabel("time (seconds)")
ax_time.set_ylabel("head direction (degrees from +x; +90 = down the frame)")
ax_time.set_title("Head direction over time", loc="left")
ax_turn.hist(
    turning.values[np.isfinite(turning.values)], bins=np.linspace(-720, 720, 73), color="#9467bd"
)
ax_turn.set_xlabel("angular velocity (degrees / second)")
ax_turn.set_ylabel("frames")
ax_turn.set_title("How fast the head turns", loc="left")
save(fig, "head_direction")
