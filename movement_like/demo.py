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
    "manual_lk_rstc",
    "dlc_filtered",
    "dlc_interpolated",
    "dlc_lkmovavg",
)


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


def _missing(position: xr.DataArray) -> int:
    """Count the missing points (x or y NaN)."""
    return int(position.isnull().any("space").sum())


def _stack_layers(arrays: dict[str, xr.DataArray]) -> xr.DataArray:
    import xarray as xr

    first = next(iter(arrays.values()))
    stacked = xr.concat(
        [a.drop_vars(["layers", "layer_file"], errors="ignore") for a in arrays.values()],
        dim=xr.Variable("layers", list(arrays)),
        coords="minimal",
        compat="override",
        combine_attrs="drop",
    )
    stacked.attrs = dict(first.attrs)
    return stacked.transpose("layers", *first.dims)


def _state(
    ds: xr.Dataset, position: xr.DataArray, speed: xr.DataArray, steps: list[xr.DataArray]
) -> xr.Dataset:
    """Assemble the saved state: every stage as a layer, confidence, speed and the full log."""
    import json

    import xarray as xr

    from movement_like.provenance import read_log

    confidence = (
        ds["confidence"]
        .drop_vars("layer_file", errors="ignore")
        .reindex(layers=position["layers"].values)
    )
    log = read_log(ds)
    for step in steps:  # each step's log starts from its input's: keep only what is new
        log += [entry for entry in read_log(step) if entry not in log]
    attrs = {k: v for k, v in ds.attrs.items() if k != "log"}
    attrs["log"] = json.dumps(log)
    variables = {"position": position, "confidence": confidence, "speed": speed}
    for variable in variables.values():
        variable.attrs = {}
    return xr.Dataset(variables, attrs=attrs)


def summary_table(
    state: xr.Dataset, reference_layer: str = "manual", filled_layer: str = FILLED
) -> pd.DataFrame:
    """One row per layer: missing points, agreement with the clicks and the LK fill, speed, jitter.

    Parameters
    ----------
    state
        A dataset with ``position (layers, time, individuals, keypoints, space)``
        and ``speed (layers, time, individuals, keypoints)``.
    reference_layer
        The sparse manual layer: ``rmse_vs_clicks_px`` is taken on the frames it annotates.
    filled_layer
        The manual layer filled by optical flow: ``rmse_vs_lk_fill_px`` is taken
        on every frame both have.

    Returns
    -------
    pandas.DataFrame
        Columns ``layer, missing_%, rmse_vs_clicks_px, rmse_vs_lk_fill_px,
        mean_speed_px_s, jitter_px``, each over every individual and keypoint.
        Jitter is the median size of the second difference of the position,
        the frame-to-frame wobble that smoothing removes.
    """
    import numpy as np
    import pandas as pd

    dims = ("time", "individuals", "keypoints", "space")
    position = state["position"].transpose("layers", *dims)

    def rmse(values: np.ndarray, reference: np.ndarray) -> float:
        error = np.sum((values - reference) ** 2, axis=-1)  # NaN where either is missing
        return float(np.sqrt(np.nanmean(error))) if np.isfinite(error).any() else np.nan

    clicks = position.sel(layers=reference_layer).values
    filled = position.sel(layers=filled_layer).values if filled_layer in position.layers else None
    rows = []
    for layer in position["layers"].values:
        values = position.sel(layers=layer).values
        missing = np.isnan(values).any(axis=-1)
        wobble = np.linalg.norm(np.diff(values, n=2, axis=0), axis=-1)
        speed = state["speed"].sel(layers=layer).values if "speed" in state else np.nan
        rows.append(
            {
                "layer": str(layer),
                "missing_%": 100 * float(missing.mean()),
                "rmse_vs_clicks_px": np.nan if layer == reference_layer else rmse(values, clicks),
                "rmse_vs_lk_fill_px": (
                    np.nan
                    if filled is None or layer in (filled_layer, reference_layer)
                    else rmse(values, filled)
                ),
                "mean_speed_px_s": float(np.nanmean(speed)) if np.isfinite(speed).any() else np.nan,
                "jitter_px": float(np.nanmedian(wobble)) if np.isfinite(wobble).any() else np.nan,
            }
        )
    return pd.DataFrame(rows).round(2)


#: Colours of the layers in the figure: raw predictions, smoothed, optical-flow fill, clicks.
COLOURS = {
    "dlc": "#ff7f0e",
    SMOOTHED: "#1f77b4",
    FILLED: "#2ca02c",
    "manual": "#d62728",
    INTERPOLATED: "#999999",
}


def _figure(state: xr.Dataset, video: Path, manual: str, dlc: str, keypoint: str) -> Any:
    """Three panels: every label over the frame, one label zoomed across layers, its speed."""
    import numpy as np

    from movement_like import plots

    fig, (ax_all, ax_zoom, ax_speed) = plots.new_figure(
        1, 3, figsize=(17, 5.5), width_ratios=[1.25, 1, 1.1]
    )
    position = state["position"]
    frame_index = int(position["frame"].values[0]) if "frame" in position.coords else 0
    frame = plots.read_video_frame(video, frame_index)
    plots.plot_trajectory(
        position,
        layers=[SMOOTHED, manual],
        frame=frame,
        ax=ax_all,
        colors=[COLOURS[SMOOTHED], COLOURS["manual"]],
        title=f"every label over video frame {frame_index}: smoothed track and clicks",
    )
    plots.plot_trajectory(
        position,
        keypoints=keypoint,
        layers=[dlc, SMOOTHED, FILLED, manual],
        frame=frame,
        ax=ax_zoom,
        margin=6.0,
        colors=[COLOURS["dlc"], COLOURS[SMOOTHED], COLOURS[FILLED], COLOURS["manual"]],
        title=f"label {keypoint}, zoomed: every layer",
    )
    speed = state["speed"].isel(individuals=0).sel(keypoints=keypoint)
    time = np.asarray(speed["time"].values, dtype=float)
    for layer, width in ((INTERPOLATED, 1.0), (FILLED, 1.6), (SMOOTHED, 1.6)):
        ax_speed.plot(
            time, speed.sel(layers=layer).values, label=layer, color=COLOURS[layer], linewidth=width
        )
    ax_speed.set_xlabel("time (seconds)")
    ax_speed.set_ylabel("speed (pixels / second)")
    ax_speed.set_title(f"label {keypoint}: speed", loc="left")
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
    import xarray as xr

    from movement_like import filtering, kinematics, sample_data
    from movement_like.io import save_netcdf
    from movement_like.io.atomic import atomic_path, check_writable
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
    say(
        f"1. loaded layers {layers} of {video.name}: {ds.sizes['time']} frames, "
        f"keypoints {[str(k) for k in ds['keypoints'].values]}"
    )

    manual_position = ds["position"].sel(layers=manual)
    filled = fill_gaps_optical_flow(manual_position, video, progress=progress)
    filled_position = filled.drop_vars("lk_filled", errors="ignore")
    say(
        f"2. filled the manual layer's gaps with LK-RSTC: {_missing(manual_position)} "
        f"missing points -> {_missing(filled_position)}"
    )

    dlc_position = ds["position"].sel(layers=dlc)
    filtered = filtering.filter_by_confidence(
        dlc_position, ds["confidence"].sel(layers=dlc), threshold=threshold
    )
    dropped = _missing(filtered) - _missing(dlc_position)
    say(f"3. dropped {dropped} DeepLabCut points with likelihood < {threshold}")

    interpolated = filtering.interpolate_over_time(filtered, max_gap=max_gap)
    say(
        f"4. interpolated gaps of up to {max_gap} frames: "
        f"{_missing(interpolated)} points still missing"
    )

    smoothed = reduce_jitter(interpolated, video, window=window, progress=progress)
    assert isinstance(smoothed, xr.DataArray)  # return_windows=False gives positions only
    say(f"5. reduced jitter (LK moving average, {window} s window)")

    stages = {
        manual: manual_position,
        FILLED: filled_position,
        dlc: dlc_position,
        FILTERED: filtered,
        INTERPOLATED: interpolated,
        SMOOTHED: smoothed,
    }
    position = _stack_layers(stages)
    speed = kinematics.compute_speed(position)
    say("6. computed speed")

    state = _state(ds, position, speed, [filled_position, smoothed, speed])
    if "lk_filled" in filled.coords:  # which points of the fill came from optical flow
        state["lk_filled"] = filled["lk_filled"].drop_vars(
            ["layers", "layer_file"], errors="ignore"
        )
    state.attrs["pipeline"] = (
        f"{manual} -> {FILLED} (fill_gaps_optical_flow); {dlc} -> {FILTERED} "
        f"(filter_by_confidence, threshold {threshold}) -> {INTERPOLATED} "
        f"(interpolate_over_time, max_gap {max_gap}) -> {SMOOTHED} (reduce_jitter, {window} s); "
        "speed of every layer (compute_speed)"
    )
    save_netcdf(state, nc_path, overwrite=overwrite)
    say(f"7. saved the state to {nc_path}")

    keypoint = str(ds["keypoints"].values[0])
    figure = _figure(state, video, manual, dlc, keypoint)
    with atomic_path(png_path, overwrite=overwrite) as tmp:
        figure.savefig(tmp, dpi=100, format="png")
    say(f"   drew {png_path}")

    table = summary_table(state, reference_layer=manual)
    if verbose:
        print()
        print(table.to_string(index=False, na_rep="-"))
    return DemoResult(state=state, netcdf_path=nc_path, figure_path=png_path, summary=table)


def _cmd_demo(args: argparse.Namespace) -> int:
    import sys

    from movement_like.errors import OverwriteError

    try:
        run_demo(args.out, progress=not args.no_progress, overwrite=args.overwrite)
    except OverwriteError as exc:
        print(
            f"movement-like demo: {exc.path} exists from an earlier run; run again with "
            "--overwrite to replace it, or choose another --out folder",
            file=sys.stderr,
        )
        return 2
    return 0


def add_demo_command(sub: argparse._SubParsersAction) -> None:
    """Register ``movement-like demo [--out DIR] [--no-progress] [--overwrite]``."""
    p = sub.add_parser(
        "demo",
        help="run the main job on the bundled sample data",
        description=__doc__.splitlines()[0],
    )
    p.add_argument("--out", default="demo_output", help="output folder (default: demo_output)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    p.add_argument("--overwrite", action="store_true", help="replace outputs of an earlier run")
    p.set_defaults(func=_cmd_demo)
