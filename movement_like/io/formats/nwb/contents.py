"""What an NWB file holds, independent of the library that read it.

Both readers (:mod:`.read_pynwb` and :mod:`.read_h5py`) fill these records, and
both conversions (:mod:`.estimation`, :mod:`.training`) read them, so the
readers know nothing of datasets and the conversions nothing of pynwb or h5py.
The value helpers below turn what either library gives (bytes, 0-d arrays,
scaled data, rate-based timing) into plain Python and numpy values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from movement_like.errors import FileFormatError

#: Package-internal: users import from :mod:`movement_like.io.formats.nwb`.
__all__: list[str] = []


@dataclass
class Series:
    """One PoseEstimationSeries: a keypoint over time."""

    name: str
    data: np.ndarray
    confidence: np.ndarray | None
    timestamps: np.ndarray
    rate: float | None = None
    description: str | None = None
    unit: str | None = None
    reference_frame: str | None = None
    confidence_definition: str | None = None


@dataclass
class Estimation:
    """One PoseEstimation (or the 3-D series of a MultiCameraPoseEstimation)."""

    module: str
    name: str
    series: list[Series]
    nodes: list[str] | None = None
    edges: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """``module/name``, as users pass them to pick an estimation."""
        return f"{self.module}/{self.name}"


@dataclass
class Instance:
    """One SkeletonInstance of a TrainingFrame."""

    name: str
    id: int | None
    locations: np.ndarray
    visibility: np.ndarray | None
    nodes: list[str]


@dataclass
class TrainingFrame:
    """One TrainingFrame: the labelled instances of one video frame."""

    name: str
    frame: int | None
    annotator: str | None
    instances: list[Instance]
    video: dict[str, Any] = field(default_factory=dict)


@dataclass
class Contents:
    """Everything :func:`from_nwb_file` uses from one NWB file."""

    source: str
    reader: str
    identifier: str | None = None
    subject_id: str | None = None
    estimations: list[Estimation] = field(default_factory=list)
    training: list[TrainingFrame] = field(default_factory=list)
    training_skeletons: list[tuple[list[str] | None, np.ndarray | None]] = field(
        default_factory=list
    )
    versions: dict[str, str] = field(default_factory=dict)


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return as_text(value[()])
    return str(value)


def as_texts(value: Any) -> list[str] | None:
    if value is None:
        return None
    return [as_text(v) or "" for v in np.asarray(value, dtype=object).ravel()]


def timestamps_of(
    n: int, timestamps: Any, starting_time: Any, rate: Any
) -> tuple[np.ndarray, float | None]:
    if timestamps is not None:
        return np.asarray(timestamps, dtype=np.float64).ravel(), None
    start = 0.0 if starting_time is None else float(starting_time)
    if rate is None or not float(rate) > 0:
        raise FileFormatError(
            None,
            "a series has neither timestamps nor a positive rate",
            "the NWB file must give each series timestamps or a rate",
        )
    return start + np.arange(n, dtype=np.float64) / float(rate), float(rate)


def scaled(data: np.ndarray, conversion: Any, offset: Any) -> np.ndarray:
    """NWB's stored values times ``conversion`` plus ``offset`` (skipped when 1 and 0)."""
    conversion = 1.0 if conversion is None else float(conversion)
    offset = 0.0 if offset is None else float(offset)
    if conversion == 1.0 and offset == 0.0:
        return data
    return data * conversion + offset


def float_array(value: Any) -> np.ndarray:
    array = np.asarray(value)
    return array if array.dtype.kind == "f" else array.astype(np.float64)


def safe_object_name(name: str) -> str:
    """``name`` usable as an NWB/HDF5 object name: no ``/`` or ``:``, not ``.``/``..``."""
    cleaned = name.replace("/", "_").replace(":", "_")
    return cleaned if cleaned not in (".", "..") else f"_{cleaned}"


def numbered_repeats(names: list[str]) -> list[str]:
    """Keep the first of equal names and number the next ones ``name_2``, ``name_3``."""
    unique: list[str] = []
    for name in names:
        candidate, count = name, 1
        while candidate in unique:
            count += 1
            candidate = f"{name}_{count}"
        unique.append(candidate)
    return unique


def unique_attr(values: Iterable[Any]) -> Any:
    distinct: list[Any] = []
    for value in values:
        if value is not None and value not in distinct:
            distinct.append(value)
    if not distinct:
        return None
    return distinct[0] if len(distinct) == 1 else distinct
