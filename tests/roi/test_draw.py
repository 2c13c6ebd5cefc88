"""Regions drawn on any Axes: a plot of positions, or a video frame."""

from __future__ import annotations

import matplotlib
import numpy as np

from movement_like.roi import LineOfInterest, PolygonOfInterest, draw_regions

matplotlib.use("Agg")


def test_regions_over_a_video_frame():
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import PathPatch

    arena = PolygonOfInterest(
        [(10, 10), (90, 10), (90, 70), (10, 70)],
        holes=[[(40, 30), (60, 30), (60, 50), (40, 50)]],
        name="arena",
    )
    door = LineOfInterest([(0, 40), (10, 40)], name="door")
    fig, ax = plt.subplots()
    ax.imshow(np.zeros((80, 100)), cmap="gray")
    limits = (ax.get_xlim(), ax.get_ylim())
    artists = draw_regions(ax, [arena, door], colors=["red"], fill_alpha=0.0)
    assert [type(a) for a in artists[:2]] == [PathPatch, Line2D]
    assert [a.get_text() for a in artists[2:]] == ["arena", "door"]
    patch = artists[0]
    assert patch.get_facecolor()[3] == 0.0 and patch.get_edgecolor()[:3] == (1.0, 0.0, 0.0)
    assert (ax.get_xlim(), ax.get_ylim()) == limits  # the frame's view is kept (y down)
    assert artists[1].get_label() == "door"
    plt.close(fig)
    # the hole is cut out: drawn filled in black, its centre stays white, the ring does not
    fig, ax = plt.subplots()
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 80)
    draw_regions(ax, arena, labels=False, colors=["black"], fill_alpha=1.0)
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())
    for point, value in (((50, 40), 255), ((20, 20), 0)):
        x, y = ax.transData.transform(point)
        assert image[int(image.shape[0] - y), int(x), 0] == value
    plt.close(fig)


def test_one_region_and_styles():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    square = PolygonOfInterest([(0, 0), (1, 0), (1, 1), (0, 1)], name="square")
    (patch,) = draw_regions(ax, square, labels=False, polygon_kwargs={"linestyle": "--"})
    assert patch.get_linestyle() == "--" and len(ax.texts) == 0
    plt.close(fig)
