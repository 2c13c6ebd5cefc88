"""The controls of the DUSTrack dock widget, laid out (Qt).

:func:`build_controls` makes the widget's groups (layers, frames of interest,
event interval, actions, save) and connects each button to the widget's method
of the same meaning; the widget itself (:mod:`movement_like.napari.widget`)
holds the behaviour.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from qtpy.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

__all__ = ["build_controls"]


def _button(text: str, slot: Callable[[], Any]) -> QPushButton:
    button = QPushButton(text)
    button.clicked.connect(lambda *_: slot())
    return button


def build_controls(widget: Any) -> None:
    """Lay out the controls of ``widget`` and connect them to its methods.

    Parameters
    ----------
    widget
        The :class:`~movement_like.napari.widget.DUSTrackWidget` being built; its
        combo boxes, spin boxes and progress bar become its attributes.
    """
    layout = QVBoxLayout(widget)
    layers = QGroupBox("Layers")
    form = QFormLayout(layers)
    widget.current_box, widget.overlay_box, widget.keypoint_box = (
        QComboBox(),
        QComboBox(),
        QComboBox(),
    )
    widget.current_box.currentTextChanged.connect(lambda *_: widget._refresh_keypoints())
    widget.current_box.currentTextChanged.connect(lambda *_: widget._remember())
    widget.overlay_box.currentTextChanged.connect(lambda *_: widget._remember())
    form.addRow("Current", widget.current_box)
    form.addRow("Overlay", widget.overlay_box)
    form.addRow("Keypoint", widget.keypoint_box)
    layout.addWidget(layers)

    marks = QGroupBox("Frames of interest")
    row = QHBoxLayout(marks)
    row.addWidget(_button("Mark / unmark", widget.toggle_frame_of_interest))
    row.addWidget(_button("◀", widget.previous_frame_of_interest))
    row.addWidget(_button("▶", widget.next_frame_of_interest))
    widget.marks_label = QLabel("none")
    row.addWidget(widget.marks_label)
    layout.addWidget(marks)

    interval = QGroupBox("Event interval")
    grid = QFormLayout(interval)
    widget.start_box, widget.end_box = QSpinBox(), QSpinBox()
    for box in (widget.start_box, widget.end_box):
        box.setRange(0, 10**9)
    start_row, end_row = QHBoxLayout(), QHBoxLayout()
    start_row.addWidget(widget.start_box)
    start_row.addWidget(_button("= this frame", lambda: widget.start_box.setValue(widget.frame)))
    end_row.addWidget(widget.end_box)
    end_row.addWidget(_button("= this frame", lambda: widget.end_box.setValue(widget.frame)))
    grid.addRow("Start", start_row)
    grid.addRow("End", end_row)
    layout.addWidget(interval)

    act = QGroupBox("Act")
    column = QVBoxLayout(act)
    copy_row = QHBoxLayout()
    copy_row.addWidget(QLabel("Copy overlay:"))
    for scope, text in (
        ("frame", "this frame"),
        ("marked", "marked"),
        ("interval", "interval"),
    ):
        copy_row.addWidget(_button(text, functools.partial(widget.copy_overlay, scope)))
    column.addLayout(copy_row)
    column.addWidget(_button("New manual layer (like the overlay)", widget.new_manual_layer))
    column.addWidget(_button("Fill interval by LK-RSTC", widget.fill_interval))
    column.addWidget(_button("Apply manual corrections (dlccorr)", widget.apply_corrections))
    jitter_row = QHBoxLayout()
    widget.window_box = QDoubleSpinBox()
    widget.window_box.setRange(0.01, 60.0)
    widget.window_box.setDecimals(3)
    widget.window_box.setValue(0.5)
    widget.window_box.setSuffix(" s")
    jitter_row.addWidget(_button("Reduce jitter", widget.reduce_jitter))
    jitter_row.addWidget(widget.window_box)
    column.addLayout(jitter_row)
    undo_row = QHBoxLayout()
    undo_row.addWidget(_button("Undo (Ctrl+Z)", widget.undo))
    undo_row.addWidget(_button("Redo (Ctrl+Shift+Z)", widget.redo))
    column.addLayout(undo_row)
    widget.progress = QProgressBar()
    widget.progress.setVisible(False)
    column.addWidget(widget.progress)
    layout.addWidget(act)

    save = QGroupBox("Save")
    save_column = QVBoxLayout(save)
    save_column.addWidget(_button("Current layer as DUSTrack JSON…", widget._save_json_dialog))
    save_column.addWidget(_button("Current layer as…", widget._save_any_dialog))
    save_column.addWidget(_button("Whole state (.nc)…", widget._save_state_dialog))
    layout.addWidget(save)
    layout.addStretch()
