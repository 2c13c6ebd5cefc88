"""The DUSTrack workflow on the ultrasound sample, step by step.

manual layer → DeepLabCut predictions → manual corrections → gap filling by
optical flow → jitter reduction → a new DUSTrack layer next to the video.
"""

import shutil
from pathlib import Path

from movement_like import filtering, sample_data
from movement_like.annotations import apply_manual_corrections, inter_layer_error
from movement_like.io import load_poses, save_poses
from movement_like.optical_flow import fill_gaps_optical_flow, reduce_jitter

# Work on a copy of the sample, as on your own video folder.
paths = sample_data.fetch_dataset_paths("synthetic_ultrasound")
folder = Path("scan")
folder.mkdir(exist_ok=True)
for path in [paths["video"], *paths["layers"]]:
    shutil.copy(path, folder / path.name)
video = folder / paths["video"].name

# 1. every layer of the video in one dataset; the DeepLabCut .h5 is named explicitly
layers = load_poses.from_dustrack_layers(
    {
        "manual": folder / paths["layers"][0].name,
        "dlc": folder / paths["layers"][1].name,
    }
)
print("layers:", [str(name) for name in layers.layers.values], "frames:", layers.sizes["time"])
manual = layers.position.sel(layers="manual")
dlc = layers.position.sel(layers="dlc")

# 2. drop unreliable predictions; the manual points win where they exist (DUSTrack's dlccorr)
dlc = filtering.filter_by_confidence(dlc, layers.confidence.sel(layers="dlc"), threshold=0.6)
corrected = apply_manual_corrections(dlc, manual)

# 3. fill what is still missing by optical flow between the known points (LK-RSTC)
filled = fill_gaps_optical_flow(corrected, video, progress=False)
print("points filled by optical flow:", int(filled["lk_filled"].sum()))

# 4. reduce jitter with the LK moving average (0.5 s window)
smooth = reduce_jitter(filled.drop_vars("lk_filled"), video, window=0.5, progress=False)

# 5. how far is the result from the manual clicks?
error = inter_layer_error(smooth, manual)
print(f"RMSE against the manual clicks: {float(error['rmse_overall']):.2f} px")

# 6. save it as a DUSTrack layer next to the video: DUSTrack opens it as "dlccorr_lkmovavg_0.500"
ds = layers.isel(layers=0, drop=True).assign(position=smooth)
written = save_poses.to_dustrack_file(ds, video, layer="dlccorr_lkmovavg_0.500", overwrite=True)
print("wrote", written)
