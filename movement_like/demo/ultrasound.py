"""The main job on the bundled synthetic sample (no network needed): ``movement-like demo``.

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

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import xarray as xr

__all__ = [
    "DemoResult",
    "LAYER_LABELS",
    "SUMMARY_COLUMNS",
    "run_ultrasound",
    "summary_table",
    "SAMPLE",
]

#: The sample dataset the demo runs on (see :func:`movement_like.sample_data.list_datasets`).
SAMPLE = "synthetic_ultrasound"
#: Names of the layers the demo adds to the loaded ones.
FILLED, FILTERED, INTERPOLATED, SMOOTHED = (
    "manual_lk_rstc",
    "dlc_filtered",
    "dlc_interpolated",
    "dlc_lkmovavg",
)
#: What a reader calls each layer (the DeepLabCut layer's name is found in the sample).
LAYER_LABELS = {
    "manual": "manual clicks",
    FILLED: "manual clicks + optical-flow fill (LK-RSTC)",
    "dlc": "DeepLabCut predictions (raw)",
    FILTERED: "DeepLabCut, low-confidence points removed",
    INTERPOLATED: "DeepLabCut, short gaps interpolated",
    SMOOTHED: "DeepLabCut, cleaned (jitter reduced by optical flow)",
}
#: The summary table's columns, each explained in one line.
SUMMARY_COLUMNS = {
    "layer": "the processing stage's name in the saved .nc file",
    "stage": "what that stage is",
    "missing_%": "share of (frame, point) pairs with no position",
    "rmse_vs_clicks_px": "root-mean-square distance to the manual clicks, on clicked frames (px)",
    "rmse_vs_lk_fill_px": "the same against the optical-flow-filled clicks, on every frame (px)",
    "mean_speed_px_s": "mean speed of the points, pixels per second (jitter inflates it)",
    "jitter_px": "median frame-to-frame wobble (size of the 2nd difference), pixels",
}


def label_of(layer: str) -> str:
    """Return the reader's name of a layer (a DeepLabCut layer's own name maps to its raw label)."""
    if layer in LAYER_LABELS:
        return LAYER_LABELS[layer]
    if layer.startswith("dlc"):
        return LAYER_LABELS["dlc"]
    return layer


@dataclass
class DemoResult:
    """What :func:`run_demo` produced.

    Attributes
    ----------
    state
        The saved dataset: every stage as a layer of ``position``, plus ``speed``.
    netcdf_path
        The netCDF file the state was saved to.
    figure_path
        The PNG figure written.
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
        Columns ``layer, stage, missing_%, rmse_vs_clicks_px, rmse_vs_lk_fill_px,
        mean_speed_px_s, jitter_px``, each over every individual and keypoint
        and explained in one line each by :data:`SUMMARY_COLUMNS`.
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
                "stage": label_of(str(layer)),
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


#: How each layer is drawn in the zoomed panel: colour, line width, line style, marker.
STYLES = {
    "dlc": ("#ff7f0e", 0.8, "-", None),
    FILTERED: ("#8c564b", 0.0, "", "x"),
    INTERPOLATED: ("#7f7f7f", 1.2, "--", None),
    SMOOTHED: ("#1f77b4", 2.0, "-", None),
    FILLED: ("#2ca02c", 1.6, "-", None),
    "manual": ("#d62728", 0.0, "", "o"),
}


def _style(layer: str) -> tuple[str, float, str, str | None]:
    return STYLES[layer] if layer in STYLES else STYLES["dlc"]


def _names(state: xr.Dataset) -> dict[str, str]:
    """Map keypoint id -> its name from the trackermap (the id itself without one)."""
    ids = [str(k) for k in state["keypoints"].values]
    if "keypoint_name" in state.coords:
        return dict(zip(ids, (str(n) for n in state["keypoint_name"].values), strict=True))
    return {k: k for k in ids}


def _figure(state: xr.Dataset, video: Path, manual: str, dlc: str, keypoint: str) -> Any:
    """Three panels: every point over the frame, one point zoomed through all six stages, speed."""
    import numpy as np

    from movement_like.demo.figures import new_figure, video_frame

    fig = new_figure((17, 5.5))
    ax_all, ax_zoom, ax_speed = fig.subplots(1, 3, width_ratios=[1.25, 1, 1.1])
    position = state["position"].isel(individuals=0)
    names = _names(state)
    frame_index = int(position["frame"].values[0]) if "frame" in position.coords else 0
    frame = video_frame(video, frame_index)
    fig.suptitle(
        "Synthetic ultrasound sample: manual clicks and DeepLabCut predictions of three points, "
        "cleaned with optical flow",
        fontsize="large",
    )

    # panel 1: all points, cleaned track and clicks, over the frame
    ax_all.imshow(frame, cmap="gray", vmin=0, vmax=255)
    for layer in (SMOOTHED, manual):
        colour, width, line, marker = _style(layer)
        for k, point in enumerate(names):
            xy = position.sel(layers=layer, keypoints=point).values
            ax_all.plot(
                xy[:, 0],
                xy[:, 1],
                color=colour,
                linewidth=width,
                linestyle=line or "none",
                marker=marker,
                markersize=4,
                label=label_of(layer) if k == 0 else None,
            )
    for point, name in names.items():
        xy = position.sel(layers=SMOOTHED, keypoints=point).values
        x, y = np.nanmax(xy[:, 0]), np.nanmean(xy[:, 1])
        ax_all.annotate(
            name,
            (x, y),
            xytext=(6, 0),
            textcoords="offset points",
            color="white",
            fontsize="small",
            va="center",
            bbox={"boxstyle": "round", "facecolor": "black", "alpha": 0.55, "linewidth": 0},
        )
    ax_all.set_title(f"All three points over video frame {frame_index}", loc="left")
    ax_all.set_xlabel("x (pixels)")
    ax_all.set_ylabel("y (pixels)")
    ax_all.legend(fontsize="small", loc="lower left")

    # panel 2: one point, zoomed, every stage of both layers
    layers = [dlc, FILTERED, INTERPOLATED, SMOOTHED, FILLED, manual]
    raw = position.sel(layers=dlc, keypoints=keypoint).values
    kept = position.sel(layers=FILTERED, keypoints=keypoint).values
    for layer in layers:
        colour, width, line, marker = _style(layer)
        xy = position.sel(layers=layer, keypoints=keypoint).values
        label = label_of(layer)
        if layer == FILTERED:  # draw what the filter removed, so the layer is visible
            xy = np.where(np.isnan(kept) & ~np.isnan(raw), raw, np.nan)
            label = "DeepLabCut points removed (likelihood below threshold)"
        ax_zoom.plot(
            xy[:, 0],
            xy[:, 1],
            color=colour,
            linewidth=width,
            linestyle=line or "none",
            marker=marker,
            markersize=5,
            label=label,
        )
    ax_zoom.imshow(frame, cmap="gray", vmin=0, vmax=255)
    clean = position.sel(layers=SMOOTHED, keypoints=keypoint).values
    (x0, y0), (x1, y1) = np.nanmin(clean, axis=0) - 8, np.nanmax(clean, axis=0) + 8
    ax_zoom.set_xlim(x0, x1)
    ax_zoom.set_ylim(y1, y0)
    ax_zoom.set_title(f"{names[keypoint]}, zoomed: all six stages", loc="left")
    ax_zoom.set_xlabel("x (pixels)")
    ax_zoom.set_ylabel("y (pixels)")
    ax_zoom.legend(fontsize="x-small", loc="upper left", framealpha=0.85)

    # panel 3: speed of that point, before and after cleaning
    speed = state["speed"].isel(individuals=0).sel(keypoints=keypoint)
    time = np.asarray(speed["time"].values, dtype=float)
    for layer in (INTERPOLATED, FILLED, SMOOTHED):
        colour, width, _, _ = _style(layer)
        ax_speed.plot(
            time,
            speed.sel(layers=layer).values,
            label=label_of(layer),
            color=colour,
            linewidth=max(width, 1.0),
        )
    ax_speed.set_xlabel("time (seconds)")
    ax_speed.set_ylabel("speed (pixels / second)")
    ax_speed.set_title(f"Speed of {names[keypoint]}", loc="left")
    ax_speed.legend(fontsize="small")
    return fig


def run_ultrasound(
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
    if "keypoint_name" in ds.coords and "keypoint_name" not in state.coords:
        state = state.assign_coords(keypoint_name=ds["keypoint_name"])
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
        print()
        for column, meaning in SUMMARY_COLUMNS.items():
            print(f"  {column:<20} {meaning}")
    return DemoResult(state=state, netcdf_path=nc_path, figure_path=png_path, summary=table)
