"""Every data file in ../shared/realdata loads through auto-detection and is a valid dataset.

The per-format tests check sizes and exact values; this one makes sure no real file
is forgotten and that ``from_file`` needs no hint for any of them.
"""

from __future__ import annotations

import pytest

from movement_like.dataset import validate_dataset
from movement_like.io import detect_format, load_dataset

#: Files that accompany data files but hold no tracks.
METADATA = {"MANIFEST.md", "config.yaml", "sherlock_attributes.json"}

#: Folders of media behind the track files (videos are inputs to optical flow, not tracks).
MEDIA_FOLDERS = {"videos"}

#: What auto-detection must say for each folder of real files.
EXPECTED_FORMAT = {
    "deeplabcut": "DeepLabCut",
    "lightningpose": "LightningPose",
    "sleap": "SLEAP",
    "nwb": "NWB",
    "idtrackerai": "idtracker.ai",
    "via": "VIA-tracks",
}


def test_every_real_file_loads_without_hints(realdata):
    files = sorted(
        p
        for p in realdata.rglob("*")
        if p.is_file()
        and p.name not in METADATA
        and p.relative_to(realdata).parts[0] not in MEDIA_FOLDERS
    )
    assert len(files) >= 26, files
    failures = []
    for path in files:
        top = path.relative_to(realdata).parts[0]
        try:
            fmt = detect_format(path)
            ds = load_dataset(path)
            validate_dataset(ds)
        except Exception as exc:  # collect all, report together
            failures.append(f"{path.relative_to(realdata)}: {type(exc).__name__}: {exc}")
            continue
        expected = EXPECTED_FORMAT[top]
        if fmt.name != expected:
            failures.append(
                f"{path.relative_to(realdata)}: detected {fmt.name}, expected {expected}"
            )
        if ds.sizes["time"] == 0 and "no_cameras" not in path.name:
            failures.append(f"{path.relative_to(realdata)}: no time points")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", sorted(METADATA - {"MANIFEST.md"}))
def test_metadata_files_are_not_mistaken_for_tracks(realdata, name):
    (path,) = list(realdata.rglob(name))
    with pytest.raises(Exception, match=name.replace(".", r"\.")):
        detect_format(path)


def test_videos_are_media_not_tracks(realdata):
    videos = sorted((realdata / "videos").iterdir())
    assert {p.suffix for p in videos} == {".mp4"} and len(videos) >= 4
    for path in videos:
        with pytest.raises(Exception, match="not a pose or bbox file format"):
            detect_format(path)
