"""Kinematics: speed, acceleration, distance travelled, and the distance between two animals.

The mouse's body centre (mean of its four keypoints, cleaned) gives speed,
acceleration and the cumulative path; on the SLEAP flies,
``compute_pairwise_distances`` gives the thorax-to-thorax distance of the two
flies frame by frame. Units follow the data: pixels, seconds.
"""

import matplotlib.pyplot as plt
import numpy as np
from _common import save

from movement_like import filtering, kinematics, sample_data

mouse = sample_data.fetch_dataset("openfield_mouse")
clean = filtering.savgol_filter(
    filtering.interpolate_over_time(
        filtering.filter_by_confidence(mouse.position, mouse.confidence, threshold=0.9)
    ),
    window=7,
)
body = clean.mean("keypoints").squeeze("individuals")
speed = kinematics.compute_speed(body)
acceleration = np.sqrt((kinematics.compute_acceleration(body) ** 2).sum("space"))
step = np.sqrt((body.diff("time") ** 2).sum("space"))
travelled = np.concatenate([[0.0], np.nancumsum(step.values)])
print(f"mouse: mean speed {float(speed.mean()):.1f} px/s, path {travelled[-1]:.0f} px")

flies = sample_data.fetch_dataset("centered_pair_flies")
two = flies.position.isel(individuals=[0, 1]).sel(keypoints="thorax")
distance = kinematics.compute_pairwise_distances(two.expand_dims(keypoints=["thorax"]))
distance = distance.squeeze(drop=True)
print(f"flies: median thorax distance {float(distance.median()):.1f} px")

fig, axes = plt.subplots(1, 3, figsize=(16, 4.5), layout="constrained")
time = speed["time"].values
axes[0].plot(time, speed.values, color="#1f77b4", linewidth=0.7, label="speed")
axes[0].set_ylabel("speed (pixels / second)", color="#1f77b4")
twin = axes[0].twinx()
twin.plot(time, acceleration.values, color="#ff7f0e", linewidth=0.5, alpha=0.6)
twin.set_ylabel("acceleration (pixels / second²)", color="#ff7f0e")
axes[0].set_xlabel("time (seconds)")
axes[0].set_title("Mouse body centre: speed and acceleration", loc="left")
axes[1].plot(time, travelled, color="#2ca02c")
axes[1].set_xlabel("time (seconds)")
axes[1].set_ylabel("distance travelled (pixels)")
axes[1].set_title("Mouse body centre: cumulative path length", loc="left")
axes[2].plot(distance["time"].values, distance.values, color="#9467bd", linewidth=0.8)
axes[2].set_xlabel("time (seconds)")
axes[2].set_ylabel("thorax-to-thorax distance (pixels)")
axes[2].set_title("SLEAP flies: distance between the two flies", loc="left")
save(fig, "kinematics")
