"""Load every format: one real file of each tool, into the same kind of dataset.

DeepLabCut, SLEAP, idtracker.ai and VIA come from the sample registry
(``sample_data.fetch_dataset``); LightningPose and NWB from the folder of
real files; DUSTrack annotation layers from the bundled sample; netCDF is the
library's own format, written and read back. Whatever the tool, the result has
the same dims (``time``, ``individuals``, ``keypoints``, ``space``), so one plot
loop draws them all.
"""

import matplotlib.pyplot as plt
import numpy as np
from _common import mirror, save

from movement_like import sample_data
from movement_like.io import load_netcdf, load_poses, save_netcdf

datasets = {
    "DeepLabCut (.h5)": sample_data.fetch_dataset("openfield_mouse"),
    "SLEAP (.slp)": sample_data.fetch_dataset("centered_pair_flies"),
    "idtracker.ai (.npy)": sample_data.fetch_dataset("eight_fish_idtrackerai"),
    "VIA tracks (.csv, boxes)": sample_data.fetch_dataset("sherlock_faces_via"),
    "DUSTrack layers (.json + .h5)": sample_data.fetch_dataset("synthetic_ultrasound").sel(
        layers="manual"
    ),
}
real = mirror()
if real is not None:
    lp = (
        real
        / "lightningpose"
        / "eks_ibl-paw"
        / "3f859b5c-e73a-4044-b49e-34bb81e96715.left.rng=0.csv"
    )
    nwb = real / "nwb" / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb"
    if lp.is_file():
        datasets["LightningPose (.csv)"] = load_poses.from_file(lp, fps=60)
    if nwb.is_file():
        datasets["NWB / ndx-pose (.nwb)"] = load_poses.from_file(nwb)
save_netcdf(datasets["DeepLabCut (.h5)"], "openfield_mouse.nc", overwrite=True)
datasets["netCDF (written, read back)"] = load_netcdf("openfield_mouse.nc")

fig, axes = plt.subplots(2, 4, figsize=(16, 7.5), layout="constrained")
for ax, (label, ds) in zip(axes.flat, datasets.items(), strict=False):
    position = ds["position"]
    if "keypoints" in position.dims:
        position = position.isel(keypoints=0)
    tracked = position.notnull().all("space").mean("time")
    for individual in position["individuals"].values[np.argsort(-tracked.values)][:3]:
        xy = position.sel(individuals=individual).transpose("time", "space").values
        ax.plot(xy[:, 0], xy[:, 1], ".-", linewidth=0.8, markersize=2, label=str(individual))
    ax.invert_yaxis()
    ax.set_aspect("equal", adjustable="datalim")
    point = str(ds["keypoints"].values[0]) if "keypoints" in ds.dims else "box centre"
    sizes = ", ".join(f"{n} {d}" for d, n in ds.sizes.items() if d != "space")
    ax.set_title(f"{label}\n{point}; {sizes}", fontsize="small", loc="left")
    ax.set_xlabel("x (pixels)")
    ax.set_ylabel("y (pixels)")
    ax.legend(fontsize="x-small", title="individual", title_fontsize="x-small")
    print(f"{label:<32} {sizes}")
for ax in axes.flat[len(datasets) :]:
    ax.set_visible(False)
fig.suptitle("One real file per format, loaded into the same dataset layout (first keypoint)")
save(fig, "load_every_format")
