"""See and correct tracks in napari: a reader, layer conversions and DUSTrack's workflow.

Install with ``pip install "movement_like[napari]"``; napari finds the plugin
through its manifest (``napari.yaml``). ``import movement_like.napari`` does
not import napari or Qt: the conversions are plain numpy, and the widget
module (:mod:`.widget`) is imported by napari when the dock widget opens.

* :mod:`.convert`: datasets to Points / Tracks / Shapes layer data (:func:`dataset_to_layers`);
* :mod:`.edits`: an edited layer back to its dataset (:func:`layer_to_dataset`);
* :mod:`.regions`: regions of interest to Shapes and back;
* :mod:`.frames`: :class:`VideoFrames`, a lazy frame array with a bounded cache and read-ahead;
* :mod:`.viewer_setup`: what the reader sets up on a viewer (start at frame 0, stop a video's
  decoder with its layer, undo on our layers);
* :mod:`.history`: undo and redo of point edits (Ctrl+Z / Ctrl+Shift+Z);
* :mod:`.reader`: the reader contribution (:func:`get_reader`, :func:`read_layers`);
* :mod:`.workflow`: DUSTrack's layer operations on datasets, and their names;
* :mod:`.saving`: the Save actions (DUSTrack JSON, ``.nc`` state, any format);
* :mod:`.widget`: the dock widget (Qt).
"""

from movement_like.napari.convert import (
    KEYPOINT_COLORS,
    bboxes_layer_data,
    dataset_to_layers,
    is_dense_layer,
    keypoint_colors,
    layer_to_dataset,
    points_layer_data,
    points_to_dataset,
    tracks_layer_data,
)
from movement_like.napari.frames import VideoFrames
from movement_like.napari.reader import read_layers
from movement_like.napari.regions import layer_to_regions, regions_layer_data

__all__ = [
    "VideoFrames",
    "layer_to_regions",
    "read_layers",
    "regions_layer_data",
    "KEYPOINT_COLORS",
    "bboxes_layer_data",
    "dataset_to_layers",
    "is_dense_layer",
    "keypoint_colors",
    "layer_to_dataset",
    "points_layer_data",
    "points_to_dataset",
    "tracks_layer_data",
]
