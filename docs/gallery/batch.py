"""Batch: one pipeline over every real sample, run by two worker processes.

``movement_like.batch`` runs the same steps on every input as one
``dask.distributed`` task each (here a LocalCluster of two worker processes): a
confidence filter, gaps of up to 10 frames interpolated, the speed computed, one
netCDF per input carrying the pipeline's hash. An input that fails would be
reported in the results table (status, error) while the others are done. The
figure reads the outputs back.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from _common import save

from movement_like import sample_data
from movement_like.batch import Pipeline, Step, run_batch
from movement_like.io import load_netcdf

names = [n for n in sample_data.list_datasets() if n not in sample_data.list_datasets(bundled=True)]
inputs = [
    next(f for f in sample_data.dataset_files(n) if f.source_format != "video") for n in names
]
paths = [sample_data.fetch_file(f) for f in inputs]

pipeline = Pipeline(
    steps=[
        Step("filter_by_confidence", {"threshold": 0.5}),
        Step("interpolate_over_time", {"max_gap": 10}),
        Step("compute_speed"),
    ]
)
if __name__ == "__main__":  # worker processes import this module: only the parent runs the batch
    table = run_batch(pipeline, paths, Path("batch_output"), workers=2, progress=False)
    print(table[["input", "status", "seconds", "output", "error"]].to_string(index=False))

    done = table[table.status == "done"]
    labels, missing, speeds = [], [], []
    for row in done.itertuples():
        ds = load_netcdf(row.output)
        unit = "px/s" if ds.attrs.get("fps") else "px/frame"  # without fps, time counts frames
        labels.append(f"{Path(row.input).name[:36]} ({unit})")
        missing.append(100 * float(ds.position.isnull().any("space").mean()))
        known = ds.speed.values[np.isfinite(ds.speed.values)]  # over every point and frame
        speeds.append(float(np.median(known)) if known.size else 0.0)  # 0: no two frames in a row

    fig, (ax_missing, ax_speed) = plt.subplots(1, 2, figsize=(14, 4.5), layout="constrained")
    ax_missing.barh(labels, missing, color="#1f77b4")
    ax_missing.invert_yaxis()
    ax_missing.set_xlabel("missing points after the pipeline (%)")
    ax_missing.set_title(
        f"{len(done)} of {len(table)} inputs done by 2 workers (failed: "
        f"{', '.join(Path(p).name for p in table[table.status == 'failed'].input) or 'none'})",
        loc="left",
    )
    ax_speed.barh(labels, speeds, color="#1f77b4")
    ax_speed.invert_yaxis()
    ax_speed.set_xscale("log")
    ax_speed.set_xlabel("median speed of the tracked points (log; unit per input)")
    ax_speed.set_title("Median speed per input", loc="left")
    for ax in (ax_missing, ax_speed):
        ax.grid(axis="x", alpha=0.3)
    save(fig, "batch")
