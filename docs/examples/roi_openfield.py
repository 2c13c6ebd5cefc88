"""Centre versus periphery of an open field, on a real DeepLabCut mouse and its video.

The arena is found on the video (the bright floor of the box, with the mouse
removed by a median over frames), the centre is the middle quarter of the
floor, and the mouse's body centre (the centroid of its four keypoints) gives
entries, time in the centre, latency and distance to the walls. The regions are
stored in the dataset and saved with it (``openfield_with_regions.nc`` and
``openfield_regions.geojson`` in the current folder). The figure,
``roi_openfield.png``, goes to the folder given as the first argument (default:
the current folder; the docs' copy is made with ``docs/images``).

Real data: ``../shared/realdata`` beside the checkout (or ``$MOVEMENT_LIKE_REALDATA``).
"""

import os
import sys
from pathlib import Path

import numpy as np

from movement_like import roi
from movement_like.io import load_netcdf, load_poses, save_netcdf
from movement_like.optical_flow import VideoReader
from movement_like.roi import save_rois

REALDATA = Path(
    os.environ.get(
        "MOVEMENT_LIKE_REALDATA", Path(__file__).resolve().parents[3] / "shared" / "realdata"
    )
)
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
TRACKS = REALDATA / "deeplabcut" / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
VIDEO = REALDATA / "videos" / "m3v1mp4.mp4"
if not TRACKS.is_file() or not VIDEO.is_file():
    sys.exit(f"the real openfield files are not in {REALDATA}: set MOVEMENT_LIKE_REALDATA")

ds = load_poses.from_file(TRACKS, fps=30)
print(
    f"{ds.sizes['time']} frames at {ds.attrs['fps']} fps, keypoints {ds.keypoints.values.tolist()}"
)


# 1. The arena, from the video: the floor is the bright part of the frame. A median
#    over 15 frames spread through the video removes the (dark) mouse; the floor's
#    edges are where the brightness across the middle of the frame falls halfway
#    from the floor to the walls.
def floor_of_the_box(video: Path) -> tuple[np.ndarray, roi.PolygonOfInterest]:
    with VideoReader(video) as reader:
        picks = np.linspace(0, reader.n_frames - 1, 15).astype(int)
        background = np.median(np.stack([reader.gray_frame(int(i)) for i in picks]), axis=0)
    height, width = background.shape
    middle = background[height // 4 : 3 * height // 4, width // 4 : 3 * width // 4]
    halfway = (np.median(middle) + np.percentile(background, 5)) / 2
    rows = np.flatnonzero(np.median(background[:, width // 4 : 3 * width // 4], axis=1) > halfway)
    cols = np.flatnonzero(np.median(background[height // 4 : 3 * height // 4], axis=0) > halfway)
    top, bottom, left, right = rows[0], rows[-1], cols[0], cols[-1]
    corners = [(left, top), (right, top), (right, bottom), (left, bottom)]
    return background, roi.PolygonOfInterest(corners, name="arena")


background, arena = floor_of_the_box(VIDEO)
x0, y0, x1, y1 = arena.region.bounds
print(f"arena from the video: x {x0:.0f}-{x1:.0f}, y {y0:.0f}-{y1:.0f} px")
# the track extent is the other candidate: the snout reaches the walls, so it
# agrees here, but it depends on where the animal went (and on outliers)
extent = ds.position.sel(keypoints="snout").quantile([0.001, 0.999], dim="time").squeeze()
print(
    f"snout extent (0.1-99.9 %): x {extent.values[0, 0]:.0f}-{extent.values[1, 0]:.0f}, "
    f"y {extent.values[0, 1]:.0f}-{extent.values[1, 1]:.0f} px"
)

# 2. Centre = the middle of the floor with half its width and height (a quarter of
#    its area); periphery = the floor minus the centre (a polygon with a hole).
cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
hw, hh = (x1 - x0) / 4, (y1 - y0) / 4
centre = roi.PolygonOfInterest(
    [(cx - hw, cy - hh), (cx + hw, cy - hh), (cx + hw, cy + hh), (cx - hw, cy + hh)], name="centre"
)
periphery = roi.PolygonOfInterest(arena.coords, holes=[centre.coords], name="periphery")
zones = [centre, periphery]

# 3. Entries and time in the centre, for the body centre (centroid of the keypoints).
#    min_duration=0.2 s: crossing the edge counts once the mouse stays 6 frames.
events = roi.compute_region_events(ds, zones, centroid=True, min_duration=0.2)
visits = events[events.region == "centre"]
for seconds in (0, 0.5, 1.0):  # how the count depends on the filter
    strict = roi.compute_number_of_visits(ds, [centre], centroid=True, min_duration=seconds)
    print(f"entries into the centre with min_duration={seconds} s: {int(strict.sum())}")
print(
    visits[["frame_in", "frame_out", "time_in", "duration"]].head().round(2).to_string(index=False)
)
spent = roi.compute_time_in_region(ds, zones, centroid=True, min_duration=0.2).squeeze()
total = ds.sizes["time"] / ds.attrs["fps"]
for zone in ("centre", "periphery"):
    seconds = float(spent.sel(region=zone))
    print(f"time in the {zone}: {seconds:.1f} s ({100 * seconds / total:.1f} %)")
latency = roi.compute_latency_to_first_entry(ds, [centre], centroid=True, min_duration=0.2)
print(f"latency to the first centre entry: {float(latency.squeeze()):.2f} s")
body = ds.position.mean("keypoints")
wall_distance = arena.compute_distance_to(body, boundary_only=True)
print(f"median distance of the body centre to the walls: {float(wall_distance.median()):.1f} px")

# 4. The regions travel with the data: stored in the dataset, kept by netCDF;
#    and a GeoJSON file that movement.roi.load_rois reads.
state = roi.set_regions(ds, [arena, *zones])
save_netcdf(state, "openfield_with_regions.nc", overwrite=True)
again = roi.get_regions(load_netcdf("openfield_with_regions.nc"))
save_rois(again, "openfield_regions.geojson", overwrite=True)
print("regions stored in the .nc file:", [r.name for r in again])

# 5. The figure: the regions over the video, the track coloured by zone, and the visits.
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 8.5), height_ratios=[3, 1])
top.imshow(background, cmap="gray")
roi.draw_regions(top, [periphery, centre], colors=["tab:orange", "tab:blue"], fill_alpha=0.12)
xy = body.squeeze().values
inside = roi.compute_region_occupancy(body, [centre]).squeeze().values
top.scatter(*xy[~inside].T, s=1, color="tab:orange", label="periphery")
top.scatter(*xy[inside].T, s=1, color="tab:blue", label="centre")
top.set_title("m3v1mp4: arena from the video, body centre of the mouse")
top.set_axis_off()
for _, visit in events.iterrows():
    row = 1 if visit.region == "centre" else 0
    bottom.broken_barh(
        [(visit.time_in, visit.duration)], (row - 0.4, 0.8), color=["tab:orange", "tab:blue"][row]
    )
bottom.set_yticks([0, 1], ["periphery", "centre"])
bottom.set_xlabel("time (s)")
bottom.set_xlim(0, total)
bottom.set_title(f"visits (min. 0.2 s): {len(visits)} entries into the centre")
fig.tight_layout()
fig.savefig(OUT / "roi_openfield.png", dpi=80)
print(f"wrote {OUT / 'roi_openfield.png'}")
