"""Regenerate the bundled sample data and the sample-data registry, reproducibly.

Every sample is synthetic (so it can be shipped freely) but written by the
library's own writers in the real tools' formats:

* ``synthetic_ultrasound``: a short ultrasound-like speckle video (the
  package's synthetic-video generator, known sub-pixel motion), a sparse
  DUSTrack manual layer (a few clicked frames) and a dense DeepLabCut prediction
  ``.h5`` (every frame, realistic noise, a few low-likelihood dropouts);
* ``multi_mouse_dlc``: a multi-animal DeepLabCut ``.h5`` (3 mice, 6 bodyparts);
* ``two_flies_sleap``: a SLEAP analysis ``.h5`` (2 flies, 5 nodes);
* ``three_mice_via``: a VIA tracks ``.csv`` of bounding boxes (3 mice).

The registry also lists real files written by the real tools, with their
videos (``REAL_FILES``): they are never bundled (their licences differ and the
wheel stays small) but downloaded on first use from their public source, or
taken from a local mirror folder. Their sizes and hashes are written here from
the upstream files; with ``--mirror DIR`` the script checks them against a copy.

Everything follows from fixed seeds: running the script twice gives the same
data, and the same bytes for every file except the DeepLabCut ``.h5`` files, in
which PyTables records the time the HDF5 objects were created. Usage::

    python scripts/make_sample_data.py               # rewrite the bundled files
    python scripts/make_sample_data.py --out DIR     # write elsewhere (registry in DIR)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from movement_like.dataset import bboxes_from_numpy, poses_from_numpy  # noqa: E402
from movement_like.io import save_bboxes, save_poses  # noqa: E402
from movement_like.sample_data.registry import (  # noqa: E402
    REGISTRY_NAME,
    bundled_dir,
    parse_registry,
    sha256_of,
)

HEADER = """\
# movement_like sample-data registry.
# One line per file, whitespace-separated columns:
#   name  sha256  size_bytes  source_format  fps  description...  [options]
# name          : file name, unique; bundled files live in movement_like/sample_data/files/<name>
# sha256        : hex digest of the file, verified before use
# size_bytes    : file size in bytes
# source_format : the movement_like format name (DeepLabCut, SLEAP, VIA-tracks, DUSTrack, video)
# fps           : frames per second, or - when unknown
# description   : free text, followed by optional key=value options:
#   dataset=<name> : the dataset the file belongs to (default: the file name); a dataset may
#                    have several files, e.g. a video and its annotation layers
#   role=<role>    : poses | bboxes | layers | video (default: from source_format)
#   layer=<name>   : layer name of an annotation layer (default: DUSTrack's name for the file)
#   role=trackermap: DUSTrack's dlc_trackermap.txt, the names of the numbered points
#   url=<URL>      : files that are not bundled are downloaded once with pooch into the user
#                    cache (see movement_like.sample_data.cache_dir)
#   path=<PATH>    : where the file sits in a local mirror folder ($MOVEMENT_LIKE_SAMPLE_MIRROR),
#                    used before the cache and the network (default: the file name)
#   licence=<SPDX> : the licence of a file made elsewhere (default: made by this project,
#                    BSD-3-Clause like the package)
# Lines starting with # are comments. scripts/make_sample_data.py writes this file and
# its copy in movement_like/sample_data/files/: edit the script, not this file.
"""

# --------------------------------------------------------------------------- #
# the ultrasound sample: video + manual layer + DeepLabCut layer
# --------------------------------------------------------------------------- #
US_STEM = "synthetic_ultrasound"
US_FPS = 30.0
US_FRAMES = 150
US_SCORER = "DLC_resnet50_ultrasoundNov23shuffle1_5000"
US_DLC_FILE = f"{US_STEM}{US_SCORER}.h5"
US_DLC_LAYER = "dlc_iteration-0_5000"
#: Frames a human annotated: uneven spacing, as when clicking through a video.
US_MANUAL_FRAMES = [0, 14, 29, 44, 60, 74, 89, 105, 119, 134, 149]
#: What the three points stand for, as DUSTrack's ``dlc_trackermap.txt`` says.
US_TRACKERMAP = {  # point 2 is nearest the probe (top of the image), point 0 deepest
    "point0": "deep_aponeurosis",
    "point1": "fascicle_insertion",
    "point2": "superficial_aponeurosis",
}


def make_ultrasound(out: Path) -> list[tuple[str, str, float, str, dict[str, str]]]:
    """Write the video, the manual layer JSON and the DLC prediction .h5."""
    from movement_like.sample_data.synthetic import make_synthetic_video

    video = make_synthetic_video(
        out / f"{US_STEM}.mp4",
        n_frames=US_FRAMES,
        size=(320, 240),
        n_points=3,
        fps=US_FPS,
        amplitude=24.0,
        period=80.0,
        deformation=3.0,
        noise=2.0,
        seed=8,
        overwrite=True,
    )
    truth = video.positions  # (time, points, 2)
    n_time, n_points, _ = truth.shape
    rng = np.random.default_rng(20261123)

    # manual layer: clicked frames only, with a small human click error
    manual = np.full_like(truth, np.nan)
    frames = np.array(US_MANUAL_FRAMES)
    manual[frames] = truth[frames] + rng.normal(0.0, 0.25, truth[frames].shape)
    manual[74, 2] = np.nan  # label "2" was skipped on one frame: a longer gap for it
    manual_ds = poses_from_numpy(
        manual[:, None],
        keypoint_names=[str(i) for i in range(n_points)],
        fps=US_FPS,
        source_software="DUSTrack",
    )
    manual_path = save_poses.to_dustrack_file(
        manual_ds, out / f"{US_STEM}_annotations_manual.json", overwrite=True
    )

    # DeepLabCut layer: every frame, jittery, with a few confident-looking-wrong dropouts
    dlc = truth + rng.normal(0.0, 1.0, truth.shape)
    likelihood = np.clip(0.99 - np.abs(rng.normal(0.0, 0.04, truth.shape[:2])), 0.0, 1.0)
    dropouts = [(0, 31, 4), (1, 52, 3), (2, 70, 6), (0, 97, 2), (1, 118, 5), (2, 12, 3)]
    for point, start, length in dropouts:
        angle = rng.uniform(0, 2 * np.pi)
        jump = rng.uniform(12.0, 25.0) * np.array([np.cos(angle), np.sin(angle)])
        stop = start + length
        dlc[start:stop, point] = truth[start:stop, point] + jump + rng.normal(0.0, 2.0, (length, 2))
        likelihood[start:stop, point] = rng.uniform(0.05, 0.4, length)
    dlc_ds = poses_from_numpy(
        dlc[:, None],
        likelihood[:, None],
        keypoint_names=[f"point{i}" for i in range(n_points)],
        fps=US_FPS,
        source_software="DeepLabCut",
    )
    save_poses.to_dlc_file(dlc_ds, out / US_DLC_FILE, overwrite=True, scorer=US_SCORER)
    trackermap = out / "dlc_trackermap.txt"
    trackermap.write_text(
        "".join(f"{point} - {name}\n" for point, name in US_TRACKERMAP.items()), encoding="utf-8"
    )
    return [
        (
            video.path.name,
            "video",
            US_FPS,
            "Synthetic ultrasound-like speckle video, 320x240, 150 frames, known motion",
            {"dataset": US_STEM},
        ),
        (
            manual_path.name,
            "DUSTrack",
            US_FPS,
            "DUSTrack manual layer: 3 labels clicked on 11 frames",
            {"dataset": US_STEM, "layer": "manual"},
        ),
        (
            US_DLC_FILE,
            "DeepLabCut",
            US_FPS,
            "DeepLabCut predictions of the 3 labels on every frame, with dropouts",
            {"dataset": US_STEM, "role": "layers", "layer": US_DLC_LAYER},
        ),
        (
            trackermap.name,
            "trackermap",
            US_FPS,
            "DUSTrack trackermap: the anatomical names of points 0, 1 and 2",
            {"dataset": US_STEM},
        ),
    ]


# --------------------------------------------------------------------------- #
# animals walking in an arena (for the DLC, SLEAP and VIA samples)
# --------------------------------------------------------------------------- #
def walk(
    rng: np.random.Generator,
    n_time: int,
    n_animals: int,
    arena: tuple[float, float],
    speed: float,
    turn: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Smooth random walks: centres ``(time, animals, 2)`` and headings ``(time, animals)``."""
    width, height = arena
    centre = np.empty((n_time, n_animals, 2))
    heading = np.empty((n_time, n_animals))
    centre[0] = rng.uniform(
        [0.25 * width, 0.25 * height], [0.75 * width, 0.75 * height], (n_animals, 2)
    )
    heading[0] = rng.uniform(0, 2 * np.pi, n_animals)
    turn_rate = np.zeros(n_animals)
    for t in range(1, n_time):
        turn_rate = 0.9 * turn_rate + rng.normal(0.0, turn, n_animals)
        heading[t] = heading[t - 1] + turn_rate
        step = speed * (0.6 + 0.4 * np.sin(t / 17.0 + np.arange(n_animals)))
        proposal = centre[t - 1] + step[:, None] * np.stack(
            [np.cos(heading[t]), np.sin(heading[t])], axis=1
        )
        outside = (
            (proposal[:, 0] < 40)
            | (proposal[:, 0] > width - 40)
            | (proposal[:, 1] < 40)
            | (proposal[:, 1] > height - 40)
        )
        heading[t, outside] += np.pi  # turn back at the walls
        centre[t] = np.where(outside[:, None], centre[t - 1], proposal)
    return centre, heading


def body(centre: np.ndarray, heading: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Place keypoints at body-frame ``offsets (K, 2)`` (forward, left).

    Returns positions of shape ``(time, animals, K, 2)``.
    """
    cos, sin = np.cos(heading)[..., None], np.sin(heading)[..., None]
    x = centre[..., None, 0] + offsets[:, 0] * cos - offsets[:, 1] * sin
    y = centre[..., None, 1] + offsets[:, 0] * sin + offsets[:, 1] * cos
    return np.stack([x, y], axis=-1)


MOUSE_PARTS = ["snout", "left_ear", "right_ear", "neck", "tail_base", "tail_tip"]
MOUSE_OFFSETS = np.array([[30, 0], [18, 9], [18, -9], [12, 0], [-25, 0], [-60, 4]], float)
MOUSE_DLC_FILE = "three_mice_openfieldDLC_dlcrnetms5_openfieldNov23shuffle1_200000.h5"


def make_mice(out: Path) -> list[tuple[str, str, float, str, dict[str, str]]]:
    """Multi-animal DeepLabCut predictions and VIA boxes of the same three mice."""
    rng = np.random.default_rng(7)
    n_time, fps = 300, 30.0
    centre, heading = walk(rng, n_time, 3, (640, 480), speed=3.0, turn=0.04)
    position = body(centre, heading, MOUSE_OFFSETS) + rng.normal(0, 0.8, (n_time, 3, 6, 2))
    likelihood = np.clip(0.98 - np.abs(rng.normal(0, 0.05, position.shape[:3])), 0, 1)
    # occlusions: a mouse's tail is hidden for a while; a whole mouse is lost briefly
    position[100:130, 1, 5] = np.nan
    likelihood[100:130, 1, 5] = np.nan
    position[200:208, 2] = np.nan
    likelihood[200:208, 2] = np.nan
    low = rng.random(likelihood.shape) < 0.03
    position[low] += rng.normal(0, 6.0, (int(low.sum()), 2))
    likelihood[low] = rng.uniform(0.1, 0.5, int(low.sum()))
    mice = poses_from_numpy(
        position,
        likelihood,
        individual_names=["mouse1", "mouse2", "mouse3"],
        keypoint_names=MOUSE_PARTS,
        fps=fps,
        source_software="DeepLabCut",
    )
    save_poses.to_dlc_file(
        mice,
        out / MOUSE_DLC_FILE,
        split_individuals=False,
        overwrite=True,
        scorer="DLC_dlcrnetms5_openfieldNov23shuffle1_200000",
    )

    # VIA: a person drew boxes around each mouse on every 5th frame of the first 200
    frames = np.arange(0, 200, 5)
    points = position[frames]
    low_corner = np.nanmin(points, axis=2) - 6.0
    high_corner = np.nanmax(points, axis=2) + 6.0
    boxes = bboxes_from_numpy(
        np.round((low_corner + high_corner) / 2, 1),
        np.round(high_corner - low_corner, 1),
        individual_names=["id_1", "id_2", "id_3"],
        frame_array=frames,
        fps=fps,
        source_software="VIA-tracks",
    )
    save_bboxes.to_via_tracks_file(
        boxes, out / "three_mice_via_tracks.csv", overwrite=True, filename_prefix="img"
    )
    return [
        (
            MOUSE_DLC_FILE,
            "DeepLabCut",
            fps,
            "Multi-animal DeepLabCut predictions: 3 mice, 6 bodyparts, 300 frames",
            {"dataset": "multi_mouse_dlc"},
        ),
        (
            "three_mice_via_tracks.csv",
            "VIA-tracks",
            fps,
            "VIA tracks CSV: boxes around 3 mice on every 5th frame",
            {"dataset": "three_mice_via"},
        ),
    ]


FLY_NODES = ["head", "thorax", "abdomen", "wingL", "wingR"]
FLY_OFFSETS = np.array([[14, 0], [4, 0], [-12, 0], [-10, 8], [-10, -8]], float)
FLY_EDGES = [(0, 1), (1, 2), (1, 3), (1, 4)]


def make_flies(out: Path) -> list[tuple[str, str, float, str, dict[str, str]]]:
    """Write a SLEAP analysis file of two flies."""
    rng = np.random.default_rng(11)
    n_time, fps = 200, 50.0
    centre, heading = walk(rng, n_time, 2, (400, 400), speed=2.0, turn=0.06)
    position = body(centre, heading, FLY_OFFSETS) + rng.normal(0, 0.5, (n_time, 2, 5, 2))
    scores = np.clip(0.95 - np.abs(rng.normal(0, 0.08, position.shape[:3])), 0, 1)
    position[60:75, 0, 3:] = np.nan  # wings not found for a while
    scores[60:75, 0, 3:] = np.nan
    flies = poses_from_numpy(
        position.astype(np.float32),
        scores.astype(np.float32),
        individual_names=["track_0", "track_1"],
        keypoint_names=FLY_NODES,
        fps=fps,
        source_software="SLEAP",
    )
    flies.attrs["skeleton_edges"] = json.dumps([[FLY_NODES[a], FLY_NODES[b]] for a, b in FLY_EDGES])
    save_poses.to_sleap_analysis_file(flies, out / "two_flies.analysis.h5", overwrite=True)
    return [
        (
            "two_flies.analysis.h5",
            "SLEAP",
            fps,
            "SLEAP analysis HDF5: 2 flies, 5 nodes, 200 frames",
            {"dataset": "two_flies_sleap"},
        ),
    ]


# --------------------------------------------------------------------------- #
# real files, never bundled: fetched from their public source or a mirror
# --------------------------------------------------------------------------- #
_DLC2NWB = (
    "https://raw.githubusercontent.com/DeepLabCut/DLC2NWB/0dd3d16e240f45518e8fe040a9f8779c2c8f60fc"
)
_DLC = "https://raw.githubusercontent.com/DeepLabCut/DeepLabCut/2df0f46c8c8c56c8238b46b3d58384163bafb2f0"
_SLEAP = "https://raw.githubusercontent.com/talmolab/sleap/7785f660eff1ae2ee4deaef5d5dc0e7758dbbd16"
_TT = "https://raw.githubusercontent.com/fjhheras/trajectorytools/a2570d67d2024a8b3232872d6f1a0f5be147adf0"
_VIA = "https://raw.githubusercontent.com/ox-vgg/via/aa9b87f965e6d4cedfb4ebdf1bc006ba13dcb41d"
_OPENFIELD_H5 = "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"

#: (mirror path, sha256, size, format, fps, description, options) of each real file.
REAL_FILES: list[tuple[str, str, int, str, float | None, str, dict[str, str]]] = [
    (
        f"deeplabcut/{_OPENFIELD_H5}",
        "cc4683cd1db911ee7526d040bc726313ae06c34828b5c9743fefc034d8c17cb7",
        282379,
        "DeepLabCut",
        30.0,
        "Real DeepLabCut 2.2 predictions of one mouse in an open field (snout, ears, tail base; "
        "2330 frames), from DeepLabCut/DLC2NWB examples/",
        {
            "dataset": "openfield_mouse",
            "licence": "MIT",
            "url": f"{_DLC2NWB}/examples/{_OPENFIELD_H5}",
        },
    ),
    (
        "videos/m3v1mp4.mp4",
        "e2394b4221821cdb7206910a6efcec9db338cb497d1f880bd5a0ef2fd087ce59",
        2216380,
        "video",
        30.0,
        "The real camera video those predictions were made on: 640x480, 2330 frames, from "
        "DeepLabCut/DeepLabCut examples/openfield-Pranav-2018-10-30/videos/",
        {
            "dataset": "openfield_mouse",
            "licence": "LGPL-3.0",
            "url": f"{_DLC}/examples/openfield-Pranav-2018-10-30/videos/m3v1mp4.mp4",
        },
    ),
    (
        "sleap/centered_pair_predictions.slp",
        "18f7e7fcda459211857efaba654d2c3a101f4614a385cbbaaccf53f21294db8e",
        1609984,
        "SLEAP",
        15.0,
        "Real SLEAP predictions of two flies (24-node skeleton, 1100 frames), from talmolab/sleap "
        "tests/data/; SLEAP's licence is for research and academic use only",
        {
            "dataset": "centered_pair_flies",
            "licence": "BSD-3-Clause-Clear",
            "url": f"{_SLEAP}/tests/data/hdf5_format_v1/centered_pair_predictions.slp",
        },
    ),
    (
        "videos/centered_pair_low_quality.mp4",
        "d6ce6c0139f0ca89fdda96ae80358c04f5c337971888783101cf5795f8642ec0",
        956757,
        "video",
        15.0,
        "The real video of the two flies: 384x384, 1100 frames, from talmolab/sleap tests/data/; "
        "research and academic use only",
        {
            "dataset": "centered_pair_flies",
            "licence": "BSD-3-Clause-Clear",
            "url": f"{_SLEAP}/tests/data/json_format_v1/centered_pair_low_quality.mp4",
        },
    ),
    (
        "idtrackerai/test_trajectories_idtrackerai_with_border.npy",
        "7cd65fbbbd4be836179489da2fb9d44f4b9963594edfe15fb2d71f81b5bfe89f",
        98545,
        "idtracker.ai",
        28.0,
        "Real idtracker.ai trajectories of 8 fish (508 frames) with the arena border, from "
        "fjhheras/trajectorytools data/ (no video)",
        {
            "dataset": "eight_fish_idtrackerai",
            "licence": "GPL-3.0",
            "url": f"{_TT}/trajectorytools/data/test_trajectories_idtrackerai_with_border.npy",
        },
    ),
    (
        "via/sherlock_ep01_tracks_FRCNN.csv",
        "024cdd0ce0d8eed490ea01e42b886103d068e3ada0150e301bb6cb437f4ff50b",
        58839,
        "VIA-tracks",
        None,
        "Real VIA face tracks: 4 faces over 266 frames of a TV episode, from ox-vgg/via "
        "face_track_annotation demo (no video)",
        {
            "dataset": "sherlock_faces_via",
            "licence": "BSD-2-Clause",
            "url": f"{_VIA}/via-2.x.y/data/face_track_annotation/sherlock_ep01_tracks_FRCNN.csv",
        },
    ),
]


def real_lines(mirror: Path | None = None) -> list[str]:
    """Registry lines of :data:`REAL_FILES`; checked against ``mirror`` when given."""
    lines = []
    for path, digest, size, source_format, fps, description, options in REAL_FILES:
        if mirror is not None:
            local = mirror / path
            if local.stat().st_size != size or sha256_of(local) != digest:
                raise SystemExit(f"{local}: size or sha256 differs from REAL_FILES")
        options = {**options, "path": path}
        option_text = " ".join(f"{k}={v}" for k, v in options.items())
        fps_text = "-" if fps is None else f"{fps:g}"
        name = Path(path).name
        lines.append(
            f"{name}  {digest}  {size}  {source_format}  {fps_text}  {description}  {option_text}"
        )
    return lines


# --------------------------------------------------------------------------- #
# registry
# --------------------------------------------------------------------------- #
def registry_text(
    out: Path,
    entries: list[tuple[str, str, float, str, dict[str, str]]],
    mirror: Path | None = None,
) -> str:
    """Return the registry text: the header, one line per written file, then the real files."""
    lines = [HEADER.rstrip("\n")]
    for name, source_format, fps, description, options in entries:
        path = out / name
        option_text = " ".join(f"{k}={v}" for k, v in options.items())
        lines.append(
            f"{name}  {sha256_of(path)}  {path.stat().st_size}  {source_format}  {fps:g}  "
            f"{description}  {option_text}".rstrip()
        )
    lines += real_lines(mirror)
    text = "\n".join(lines) + "\n"
    parse_registry(text)  # fail here, not at fetch time
    return text


def main(argv: list[str] | None = None) -> int:
    """Write every sample file and the registry; print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write here instead of movement_like/sample_data/files/ "
        "(the registry is then written into the same folder only)",
    )
    parser.add_argument(
        "--mirror",
        type=Path,
        default=None,
        help="a folder holding the real files (e.g. ../shared/realdata): check their hashes",
    )
    args = parser.parse_args(argv)
    out = args.out or bundled_dir()
    out.mkdir(parents=True, exist_ok=True)
    entries = make_ultrasound(out) + make_mice(out) + make_flies(out)
    for name, *_ in entries:  # the package ships 0644, whatever the umask or the old modes
        (out / name).chmod(0o644)
    text = registry_text(out, entries, args.mirror)
    (out / REGISTRY_NAME).write_text(text, encoding="utf-8")
    if args.out is None:
        (ROOT / REGISTRY_NAME).write_text(text, encoding="utf-8")
    total = sum((out / name).stat().st_size for name, *_ in entries)
    for name, *_ in entries:
        print(f"{(out / name).stat().st_size:>10}  {name}")
    print(f"{total:>10}  bytes in all, registry in {out / REGISTRY_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
