"""Editing annotations as pure functions: corrections, merges, identity swaps, occupancy.

These are the edits DUSTrack and SLEAP users make on label sets, written for
our datasets (manual layers, prediction layers, whole multi-layer datasets
alike). Every function returns a new object and never changes its input; axes
are found by name, extra dimensions (``layers``, ``views``) are carried
through.

A *point* is one ``(time, individual, keypoint)`` position; it is *present*
when all its spatial coordinates are finite. Two inputs are matched on their
``frame`` coordinate when both have one (else on ``time``), and on individual
and keypoint names. One module per idea:

* :mod:`.edits`: :func:`apply_manual_corrections` (DUSTrack's "dlccorr":
  manual points win), :func:`merge_annotations` (combine two label sets
  without silent loss), :func:`swap_individuals` (fix an identity swap);
* :mod:`.presence`: :func:`track_occupancy`, :func:`annotated_frames`,
  :func:`complete_frames`, :func:`incomplete_frames` (which points exist where);
* :mod:`.layer_error`: :func:`inter_layer_error` (distance and RMSE between two layers);
* :mod:`.interest`: :func:`frames_of_interest`, :func:`set_frames_of_interest`
  (a frame list stored on the dataset as a netCDF-safe attribute).
"""

from movement_like.annotations.edits import (
    MergeResult,
    apply_manual_corrections,
    merge_annotations,
    swap_individuals,
)
from movement_like.annotations.interest import (
    frames_of_interest,
    frames_of_interest_mask,
    set_frames_of_interest,
)
from movement_like.annotations.layer_error import inter_layer_error
from movement_like.annotations.presence import (
    annotated_frames,
    complete_frames,
    incomplete_frames,
    track_occupancy,
)
from movement_like.errors import AnnotationConflictError

__all__ = [
    "AnnotationConflictError",
    "MergeResult",
    "apply_manual_corrections",
    "merge_annotations",
    "swap_individuals",
    "track_occupancy",
    "annotated_frames",
    "complete_frames",
    "incomplete_frames",
    "inter_layer_error",
    "frames_of_interest",
    "frames_of_interest_mask",
    "set_frames_of_interest",
]
