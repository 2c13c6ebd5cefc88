"""Batch: the same cleaning and read-outs on every sample, one table and one figure at the end.

A loop over ``sample_data.list_datasets()``: each dataset is loaded with the
library's readers (whatever the tool), cleaned the same way (confidence filter
where there are confidences, gaps of up to 10 frames interpolated), its speed
computed, and saved as netCDF into ``batch_output/``. A pandas table collects one
row per dataset; the figure compares them. (The SLEAP flies look mostly missing:
the file lists 27 tracks for its two flies, and most tracks are empty on most frames.)
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _common import save

from movement_like import filtering, kinematics, sample_data
from movement_like.io import save_netcdf

out = Path("batch_output")
out.mkdir(exist_ok=True)
rows = []
for name in sample_data.list_datasets():
    ds = sample_data.fetch_dataset(name)
    if "layers" in ds.dims:  # annotation layers: take the densest one
        counts = ds.position.notnull().sum([d for d in ds.position.dims if d != "layers"])
        ds = ds.isel(layers=int(counts.values.argmax()))
    position = ds.position
    if "confidence" in ds and bool(ds.confidence.notnull().any()):
        position = filtering.filter_by_confidence(position, ds.confidence, threshold=0.5)
    position = filtering.interpolate_over_time(position, max_gap=10)
    body = position.mean("keypoints") if "keypoints" in position.dims else position
    speed = kinematics.compute_speed(body)
    save_netcdf(ds.assign(position=position), out / f"{name}.nc", overwrite=True)
    per_second = ds.attrs.get("time_unit", "seconds") == "seconds"
    rows.append(
        {
            "dataset": name,
            "tool": ds.attrs.get("source_software"),
            "bundled": name in sample_data.list_datasets(bundled=True),
            "frames": ds.sizes["time"],
            "individuals": ds.sizes["individuals"],
            "missing_%": 100 * float(position.isnull().any("space").mean()),
            "median_speed": float(speed.median()),
            "speed_unit": "px/s" if per_second else "px/frame",
        }
    )
table = pd.DataFrame(rows).round(2)
print(table.to_string(index=False))

fig, (ax_missing, ax_speed) = plt.subplots(1, 2, figsize=(14, 5), layout="constrained")
colours = ["#1f77b4" if b else "#d62728" for b in table["bundled"]]
ax_missing.barh(table["dataset"], table["missing_%"], color=colours)
ax_missing.invert_yaxis()
ax_missing.set_xlabel("missing points after cleaning (%)")
ax_missing.set_title("Every sample, cleaned the same way (blue: bundled, red: real)", loc="left")
labels = [f"{n} ({u})" for n, u in zip(table["dataset"], table["speed_unit"], strict=True)]
ax_speed.barh(labels, table["median_speed"], color=colours)
ax_speed.invert_yaxis()
ax_speed.set_xscale("log")
ax_speed.set_xlabel("median speed of the body centre (log scale; unit per sample)")
ax_speed.set_title("Median speed", loc="left")
for ax in (ax_missing, ax_speed):
    ax.grid(axis="x", alpha=0.3)
print(f"saved {len(rows)} netCDF files into {out}/; {np.sum(table['bundled'])} bundled")
save(fig, "batch")
