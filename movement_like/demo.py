"""The main job, end to end, on the bundled sample: ``movement-like demo``.

The sample is a short ultrasound-like video with two annotation layers, as a
DUSTrack user has them: a sparse **manual** layer (a few frames clicked by hand)
and a dense **DeepLabCut** prediction layer (every frame, with likelihoods,
noise and a few dropouts). The demo runs the pipeline such a user runs:

1. load both layers into one dataset with a ``layers`` dimension;
2. fill the gaps of the manual layer with optical flow (LK-RSTC) on the video;
3. drop DeepLabCut predictions below a confidence threshold;
4. interpolate the short gaps that leaves;
5. reduce jitter with DUSTrack's optical-flow moving average (``lkmovavg``);
6. compute speed;
7. save the whole state as netCDF, draw a PNG figure and print a summary table.

Every step is a public library function; this module only chains them, so it is
also a worked example to copy from.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import xarray as xr

__all__ = ["DemoResult", "run_demo", "summary_table", "add_demo_command", "SAMPLE"]

#: The sample dataset the demo runs on (see :func:`movement_like.sample_data.list_datasets`).
SAMPLE = "synthetic_ultrasound"
#: Names of the layers the demo adds to the loaded ones.
FILLED, FILTERED, INTERPOLATED, SMOOTHED = (
    "manual_lk_rstc", "dlc_filtered", "dlc_interpolated", "dlc_lkmovavg")


@dataclass
class DemoResult:
    """What :func:`run_demo` produced.

    Attributes
    ----------
    state
        The saved dataset: every stage as a layer of ``position``, plus ``speed``.
    netcdf_path, figure_path
        The files written.
    summary
        One row per layer and keypoint (see :func:`summary_table`).
    """

    state: xr.Dataset
    netcdf_path: Path
    figure_path: Path
    summary: pd.DataFrame


def _find_layer(names: list[str], test: Any, what: str) -> str:
    matches = [n for n in names if test(n)]
    if len(matches) != 1:
        raise RuntimeError(f"expected one {what} layer in the sample, found {matches} in {names}")
    return matches[0]


def _stack_layers(arrays: dict[str, xr.DataArray]) -> xr.DataArray:
    import xarray as xr

    first = next(iter(arrays.values()))
    stacked = xr.concat(
        [a.drop_vars("layers", errors="ignore") for a in arrays.values()],
        dim=xr.Variable("layers", list(arrays)),
        coords="minimal",
        compat="override",
        combine_attrs="drop",
    )
    stacked.attrs = dict(first.attrs)
    return stacked.transpose("layers", *first.dims)


def summary_table(state: xr.Dataset, reference_layer: str = "manual") -> pd.DataFrame:
    """Per layer and keypoint: missing points, agreement with the manual clicks, speed, jitter.

    Parameters
    ----------
    state
        A dataset with ``position (layers, time, individuals, keypoints, space)``
        and optionally ``speed`` over some of the layers.
    reference_layer
        The sparse manual layer: each layer's RMSE is taken on the frames it annotates.

    Returns
    -------
    pandas.DataFrame
        Columns ``layer, keypoint, missing_%, rmse_vs_manual_px, mean_speed_px_s,
        jitter_px`` (jitter: median absolute second difference of the position,
        the frame-to-frame wobble that smoothing removes).
    """
    import numpy as np
    import pandas as pd

    position = state["position"].isel(individuals=0)
    reference = position.sel(layers=reference_layer)
    rows = []
    for layer in position["layers"].values:
        for keypoint in position["keypoints"].values:
            trace = position.sel(layers=layer, keypoints=keypoint).transpose("time", "space").values
            ref = reference.sel(keypoints=keypoint).transpose("time", "space").values
            missing = np.isnan(trace).any(axis=1)
            shared = ~missing & ~np.isnan(ref).any(axis=1)
            rmse = (float(np.sqrt(np.mean(np.sum((trace[shared] - ref[shared]) ** 2, axis=1))))
                    if shared.any() and layer != reference_layer else np.nan)
            second = np.diff(trace, n=2, axis=0)
            wobble = np.linalg.norm(second, axis=1)
            jitter = float(np.nanmedian(wobble)) if np.isfinite(wobble).any() else np.nan
            mean_speed = np.nan
            if "speed" in state and layer in state["speed"]["layers"].values:
                speed = state["speed"].isel(individuals=0).sel(layers=layer, keypoints=keypoint)
                mean_speed = float(speed.mean(skipna=True))
            rows.append({
                "layer": str(layer), "keypoint": str(keypoint),
                "missing_%": round(100 * float(missing.mean()), 1),
                "rmse_vs_manual_px": round(rmse, 2), "mean_speed_px_s": round(mean_speed, 1),
                "jitter_px": round(jitter, 2),
            })
    return pd.DataFrame(rows)


def _figure(state: xr.Dataset, video: Path, manual: str, dlc: str, keypoint: str) -> Any:
    import numpy as np

    from movement_like import plots

    fig, (ax_frame, ax_speed) = plots.new_figure(1, 2, figsize=(14, 5.5),
                                                 width_ratios=[1.15, 1])
    position = state["position"]
    frame_index = int(position["frame"].values[0]) if "frame" in position.coords else 0
    plots.plot_trajectory(
        position, keypoints=keypoint, layers=[dlc, SMOOTHED, FILLED, manual],
        video=video, frame_index=frame_index, ax=ax_frame,
        title=f"keypoint {keypoint}: trajectories over video frame {frame_index}",
    )
    speed = state["speed"].isel(individuals=0).sel(keypoints=keypoint)
    time = np.asarray(speed["time"].values, dtype=float)
    styles = {INTERPOLATED: dict(color="#bbbbbb", linewidth=1),
              SMOOTHED: dict(color=plots.PALETTE[1], linewidth=1.6),
              FILLED: dict(color=plots.PALETTE[2], linewidth=1.6)}
    for layer in speed["layers"].values:
        ax_speed.plot(time, speed.sel(layers=layer).values, label=str(layer),
                      **styles.get(str(layer), {}))
    ax_speed.set_xlabel("time (seconds)")
    ax_speed.set_ylabel("speed (pixels / second)")
    ax_speed.set_title(f"keypoint {keypoint}: speed", loc="left")
    ax_speed.legend(fontsize="small")
    return fig


def run_demo(
    out_dir: str | Path = "demo_output",
    progress: bool = True,
    overwrite: bool = False,
    threshold: float = 0.6,
    max_gap: int = 10,
    window: float = 0.5,
    verbose: bool = True,
) -> DemoResult:
    """Run the whole pipeline on the bundled sample and write its outputs into ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder for ``synthetic_ultrasound_processed.nc`` and
        ``synthetic_ultrasound_trajectories.png``; created if missing.
    progress
        Show progress bars for the optical-flow steps.
    overwrite
        Replace outputs of an earlier run; without it an existing output raises
        :class:`~movement_like.errors.OverwriteError` before any work is done.
    threshold
        DeepLabCut predictions with a lower likelihood are dropped.
    max_gap
        Longest run of missing frames that is interpolated after the confidence filter.
    window
        Jitter-reduction window, in seconds.
    verbose
        Print each step and the summary table.

    Returns
    -------
    DemoResult
    """
    from movement_like import filtering, kinematics, sample_data
    from movement_like.io import save_netcdf
    from movement_like.io.atomic import check_writable
    from movement_like.optical_flow import fill_gaps_optical_flow, reduce_jitter

    def say(text: str) -> None:
        if verbose:
            print(text, flush=True)

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nc_path = out / f"{SAMPLE}_processed.nc"
    png_path = out / f"{SAMPLE}_trajectories.png"
    for path in (nc_path, png_path):
        check_writable(path, overwrite)

    ds = sample_data.fetch_dataset(SAMPLE, with_video=True, progress=progress)
    video = Path(ds.attrs["video_path"])
    layers = [str(n) for n in ds["layers"].values]
    manual = _find_layer(layers, lambda n: "manual" in n, "manual")
    dlc = _find_layer(layers, lambda n: n.startswith("dlc"), "DeepLabCut")
    say(f"1. loaded layers {layers} of {video.name}: {ds.sizes['time']} frames, "
        f"keypoints {[str(k) for k in ds['keypoints'].values]}")

    manual_position = ds["position"].sel(layers=manual)
    filled = fill_gaps_optical_flow(manual_position, video, progress=progress)
    filled_position = filled["position"] if hasattr(filled, "data_vars") else filled
    say(f"2. filled the manual layer's gaps with LK-RSTC: {int(manual_position.isnull().any('space').sum())}"
        f" missing points -> {int(filled_position.isnull().any('space').sum())}")

    dlc_position = ds["position"].sel(layers=dlc)
    filtered = filtering.filter_by_confidence(
        dlc_position, ds["confidence"].sel(layers=dlc), threshold=threshold)
    dropped = int(filtered.isnull().any("space").sum() - dlc_position.isnull().any("space").sum())
    say(f"3. dropped {dropped} DeepLabCut points with likelihood < {threshold}")

    interpolated = filtering.interpolate_over_time(filtered, max_gap=max_gap)
    say(f"4. interpolated gaps of up to {max_gap} frames: "
        f"{int(interpolated.isnull().any('space').sum())} points still missing")

    smoothed = reduce_jitter(interpolated, video, window=window, progress=progress)
    smoothed_position = smoothed["position"] if hasattr(smoothed, "data_vars") else smoothed
    say(f"5. reduced jitter (LK moving average, {window} s window)")

    stages = {manual: manual_position, FILLED: filled_position, dlc: dlc_position,
              FILTERED: filtered, INTERPOLATED: interpolated, SMOOTHED: smoothed_position}
    position = _stack_layers(stages)
    speed = kinematics.compute_speed(position.sel(layers=[FILLED, INTERPOLATED, SMOOTHED]))
    say("6. computed speed")

    confidence = ds["confidence"].reindex(layers=list(stages))
    state = ds.drop_vars(["position", "confidence"]).drop_dims("layers", errors="ignore")
    state = state.assign_coords(layers=list(stages)).assign(
        position=position, confidence=confidence.transpose(*ds["confidence"].dims),
        speed=speed)
    state.attrs.update(
        pipeline=(f"{manual} -> {FILLED} (fill_gaps_optical_flow); {dlc} -> {FILTERED} "
                  f"(filter_by_confidence {threshold}) -> {INTERPOLATED} (interpolate_over_time "
                  f"max_gap={max_gap}) -> {SMOOTHED} (reduce_jitter {window} s)"),
        log=position.attrs.get("log", ds.attrs.get("log", "[]")),
    )
    save_netcdf(state, nc_path, overwrite=overwrite)
    say(f"7. saved the state to {nc_path}")

    keypoint = str(ds["keypoints"].values[0])
    figure = _figure(state, video, manual, dlc, keypoint)
    figure.savefig(png_path, dpi=110)
    say(f"   drew {png_path}")

    table = summary_table(state, reference_layer=manual)
    if verbose:
        print()
        print(table.to_string(index=False))
    return DemoResult(state=state, netcdf_path=nc_path, figure_path=png_path, summary=table)


def _cmd_demo(args: argparse.Namespace) -> int:
    import sys

    from movement_like.errors import OverwriteError

    try:
        run_demo(args.out, progress=not args.no_progress, overwrite=args.overwrite)
    except OverwriteError as exc:
        print(f"movement-like demo: {exc.path} exists from an earlier run; run again with "
              "--overwrite to replace it, or choose another --out folder", file=sys.stderr)
        return 2
    return 0


def add_demo_command(sub: argparse._SubParsersAction) -> None:
    """Register ``movement-like demo [--out DIR] [--no-progress] [--overwrite]``."""
    p = sub.add_parser("demo", help="run the main job on the bundled sample data",
                       description=__doc__.splitlines()[0])
    p.add_argument("--out", default="demo_output", help="output folder (default: demo_output)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    p.add_argument("--overwrite", action="store_true", help="replace outputs of an earlier run")
    p.set_defaults(func=_cmd_demo)
