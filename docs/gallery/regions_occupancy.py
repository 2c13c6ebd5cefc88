"""Regions and occupancy: eight fish, their arena border from idtracker.ai, and a centre zone.

``regions_from_setup_points`` makes the arena polygon from the border that
idtracker.ai's validator stored in the file; the centre zone is that polygon
shrunk to half its size. Over these 18 seconds the fish keep to the upper
half of the tank, so the centre sees few visits. ``compute_region_occupancy``
says, per frame and fish, which region the fish is in; ``compute_time_in_region`` and
``compute_number_of_visits`` sum it up per fish.
"""

import matplotlib.pyplot as plt
import numpy as np
import shapely
from _common import save

from movement_like import roi, sample_data

fish = sample_data.fetch_dataset("eight_fish_idtrackerai")
(border,) = [r for r in roi.regions_from_setup_points(fish) if r.name == "border"]
arena = roi.PolygonOfInterest(list(border.region.exterior.coords), name="arena")
half = shapely.affinity.scale(arena.region, 0.5, 0.5, origin="centroid")
centre = roi.PolygonOfInterest(list(half.exterior.coords), name="centre")
position = fish.position.squeeze("keypoints", drop=True)

occupancy = roi.compute_region_occupancy(position, [arena, centre])
seconds = roi.compute_time_in_region(position, [centre])
visits = roi.compute_number_of_visits(position, [centre])
for name, s, v in zip(
    fish.individuals.values, seconds.values.ravel(), visits.values.ravel(), strict=True
):
    print(f"{name}: {s:.1f} s in the centre over {int(v)} visits")

fig, (ax_map, ax_bar) = plt.subplots(
    1, 2, figsize=(14, 5.5), layout="constrained", width_ratios=[1.2, 1]
)
xy = position.transpose("time", "individuals", "space").values.reshape(-1, 2)
xy = xy[np.isfinite(xy).all(axis=1)]
counts, xe, ye, image = ax_map.hist2d(xy[:, 0], xy[:, 1], bins=60, cmap="magma", cmin=1)
fig.colorbar(image, ax=ax_map, label="frames x fish in each bin")
roi.draw_regions(ax_map, [arena, centre], colors=["#00bfff", "#ffd92f"], labels=False)
ax_map.plot([], [], color="#00bfff", label="arena border (idtracker.ai setup points)")
ax_map.plot([], [], color="#ffd92f", label="centre zone (border shrunk to half size)")
ax_map.legend(fontsize="small", loc="lower left")
ax_map.invert_yaxis()
ax_map.set_aspect("equal")
ax_map.set_xlabel("x (pixels)")
ax_map.set_ylabel("y (pixels)")
ax_map.set_title("Where the eight fish were, with the arena border and its centre", loc="left")
names = [str(n) for n in fish.individuals.values]
share = 100 * occupancy.sel(region="centre").mean("time").values
ax_bar.bar(names, share, color="#ffd92f", edgecolor="black")
ax_bar.set_ylabel("share of frames in the centre zone (%)")
ax_bar.set_xlabel("fish (idtracker.ai identity)")
ax_bar.set_title("Time in the centre, per fish", loc="left")
save(fig, "regions_occupancy")
