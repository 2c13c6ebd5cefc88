"""The demo's figures, drawn with matplotlib for a reader: real names, units, every promised layer.

matplotlib is imported inside the functions; nothing here touches data files
except the one video frame drawn under the tracks.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr
    from matplotlib.figure import Figure

__all__ = ["new_figure", "video_frame", "tracks_figure", "time_unit"]

#: Colours of individuals (tracks) in the real-sample figure.
TRACK_COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"]


def new_figure(figsize: tuple[float, float]) -> Figure:
    """Return an empty figure on the Agg canvas (no pyplot, no display needed).

    Parameters
    ----------
    figsize
        ``(width, height)`` of the figure in inches.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with constrained layout, attached to an Agg canvas so it can
        be saved without a GUI backend or pyplot's global state.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def video_frame(video: Any, index: int = 0) -> np.ndarray | None:
    """Return one grayscale frame of the video, or ``None`` when there is no video.

    Parameters
    ----------
    video
        The video file or image folder; a false value (``None``, ``""``) means no video.
    index
        The frame to read, from 0.

    Returns
    -------
    numpy.ndarray or None
        The ``(height, width)`` grayscale frame, or ``None`` without a video.
    """
    if not video:
        return None
    from movement_like.video import VideoReader

    with VideoReader(video) as reader:
        return reader.gray_frame(int(index))


def time_unit(data: xr.DataArray | xr.Dataset) -> str:
    """``"s"`` when time is in seconds, else ``"frame"``.

    Parameters
    ----------
    data
        An array or dataset; its ``attrs["time_unit"]`` says the unit of ``time``
        (seconds when absent).

    Returns
    -------
    str
        The unit to write in axis labels: ``"s"`` or ``"frame"``.
    """
    return "s" if data.attrs.get("time_unit", "seconds") == "seconds" else "frame"


def _outline(ax: Any, coords_json: str, **kwargs: Any) -> None:
    points = np.asarray(json.loads(coords_json))
    ax.plot(points[:, 0], points[:, 1], **kwargs)


def tracks_figure(state: xr.Dataset, frame: np.ndarray | None, title: str) -> Figure:
    """Draw the real-sample figure: track over the video frame, speed, head direction, centre time.

    Parameters
    ----------
    state
        The state :func:`movement_like.demo.tracks.run_tracks` returns.
    frame
        A grayscale video frame to draw under the tracks, or ``None``.
    title
        The figure's title (the sample and where it came from).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, on an Agg canvas, ready to be saved.
    """
    has_heading = "heading" in state
    fig = new_figure((18, 6.2))
    grid = fig.add_gridspec(
        1, 4 if has_heading else 3, width_ratios=[1.5, 1.2, 0.9, 0.9][: 4 if has_heading else 3]
    )
    ax_track = fig.add_subplot(grid[0])
    ax_speed = fig.add_subplot(grid[1])
    ax_heading: Any = fig.add_subplot(grid[2], projection="polar") if has_heading else None
    ax_centre = fig.add_subplot(grid[-1])
    fig.suptitle(title, fontsize="large")

    body = state["body"].transpose("time", "individuals", "space")
    raw = state["body_raw"].transpose("time", "individuals", "space")
    name = state.attrs["body_point"]
    individuals = [
        f"track {i}" if str(i).isdigit() else str(i) for i in state["individuals"].values
    ]
    many = len(individuals) > 1
    unit = time_unit(state)

    if frame is not None:
        ax_track.imshow(frame, cmap="gray", vmin=0, vmax=255)
        where = "over video frame 0"
    else:
        ax_track.set_facecolor("#f4f4f4")
        ax_track.invert_yaxis()  # image axes: y points down, as in the video
        where = "(no video: image axes)"
    _outline(
        ax_track,
        state.attrs["arena"],
        color="#00bfff",
        linewidth=1.5,
        linestyle="--",
        label=f"arena ({state.attrs['arena_source']})",
    )
    _outline(
        ax_track,
        state.attrs["centre_zone"],
        color="#ffd92f",
        linewidth=2.0,
        label="centre zone (middle half of width and height)",
    )
    for k, individual in enumerate(individuals):
        colour = TRACK_COLOURS[k % len(TRACK_COLOURS)]
        xy = body.values[:, k]
        label = f"{individual}: cleaned track" if many else "cleaned track"
        ax_track.plot(xy[:, 0], xy[:, 1], color=colour, linewidth=1.0, alpha=0.9, label=label)
        first = np.flatnonzero(np.isfinite(xy).all(axis=1))
        if first.size:
            ax_track.plot(
                *xy[first[0]], marker="o", color=colour, markersize=6, markeredgecolor="black"
            )
    ax_track.plot(
        [], [], marker="o", linestyle="", color="grey", markeredgecolor="black", label="start"
    )
    ax_track.set_title(f"Track of the {name},\n{where}", loc="left", fontsize="medium")
    ax_track.set_xlabel("x (pixels)")
    ax_track.set_ylabel("y (pixels)")
    handles, labels = ax_track.get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="outside lower left",
        ncols=min(6, len(labels)),
        fontsize="small",
        frameon=False,
    )
    if frame is None:
        ax_track.set_aspect("equal")

    time = np.asarray(body["time"].values, dtype=float)
    span = 20.0 if unit == "s" else 200.0  # a stretch short enough to see raw vs cleaned
    excerpt = time <= time[0] + span
    speed_raw = np.sqrt((np.gradient(raw.values, time, axis=0) ** 2).sum(axis=-1))
    speed = state["speed"].transpose("time", "individuals").values
    shown = individuals[:3]
    for k, individual in enumerate(shown):
        colour = TRACK_COLOURS[k % len(TRACK_COLOURS)]
        prefix = f"{individual}: " if many else ""
        ax_speed.plot(
            time[excerpt],
            speed_raw[excerpt, k],
            color="#555555" if not many else colour,
            alpha=0.6 if not many else 0.35,
            linewidth=0.8,
            label=f"{prefix}raw predictions",
        )
        ax_speed.plot(
            time[excerpt], speed[excerpt, k], color=colour, linewidth=1.4, label=f"{prefix}cleaned"
        )
    inside = state["in_centre"].transpose("time", "individuals").values[:, 0].astype(bool)
    if inside.any() and not many:
        top = np.nanpercentile(speed_raw, 99.5) if np.isfinite(speed_raw).any() else 1.0
        ax_speed.fill_between(
            time[excerpt],
            0,
            top,
            where=inside[excerpt],
            color="#ffd92f",
            alpha=0.35,
            label="in the centre zone",
            step="mid",
        )
        ax_speed.set_ylim(0, top)
    more = (
        f" (first {len(shown)} of {len(individuals)} tracks)"
        if len(shown) < len(individuals)
        else ""
    )
    stretch = f"first {span:g} {'s' if unit == 's' else 'frames'}"
    ax_speed.set_title(
        f"Speed of the {name.split(' (')[0]}, {stretch}{more}", loc="left", fontsize="medium"
    )
    ax_speed.set_xlabel("time (seconds)" if unit == "s" else "time (frames)")
    ax_speed.set_ylabel(f"speed (pixels / {'second' if unit == 's' else 'frame'})")
    ax_speed.legend(fontsize="x-small", loc="upper right")

    if ax_heading is not None:
        heading = state["heading"].transpose("time", "individuals").values
        bins = np.linspace(-np.pi, np.pi, 37)
        for k, individual in enumerate(shown):
            angles = heading[:, k][np.isfinite(heading[:, k])]
            counts, _ = np.histogram(angles, bins=bins)
            share = counts / max(1, counts.sum()) * 100
            ax_heading.bar(
                bins[:-1],
                share,
                width=np.diff(bins),
                align="edge",
                color=TRACK_COLOURS[k % len(TRACK_COLOURS)],
                alpha=0.6,
                edgecolor="black",
                linewidth=0.3,
                label=individual if many else None,
            )
        ax_heading.set_theta_zero_location("E")
        ax_heading.set_theta_direction(-1)  # image axes: +90 degrees points down the frame
        left, right = state.attrs["head_pair"].split(",")
        ax_heading.set_title(
            f"Head direction, from {left} and {right}\n(% of frames in each 10-degree bin;\n"
            "0 = towards +x, 90 = down the frame)",
            fontsize="medium",
            pad=18,
        )

    centre = state["in_centre"].transpose("time", "individuals").values.astype(bool)
    seen = body.notnull().all("space").values
    share = [
        100 * centre[seen[:, k], k].mean() if seen[:, k].any() else 0.0
        for k in range(len(individuals))
    ]
    colours = [TRACK_COLOURS[k % len(TRACK_COLOURS)] for k in range(len(individuals))]
    ax_centre.bar(range(len(individuals)), share, color=colours, edgecolor="black")
    ax_centre.bar(
        range(len(individuals)),
        [100 - s for s in share],
        bottom=share,
        color="#dddddd",
        edgecolor="black",
    )
    for k, s in enumerate(share):
        ax_centre.text(k, s / 2, f"{s:.0f}%", ha="center", va="center", fontsize="small")
    ax_centre.set_xticks(
        range(len(individuals)),
        individuals if many else [name.split(" (")[0]],
        rotation=45 if len(individuals) > 3 else 0,
        fontsize="small",
    )
    ax_centre.set_ylim(0, 100)
    ax_centre.set_ylabel("share of tracked time (%)")
    ax_centre.set_title(
        "Time in the centre zone (colour)\nvs the rest of the arena (grey)",
        loc="left",
        fontsize="medium",
    )
    return fig
