"""Figures for a first look at tracked points: trajectories, time series, confidence, layers.

Every function returns a :class:`matplotlib.figure.Figure` drawn with the Agg
canvas (no window, no ``pyplot`` state), ready for ``fig.savefig("out.png")``
or for display in a notebook. matplotlib is imported only when a function is
called, so ``import movement_like.plots`` stays cheap.

Functions find axes by name: inputs may carry extra dimensions (``layers``,
``individuals``), which are chosen with keyword arguments.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import xarray as xr

from movement_like.errors import InvalidArgumentError
from movement_like.utils.dims import to_contract_dims
from movement_like.utils.reports import nan_runs

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "new_figure",
    "read_video_frame",
    "plot_trajectory",
    "plot_time_series",
    "plot_confidence_histogram",
    "plot_layer_comparison",
    "nan_runs",
]

#: Colours for layers / keypoints, readable on a grey ultrasound frame.
PALETTE = ["#ff7f0e", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#e377c2", "#17becf", "#bcbd22"]


def new_figure(
    nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] = (8, 6), **kwargs: Any
) -> tuple[Figure, Any]:
    """Return a figure on the Agg canvas and its axes (like ``plt.subplots``, without pyplot).

    Parameters
    ----------
    nrows
        Number of rows of axes.
    ncols
        Number of columns of axes.
    figsize
        Width and height of the figure, in inches.
    **kwargs
        Passed on to :meth:`matplotlib.figure.Figure.subplots`.

    Returns
    -------
    tuple
        The figure and its axes (one Axes, or an array of them for a grid).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=True, **kwargs)
    return fig, axes


def read_video_frame(video: str | os.PathLike, frame: int = 0) -> np.ndarray:
    """Read one frame of a video as a grayscale ``uint8`` array (rows × columns).

    Uses :class:`~movement_like.video.VideoReader`, so image
    folders work too and the grayscale is the one optical flow sees.

    Parameters
    ----------
    video
        The video file or image folder.
    frame
        The frame number to read (0 is the first).

    Returns
    -------
    numpy.ndarray
        The frame as a 2-D ``uint8`` grayscale array.

    Raises
    ------
    FileNotFoundError
        If the video does not exist.
    ValueError
        If the frame cannot be read.
    """
    from movement_like.video import VideoReader

    with VideoReader(video) as reader:
        try:
            return reader.gray_frame(int(frame))
        except IndexError:
            raise InvalidArgumentError(
                f"{reader.path}: could not read frame {frame} (the video has {reader.n_frames})"
            ) from None


def _pick(data: xr.DataArray, **choices: Any) -> xr.DataArray:
    """Select one value of each named dim that ``data`` has (first value when ``None``)."""
    for dim, value in choices.items():
        if dim not in data.dims:
            continue
        if value is None:
            data = data.isel({dim: 0})
        else:
            data = data.sel({dim: value})
    return data


def _as_list(value: Any, data: xr.DataArray, dim: str) -> list[Any]:
    if dim not in data.dims:
        return [None]
    if value is None:
        return list(data[dim].values)
    if isinstance(value, str) or not isinstance(value, Sequence):
        return [value]
    return list(value)


def _time_label(data: xr.DataArray) -> str:
    unit = data.attrs.get("time_unit")
    if unit is None:
        unit = "seconds" if data["time"].dtype.kind == "f" else "frames"
    return f"time ({unit})"


def plot_trajectory(
    position: xr.DataArray,
    keypoints: str | Sequence[str] | None = None,
    individual: str | None = None,
    layers: str | Sequence[str] | None = None,
    frame: np.ndarray | None = None,
    video: str | os.PathLike | None = None,
    frame_index: int = 0,
    ax: Axes | None = None,
    title: str | None = None,
    colors: Sequence[str] | None = None,
    margin: float | None = None,
    regions: Any = None,
) -> Figure:
    """Draw x–y trajectories over a video frame (image coordinates, y down).

    Parameters
    ----------
    position
        ``position`` with dims ``time``, ``keypoints``, ``space`` and optionally
        ``individuals`` and ``layers``.
    keypoints
        Keypoint(s) to draw; all by default.
    individual
        The individual to draw; the first by default.
    layers
        Layer(s) to draw, each in its own colour; all by default.
    frame
        A background image (grayscale or RGB array). Takes precedence over ``video``.
    video, frame_index
        Read the background from this video frame when ``frame`` is not given.
    ax
        Draw into these axes instead of a new figure.
    title
        Axes title.
    colors
        One colour per layer (default: :data:`PALETTE`).
    margin
        Zoom onto the drawn points: show only their bounding box plus this many
        pixels (default: the whole frame).
    regions
        Regions of interest (a region or a sequence of them, see
        :mod:`movement_like.roi`) to outline over the trajectories, each with
        its name.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if frame is None and video is not None:
        frame = read_video_frame(video, frame_index)
    if ax is None:
        fig, ax = new_figure(figsize=(8, 6))
    else:
        fig = cast("Figure", ax.figure)  # a SubFigure only if the caller made one
    position, _ = to_contract_dims(position)
    data = _pick(position, individuals=individual)
    if frame is not None:
        ax.imshow(frame, cmap="gray", origin="upper", interpolation="nearest")
    layer_names = _as_list(layers, data, "layers")
    keypoint_names = _as_list(keypoints, data, "keypoints")
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    for li, layer in enumerate(layer_names):
        per_layer = data if layer is None else data.sel(layers=layer)
        palette = list(colors) if colors else PALETTE
        colour = palette[li % len(palette)]
        for ki, keypoint in enumerate(keypoint_names):
            trace = per_layer if keypoint is None else per_layer.sel(keypoints=keypoint)
            x = np.asarray(trace.sel(space="x").values, dtype=float)
            y = np.asarray(trace.sel(space="y").values, dtype=float)
            present = np.isfinite(x) & np.isfinite(y)
            label = " / ".join(str(p) for p in (layer, keypoint) if p is not None) or None
            sparse = present.sum() < 0.5 * present.size
            if sparse:  # manual labels: dots, no line through the gaps
                ax.plot(
                    x,
                    y,
                    linestyle="none",
                    marker=markers[ki % len(markers)],
                    markersize=5,
                    markeredgecolor="black",
                    markeredgewidth=0.5,
                    color=colour,
                    label=label,
                )
            else:
                ax.plot(
                    x,
                    y,
                    linewidth=1.2,
                    color=colour,
                    alpha=0.9,
                    label=label,
                    marker=markers[ki % len(markers)],
                    markevery=[int(np.argmax(present))] if present.any() else None,
                    markersize=4,
                )
    if frame is not None:
        height, width = frame.shape[:2]
        left, right, top, bottom = -0.5, width - 0.5, -0.5, height - 0.5
        if margin is not None:
            drawn = np.concatenate([np.column_stack(line.get_data()) for line in ax.lines])
            drawn = drawn[np.isfinite(drawn).all(axis=1)]
            if drawn.size:
                low, high = drawn.min(axis=0) - margin, drawn.max(axis=0) + margin
                left, right = max(left, low[0]), min(right, high[0])
                top, bottom = max(top, low[1]), min(bottom, high[1])
        ax.set_xlim(left, right)
        ax.set_ylim(bottom, top)
    if regions is not None:  # after the limits, so that a zoom follows the points only
        from movement_like.roi.draw import draw_regions

        draw_regions(ax, regions)
    if frame is None:
        ax.invert_yaxis()
        ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("x (pixels)")
    ax.set_ylabel("y (pixels)")
    if title:
        ax.set_title(title)
    handles, _ = ax.get_legend_handles_labels()
    if handles:
        ax.legend(loc="upper right", fontsize="small", framealpha=0.8)
    return fig


def plot_time_series(
    position: xr.DataArray,
    keypoints: str | Sequence[str] | None = None,
    individual: str | None = None,
    layer: str | None = None,
    shade_gaps: bool = True,
) -> Figure:
    """Plot x and y of each keypoint against time, with missing stretches shaded.

    One row of axes per keypoint; the runs of frames where the point is
    missing (NaN in x or y) are shaded in red so gaps are seen at a glance.

    Parameters
    ----------
    position
        ``position`` with dims ``time``, ``keypoints``, ``space`` (optionally
        ``individuals``, ``layers``).
    keypoints
        Keypoint(s) to plot; all by default.
    individual, layer
        Which individual / layer; the first by default.
    shade_gaps
        Shade the NaN runs.

    Returns
    -------
    matplotlib.figure.Figure
    """
    position, _ = to_contract_dims(position)
    data = _pick(position, individuals=individual, layers=layer)
    names = _as_list(keypoints, data, "keypoints")
    fig, axes = new_figure(len(names), 1, figsize=(9, 1.9 * len(names) + 0.8), sharex=True)
    axes = np.atleast_1d(axes)
    time = np.asarray(data["time"].values, dtype=float)
    step = float(np.median(np.diff(time))) if time.size > 1 else 1.0
    for ax, name in zip(axes, names, strict=True):
        trace = data if name is None else data.sel(keypoints=name)
        for coordinate, colour in (("x", PALETTE[1]), ("y", PALETTE[0])):
            ax.plot(
                time,
                trace.sel(space=coordinate).values,
                color=colour,
                linewidth=1,
                label=coordinate,
            )
        if shade_gaps:
            missing = trace.isnull().any("space").values
            for start, stop in nan_runs(missing):
                ax.axvspan(
                    time[start] - step / 2,
                    time[stop] + step / 2,
                    color="red",
                    alpha=0.2,
                    linewidth=0,
                )
            ax.set_title(
                f"{name}: {100 * missing.mean():.1f} % missing"
                if name is not None
                else f"{100 * missing.mean():.1f} % missing",
                fontsize="small",
                loc="left",
            )
        ax.set_ylabel("pixels")
    axes[0].legend(loc="upper right", fontsize="small")
    axes[-1].set_xlabel(_time_label(data))
    return fig


def plot_confidence_histogram(
    confidence: xr.DataArray,
    bins: int = 40,
    threshold: float | None = None,
    by: str | None = "keypoints",
) -> Figure:
    """Histogram of confidence values, optionally one per keypoint, with a threshold line.

    Parameters
    ----------
    confidence
        Any confidence array; NaN (unknown) values are counted in the legend
        but not drawn.
    bins
        Number of bins between the smallest and largest finite value.
    threshold
        Draw a vertical line here (e.g. the ``filter_by_confidence`` threshold)
        and report the share of points below it.
    by
        Draw one step histogram per value of this dim (``None``: one in all).

    Returns
    -------
    matplotlib.figure.Figure
    """
    confidence, _ = to_contract_dims(confidence)
    by = {"keypoint": "keypoints", "individual": "individuals"}.get(by, by) if by else by
    fig, ax = new_figure(figsize=(7, 4.5))
    values = np.asarray(confidence.values, dtype=float)
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    edges = np.linspace(low, high if high > low else low + 1, bins + 1)
    groups = _as_list(None, confidence, by) if by else [None]
    for gi, group in enumerate(groups):
        part = confidence if group is None else confidence.sel({by: group})
        part_values = np.asarray(part.values, dtype=float).ravel()
        unknown = int(np.isnan(part_values).sum())
        label = f"{group}" if group is not None else "all"
        if unknown:
            label += f" ({unknown} unknown)"
        ax.hist(
            part_values[np.isfinite(part_values)],
            bins=edges,
            histtype="step",
            linewidth=1.5,
            color=PALETTE[gi % len(PALETTE)],
            label=label,
        )
    if threshold is not None:
        below = float((finite < threshold).mean() * 100) if finite.size else 0.0
        ax.axvline(
            threshold,
            color="black",
            linestyle="--",
            label=f"threshold {threshold:g} ({below:.1f} % below)",
        )
    ax.set_xlabel("confidence")
    ax.set_ylabel("count")
    ax.legend(fontsize="small")
    return fig


def plot_layer_comparison(
    position: xr.DataArray,
    layer_a: str,
    layer_b: str,
    keypoint: str | None = None,
    individual: str | None = None,
) -> Figure:
    """Plot two layers' x and y against time for one keypoint.

    The first layer is drawn as a line, the second as a line with dots where
    it has values, so a sparse manual layer over a dense prediction layer reads well.

    Parameters
    ----------
    position
        ``position`` with a ``layers`` dim.
    layer_a, layer_b
        The two layers to compare.
    keypoint, individual
        Which keypoint / individual; the first by default.

    Returns
    -------
    matplotlib.figure.Figure
    """
    position, _ = to_contract_dims(position)
    if "layers" not in position.dims:
        raise InvalidArgumentError("plot_layer_comparison needs data with a 'layers' dimension")
    data = _pick(position, individuals=individual, keypoints=keypoint)
    fig, axes = new_figure(2, 1, figsize=(9, 5), sharex=True)
    time = np.asarray(data["time"].values, dtype=float)
    for ax, coordinate in zip(axes, ("x", "y"), strict=True):
        a = data.sel(layers=layer_a, space=coordinate).values
        b = data.sel(layers=layer_b, space=coordinate).values
        ax.plot(time, a, color=PALETTE[1], linewidth=1, label=str(layer_a))
        ax.plot(
            time, b, color=PALETTE[0], linewidth=1, marker="o", markersize=3, label=str(layer_b)
        )
        ax.set_ylabel(f"{coordinate} (pixels)")
    name = (
        keypoint
        if keypoint is not None
        else (str(position["keypoints"].values[0]) if "keypoints" in position.coords else "")
    )
    axes[0].set_title(f"{name}: {layer_a} vs {layer_b}", loc="left", fontsize="small")
    axes[0].legend(fontsize="small", loc="upper right")
    axes[-1].set_xlabel(_time_label(data))
    return fig
