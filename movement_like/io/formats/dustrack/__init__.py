"""DUSTrack annotation layers: the layer JSON, layer discovery, trackermap.

A DUSTrack *layer* is one JSON file ``{video_stem}_annotations_{layer}.json``
next to the video, holding ``{label: {frame: [x, y]}}`` and nothing else: labels
are numeric strings, frames are 0-based integer strings, a frame that is not
annotated is simply absent. We read a layer into a standard poses dataset that
spans the whole video (NaN where not annotated), write one back so that DUSTrack
loads it identically, and gather all layers of a video (JSON layers plus, on
request, DeepLabCut predictions and labelled data of a DLC project) into one
dataset with a ``layers`` dimension. One module per idea:

* :mod:`.naming`: layer file names, video stems, labels and bodyparts;
* :mod:`.trackermap`: ``dlc_trackermap.txt`` (human-readable point names);
* :mod:`.layer_json`: the layer file itself, parsed, checked and formatted;
* :mod:`.layer`: one layer as a dataset, and back (the registry's reader and writer);
* :mod:`.discovery`: all the layers of a video, on one ``layers`` dimension.

Exporting a manual layer as DLC labelled data lives beside the DeepLabCut
reader, in :mod:`movement_like.io.formats.dlc_labelled` (its names are still
importable from here).

Conventions kept from DUSTrack (see ``docs/dustrack.md`` section 2):

* layer names follow :func:`canonical_layer_name`;
* human-readable names come from ``dlc_trackermap.txt`` (``point0 - name``);
* coordinates are written unshifted, x = column, y = row, pixels.

Deliberate differences: a video next to a layer is found with any common video
suffix (DUSTrack tries only ``.mp4``); trackermap lines without ``" - "`` are
skipped with a warning (DUSTrack crashes).
"""

from __future__ import annotations

from typing import Any

from movement_like.io.formats.dustrack import layer, layer_json
from movement_like.io.formats.dustrack.discovery import from_dustrack_layers, list_layers
from movement_like.io.formats.dustrack.layer import (
    from_dustrack_file,
    layer_dict,
    layer_points,
    layer_to_json_text,
    to_dustrack_file,
)
from movement_like.io.formats.dustrack.layer_json import read_layer_arrays, read_layer_json
from movement_like.io.formats.dustrack.naming import (
    VIDEO_SUFFIXES,
    canonical_layer_name,
    find_video,
    layer_file_name,
    video_stem_of,
)
from movement_like.io.formats.dustrack.trackermap import read_trackermap

__all__ = [
    "VIDEO_SUFFIXES",
    "canonical_layer_name",
    "layer_file_name",
    "video_stem_of",
    "find_video",
    "read_trackermap",
    "read_layer_json",
    "read_layer_arrays",
    "layer_points",
    "layer_dict",
    "layer_to_json_text",
    "list_layers",
    "from_dustrack_layers",
    "frame_name_digits",
    "labelled_data_frame",
    "to_dlc_labelled_data",
    "from_dustrack_file",
    "to_dustrack_file",
]

# The registry's glue (not part of __all__: the registry calls it, users call the names above).
sniff = layer_json.sniff
read = layer.read
write = layer.write

#: Names of :mod:`movement_like.io.formats.dlc_labelled`, still importable from here.
_DLC_LABELLED = ("frame_name_digits", "labelled_data_frame", "to_dlc_labelled_data")


def __getattr__(name: str) -> Any:
    """Resolve the DLC labelled-data names that moved beside the DeepLabCut reader (PEP 562).

    They are resolved when first used, not imported here: ``dlc_labelled``
    builds on this package's modules, so importing it from here would be a circle.
    """
    if name in _DLC_LABELLED:
        from movement_like.io.formats import dlc_labelled

        return getattr(dlc_labelled, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
