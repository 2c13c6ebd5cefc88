"""Same numbers as DUSTrack itself, run through its own interpreter (``DUSTRACK_PYTHON``).

Skipped unless DUSTrack's interpreter is found (``DUSTRACK_PYTHON``, else
``../peers/dustrack/bin/python``; see ``tests/peers.py``). DUSTrack decodes with PyAV; on the
synthetic MPEG-4 file its gray frames equal OpenCV's, so the numbers must agree.
"""

import json
import subprocess
import textwrap

import numpy as np

from movement_like.optical_flow import (
    detect_blips,
    fill_gaps_optical_flow,
    reduce_jitter,
)
from movement_like.sample_data.synthetic import make_synthetic_video
from tests.peers import needs_peer, peer_python

PEER = peer_python("dustrack")
pytestmark = needs_peer("dustrack")

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from dustrack import VideoAnnotation
    from dustrack.blip import detect_blips
    from dustrack.lk_filter import lk_moving_average_filter
    from dustrack.lk_opticalflow import lucas_kanade_rstc
    dense, sparse, video, out = sys.argv[1:5]
    ann = VideoAnnotation(dense, video)
    smooth = lk_moving_average_filter(ann, window_size=0.5, use_parallel=False, save_raw=False)
    labels = sorted(smooth.data, key=int)
    lkmovavg = [[list(map(float, smooth.data[l][f])) for l in labels] for f in range(ann.n_frames)]
    report = detect_blips(ann)
    blips = [[b.label, b.start, b.end] for b in report.blips]
    gaps = json.load(open(sparse))
    rstc = {}
    for label, frames in gaps.items():
        keys = sorted(int(f) for f in frames)
        for s, e in zip(keys[:-1], keys[1:]):
            if e - s > 1:
                path = lucas_kanade_rstc(video, s, e, np.array([frames[str(s)]]),
                                         np.array([frames[str(e)]]))
                rstc[f"{label}:{s}:{e}"] = path[:, 0].tolist()
    json.dump({"lkmovavg": lkmovavg, "blips": blips, "rstc": rstc}, open(out, "w"))
    """
)


def test_same_numbers_as_dustrack(tmp_path):
    video = make_synthetic_video(tmp_path / "clip.mp4", n_frames=70, size=(200, 160), n_points=3)
    truth = video.to_dataset().position
    rng = np.random.default_rng(3)
    dense = truth.copy(data=truth.values + rng.normal(0, 1.5, truth.shape))
    dense.values[40, 0, 1] += [25.0, 0.0]  # a blip
    sparse = truth.copy(deep=True)
    sparse.values[10:35, 0, 0] = np.nan
    sparse.values[20:50, 0, 2] = np.nan

    def layer(position, name):
        values = position.values[:, 0]
        data = {
            str(k): {
                str(f): [float(x), float(y)]
                for f, (x, y) in enumerate(values[:, k])
                if np.isfinite(x)
            }
            for k in range(values.shape[1])
        }
        path = tmp_path / f"clip_annotations_{name}.json"
        path.write_text(json.dumps(data))
        return path

    out = tmp_path / "peer.json"
    subprocess.run(
        [
            PEER,
            "-c",
            SCRIPT,
            str(layer(dense, "dense")),
            str(layer(sparse, "sparse")),
            str(video.path),
            str(out),
        ],
        check=True,
        cwd=tmp_path,
        capture_output=True,
    )
    peer = json.loads(out.read_text())

    ours = reduce_jitter(dense, video.path, window=0.5, progress=False)
    assert np.abs(ours.values[:, 0] - np.array(peer["lkmovavg"])).max() < 0.01

    filled = fill_gaps_optical_flow(sparse, video.path, progress=False)
    assert len(peer["rstc"]) == 2
    for key, path in peer["rstc"].items():
        label, s, e = (int(v) for v in key.split(":"))
        got = filled.values[s : e + 1, 0, label]
        assert np.abs(got[1:-1] - np.array(path)[1:-1]).max() < 0.01

    blips = detect_blips(dense)
    ours_blips = [
        [str(k), int(t), int(t)] for t, k in zip(*np.nonzero(blips.values[:, 0]), strict=True)
    ]
    assert ours_blips == [[label, s, e] for label, s, e in peer["blips"]] == [["1", 40, 40]]
