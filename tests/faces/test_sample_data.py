"""Sample data: registry parsing, bundled files and their hashes, cache and downloads."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from movement_like import sample_data
from movement_like.sample_data import SampleDataError, fetch_file
from movement_like.sample_data.registry import (
    REGISTRY_NAME,
    ROLES,
    RegistryError,
    SampleFile,
    bundled_dir,
    load_registry,
    parse_registry,
    sha256_of,
)

ROOT = Path(__file__).resolve().parents[2]
DIGEST = "a" * 64


# --------------------------------------------------------------------------- #
# the registry itself
# --------------------------------------------------------------------------- #
def test_top_level_registry_and_bundled_copy_are_identical():
    top = (ROOT / REGISTRY_NAME).read_bytes()
    bundled = (bundled_dir() / REGISTRY_NAME).read_bytes()
    assert top == bundled, "rerun scripts/make_sample_data.py: the two registries differ"


def test_every_registry_entry_matches_its_bundled_file():
    registry = {name: e for name, e in load_registry().items() if e.bundled}
    assert len(registry) >= 6
    for name, entry in registry.items():
        path = bundled_dir() / name
        assert path.is_file(), f"{name} is registered but not bundled"
        assert path.stat().st_size == entry.size, name
        assert sha256_of(path) == entry.sha256, name


def test_every_bundled_file_is_registered_and_all_are_small():
    registry = {name: e for name, e in load_registry().items() if e.bundled}
    files = [p for p in bundled_dir().iterdir() if p.name != REGISTRY_NAME]
    assert sorted(p.name for p in files) == sorted(registry)
    assert sum(p.stat().st_size for p in files) < 5_000_000


def test_parse_registry_columns_and_options():
    text = (
        "# comment\n\n"
        f"clip.mp4 {DIGEST} 120 video 30 A short clip dataset=us\n"
        f"clip_annotations_manual.json {DIGEST} 7 DUSTrack 30 Manual clicks dataset=us "
        "layer=manual\n"
        f"pred.h5 {DIGEST} 9 DeepLabCut - Predictions, key=value kept dataset=us role=layers "
        "url=https://example.org/pred.h5\n"
    )
    registry = parse_registry(text)
    assert list(registry) == ["clip.mp4", "clip_annotations_manual.json", "pred.h5"]
    clip = registry["clip.mp4"]
    assert (clip.size, clip.fps, clip.description, clip.dataset, clip.role, clip.url) == (
        120,
        30.0,
        "A short clip",
        "us",
        "video",
        None,
    )
    assert registry["clip_annotations_manual.json"].role == "layers"
    assert registry["clip_annotations_manual.json"].layer == "manual"
    pred = registry["pred.h5"]
    assert pred.fps is None and pred.role == "layers"
    assert pred.description == "Predictions, key=value kept"
    assert pred.url == "https://example.org/pred.h5"
    assert parse_registry(f"x.h5 {DIGEST} 1 DeepLabCut 25 d")["x.h5"].dataset == "x.h5"


@pytest.mark.parametrize(
    "line, message",
    [
        ("x.h5 abc 1 DeepLabCut 30 d", "sha256"),
        (f"x.h5 {DIGEST} big DeepLabCut 30 d", "size"),
        (f"x.h5 {DIGEST} 1 DeepLabCut fast d", "fps"),
        (f"x.h5 {DIGEST} 1 DeepLabCut -3 d", "positive"),
        (f"x.h5 {DIGEST} 1", "at least 5 columns"),
        (f"x.h5 {DIGEST} 1 DeepLabCut 30 d role=bogus", "role"),
        (f"x.h5 {DIGEST} 1 DeepLabCut 30 d path=../x.h5", "relative"),
        (f"x.h5 {DIGEST} 1 DeepLabCut 30 d path=/etc/x.h5", "relative"),
    ],
)
def test_malformed_registry_lines_name_the_line(line, message):
    with pytest.raises(RegistryError, match=f"line 2: .*{message}"):
        parse_registry("# header\n" + line)


def test_repeated_name_is_an_error():
    with pytest.raises(RegistryError, match="repeated"):
        parse_registry(f"x.h5 {DIGEST} 1 DLC 30 a\nx.h5 {DIGEST} 1 DLC 30 b\n")


# --------------------------------------------------------------------------- #
# the public functions on the bundled set
# --------------------------------------------------------------------------- #
BUNDLED = ["synthetic_ultrasound", "multi_mouse_dlc", "three_mice_via", "two_flies_sleap"]
REAL = ["openfield_mouse", "centered_pair_flies", "eight_fish_idtrackerai", "sherlock_faces_via"]


def test_list_datasets():
    assert sample_data.list_datasets() == BUNDLED + REAL
    assert sample_data.list_datasets(bundled=True) == BUNDLED
    assert sample_data.list_datasets(bundled=False) == REAL


def test_fetch_dataset_paths_of_the_layered_sample():
    paths = sample_data.fetch_dataset_paths("synthetic_ultrasound")
    assert sorted(paths) == ["layers", "trackermap", "video"]
    assert paths["video"].name == "synthetic_ultrasound.mp4"
    assert [p.suffix for p in paths["layers"]] == [".json", ".h5"]
    assert all(p.is_file() for p in paths["layers"])


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(SampleDataError, match="multi_mouse_dlc"):
        sample_data.fetch_dataset_paths("no_such_dataset")


def test_import_touches_no_network_and_reads_nothing():
    code = (
        "import socket, builtins\n"
        "def refuse(*a, **k):\n"
        "    raise RuntimeError('network used at import')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "import sys\n"
        "import movement_like.sample_data as sd\n"
        "print(sorted(m for m in ('pooch', 'requests', 'cv2', 'matplotlib') if m in sys.modules))\n"
        "print(sd.list_datasets()[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.split("\n")[:2] == ["[]", "synthetic_ultrasound"]


def test_corrupted_bundled_file_is_reported(tmp_path, monkeypatch):
    fake = tmp_path / "files"
    fake.mkdir()
    (fake / "x.csv").write_text("tampered")
    monkeypatch.setattr(sample_data, "bundled_dir", lambda: fake)
    entry = SampleFile("x.csv", DIGEST, 8, "VIA-tracks", 30.0, "d", "x")
    with pytest.raises(SampleDataError, match="does not match its registry hash"):
        fetch_file(entry)


def test_not_bundled_without_url_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(sample_data, "bundled_dir", lambda: tmp_path)
    entry = SampleFile("y.h5", DIGEST, 8, "DeepLabCut", 30.0, "d", "y")
    with pytest.raises(SampleDataError, match="not bundled"):
        fetch_file(entry)


# --------------------------------------------------------------------------- #
# downloads into the cache, served by a local HTTP server (no internet needed)
# --------------------------------------------------------------------------- #
@pytest.fixture
def served(tmp_path):
    """A local HTTP server over ``tmp_path/served``; yields (folder, base URL, stop)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stopped = []

    def stop():
        if not stopped:
            server.shutdown()
            server.server_close()
            stopped.append(True)

    yield folder, f"http://127.0.0.1:{server.server_address[1]}", stop
    stop()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty download cache, and no bundled files: every fetch goes to the cache."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("MOVEMENT_LIKE_DATA_DIR", str(folder))
    monkeypatch.setattr(sample_data, "bundled_dir", lambda: tmp_path / "nothing_bundled")
    return folder


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _remote_entry(folder: Path, base: str, content: bytes) -> SampleFile:
    (folder / "remote.csv").write_bytes(content)
    import hashlib

    return SampleFile(
        "remote.csv",
        hashlib.sha256(content).hexdigest(),
        len(content),
        "VIA-tracks",
        30.0,
        "served",
        "remote",
        url=f"{base}/remote.csv",
    )


def test_download_once_then_cached(served, cache):
    folder, base, stop = served
    entry = _remote_entry(folder, base, b"frame,x\n0,1.5\n")
    path = fetch_file(entry, progress=False)
    assert path == cache / "remote.csv" and path.read_bytes() == b"frame,x\n0,1.5\n"
    stop()  # offline from here: the verified cached copy is used
    assert fetch_file(entry, progress=False) == path


def test_corrupted_cache_is_refetched(served, cache):
    folder, base, _ = served
    entry = _remote_entry(folder, base, b"good content\n")
    path = fetch_file(entry, progress=False)
    path.write_bytes(b"bad content!!\n")  # same size, wrong hash
    with pytest.warns(UserWarning, match="corrupted"):
        again = fetch_file(entry, progress=False)
    assert again.read_bytes() == b"good content\n"


def test_corrupted_cache_without_network_is_reported_not_used(served, cache):
    folder, base, stop = served
    entry = _remote_entry(folder, base, b"good content\n")
    fetch_file(entry, progress=False).write_bytes(b"bad content!!\n")
    stop()
    with (
        pytest.warns(UserWarning, match="corrupted"),
        pytest.raises(SampleDataError, match="corrupted and it could not be downloaded"),
    ):
        fetch_file(entry, progress=False)


def test_server_with_wrong_content_is_refused(served, cache):
    folder, base, _ = served
    entry = _remote_entry(folder, base, b"expected\n")
    (folder / "remote.csv").write_bytes(b"something else\n")
    with pytest.raises(SampleDataError):
        fetch_file(entry, progress=False)
    assert not (cache / "remote.csv").exists()


# --------------------------------------------------------------------------- #
# every sample loads with the library's readers, matching an independent read
# --------------------------------------------------------------------------- #
def test_ultrasound_layers_load_as_one_dataset():
    import json

    import pandas as pd

    ds = sample_data.fetch_dataset("synthetic_ultrasound", with_video=True)
    paths = sample_data.fetch_dataset_paths("synthetic_ultrasound")
    assert list(ds["layers"].values) == ["manual", "dlc_iteration-0_5000"]
    assert ds.attrs["video_path"] == str(paths["video"])
    assert ds.attrs["fps"] == 30.0 and ds.sizes["time"] == 150
    assert list(ds["keypoints"].values) == ["0", "1", "2"]
    assert list(ds["keypoint_name"].values) == [  # from the bundled dlc_trackermap.txt
        "deep_aponeurosis",
        "fascicle_insertion",
        "superficial_aponeurosis",
    ]
    clicks = json.loads(paths["layers"][0].read_text())
    assert sorted(clicks) == ["0", "1", "2"] and len(clicks["0"]) == 11 and len(clicks["2"]) == 10
    x, y = clicks["1"]["60"]
    np.testing.assert_array_equal(
        ds.position.sel(layers="manual", keypoints="1", individuals="individual_0")
        .isel(time=60)
        .values,
        [x, y],
    )
    assert bool(ds.confidence.sel(layers="manual").isnull().all())
    table = pd.read_hdf(paths["layers"][1], "df_with_missing")
    scorer = table.columns.get_level_values(0)[0]
    np.testing.assert_array_equal(
        ds.confidence.sel(layers="dlc_iteration-0_5000", keypoints="2").squeeze().values,
        table[(scorer, "point2", "likelihood")].values,
    )
    assert (table.xs("likelihood", axis=1, level=2).values < 0.6).sum() == 23  # the dropouts


def test_multi_mouse_dlc_sample():
    import pandas as pd

    ds = sample_data.fetch_dataset("multi_mouse_dlc")
    path = sample_data.fetch_dataset_paths("multi_mouse_dlc")["poses"]
    table = pd.read_hdf(path, "df_with_missing")
    assert table.columns.names == ["scorer", "individuals", "bodyparts", "coords"]
    assert dict(ds.sizes) == {"time": 300, "individuals": 3, "keypoints": 6, "space": 2}
    assert list(ds.keypoints.values) == [
        "snout",
        "left_ear",
        "right_ear",
        "neck",
        "tail_base",
        "tail_tip",
    ]
    scorer = table.columns.get_level_values(0)[0]
    np.testing.assert_array_equal(
        ds.position.sel(individuals="mouse2", keypoints="neck", space="y").values,
        table[(scorer, "mouse2", "neck", "y")].values,
    )
    assert bool(ds.position.sel(individuals="mouse3").isel(time=slice(200, 208)).isnull().all())


def test_sleap_sample():
    import h5py

    ds = sample_data.fetch_dataset("two_flies_sleap")
    path = sample_data.fetch_dataset_paths("two_flies_sleap")["poses"]
    with h5py.File(path, "r") as file:
        tracks = file["tracks"][()]  # (tracks, 2, nodes, frames), SLEAP's own layout
        nodes = [n.decode() for n in file["node_names"][()]]
    assert nodes == ["head", "thorax", "abdomen", "wingL", "wingR"]
    assert dict(ds.sizes) == {"time": 200, "individuals": 2, "keypoints": 5, "space": 2}
    assert ds.attrs["fps"] == 50.0
    np.testing.assert_array_equal(
        ds.position.sel(individuals="track_1", keypoints="abdomen", space="x").values,
        tracks[1, 0, 2, :],
    )


def test_via_sample():
    import pandas as pd

    boxes = sample_data.fetch_dataset("three_mice_via")
    path = sample_data.fetch_dataset_paths("three_mice_via")["bboxes"]
    table = pd.read_csv(path)
    assert list(table.columns[:3]) == ["filename", "file_size", "file_attributes"]
    assert len(table) == 3 * 40
    assert boxes.attrs["ds_type"] == "bboxes"
    assert list(boxes["frame"].values[:3]) == [0, 5, 10] and boxes.sizes["time"] == 40
    assert list(boxes.individuals.values) == ["id_1", "id_2", "id_3"]


def test_make_sample_data_is_reproducible(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_sample_data.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    fresh = load_registry(tmp_path / REGISTRY_NAME)
    bundled = load_registry()
    assert list(fresh) == list(bundled)
    for name, entry in bundled.items():
        if not entry.bundled:  # a real file: its line is written from REAL_FILES as is
            assert fresh[name] == entry, name
            continue
        if name.endswith(".h5") and entry.source_format == "DeepLabCut":
            # PyTables stamps creation times into the file: compare the data instead
            import pandas as pd

            new = pd.read_hdf(tmp_path / name, "df_with_missing")
            old = pd.read_hdf(bundled_dir() / name, "df_with_missing")
            pd.testing.assert_frame_equal(new, old)
        elif name.endswith(".mp4"):
            # the container's bytes name the encoder's build (OpenCV's FFmpeg): compare
            # the decoded frames, which are what the samples promise
            np.testing.assert_array_equal(_frames(tmp_path / name), _frames(bundled_dir() / name))
        else:
            assert fresh[name] == entry, name


def _frames(path: Path) -> np.ndarray:
    import cv2

    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    assert frames, path
    return np.stack(frames)


def test_bundled_set_works_with_networking_disabled():
    """A real network namespace without interfaces (``unshare -n``), where permitted."""
    import shutil

    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-n", "true"], capture_output=True).returncode:
        pytest.skip("unshare -n is not available to this user; the socket-level test covers it")
    code = (
        "import movement_like.sample_data as sd\n"
        "for name in sd.list_datasets(bundled=True):\n"
        "    sd.fetch_dataset(name, with_video=True, progress=False)\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [unshare, "-n", sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr


def test_fetch_dataset_downloads_a_registered_file(served, tmp_path, monkeypatch):
    """A registry line with url= and no bundled copy: downloaded, verified, loaded."""
    import shutil

    folder, base, _ = served
    name = "three_mice_openfieldDLC_dlcrnetms5_openfieldNov23shuffle1_200000.h5"
    shutil.copy(bundled_dir() / name, folder / "remote_mice.h5")
    entry = load_registry()[name]
    registry = tmp_path / "registry.txt"
    registry.write_text(
        f"# test registry\nremote_mice.h5 {entry.sha256} {entry.size} DeepLabCut 30 "
        f"Mice, served dataset=remote_mice url={base}/remote_mice.h5\n"
    )
    monkeypatch.setenv("MOVEMENT_LIKE_SAMPLE_REGISTRY", str(registry))
    monkeypatch.setenv("MOVEMENT_LIKE_DATA_DIR", str(tmp_path / "cache"))
    assert sample_data.list_datasets() == ["remote_mice"]
    paths = sample_data.fetch_dataset_paths("remote_mice", progress=False)
    assert paths == {"poses": tmp_path / "cache" / "remote_mice.h5"}
    ds = sample_data.fetch_dataset("remote_mice", progress=False)
    assert dict(ds.sizes) == {"time": 300, "individuals": 3, "keypoints": 6, "space": 2}
    assert ds.attrs["fps"] == 30.0


_token = st.text(
    alphabet=st.characters(categories=["L", "N"], include_characters="_-.,()"),
    min_size=1,
    max_size=12,
).filter(lambda t: "=" not in t and t != "-")


@given(
    name=_token,
    size=st.integers(0, 10**12),
    digest=st.text("0123456789abcdef", min_size=64, max_size=64),
    fps=st.one_of(st.none(), st.floats(0.01, 1e4)),
    words=st.lists(_token, max_size=6),
    dataset=st.one_of(st.none(), _token),
    role=st.one_of(st.none(), st.sampled_from(ROLES)),
    url=st.one_of(st.none(), st.just("https://example.org/a.h5")),
)
def test_registry_line_round_trip(name, size, digest, fps, words, dataset, role, url):
    options = " ".join(
        f"{k}={v}" for k, v in (("dataset", dataset), ("role", role), ("url", url)) if v is not None
    )
    line = (
        f"{name} {digest} {size} DeepLabCut {'-' if fps is None else repr(fps)} "
        f"{' '.join(words)} {options}"
    )
    entry = parse_registry(line)[name]
    assert (entry.sha256, entry.size, entry.fps, entry.url) == (digest, size, fps, url)
    assert entry.description == " ".join(words)
    assert entry.dataset == (dataset or name)
    assert entry.role == (role or "poses")


def test_registry_formats_are_what_detection_finds():
    """Each bundled tracking file is detected as the format its registry line names."""
    from movement_like.io import detect_format

    for name, entry in load_registry().items():
        if entry.role not in ("video", "trackermap") and entry.bundled:
            assert detect_format(bundled_dir() / name).name == entry.source_format, name


def test_info_command_on_a_bundled_file(capsys):
    from movement_like.cli import main

    path = sample_data.fetch_dataset_paths("two_flies_sleap")["poses"]
    assert main(["info", str(path), "--fps", "50"]) == 0
    out = capsys.readouterr().out
    assert "format:       SLEAP" in out and "individuals:  2 (track_0, track_1)" in out


# --------------------------------------------------------------------------- #
# the real samples: a local mirror first, hashes verified, clear errors offline
# --------------------------------------------------------------------------- #
@pytest.fixture
def mirror(realdata, tmp_path, monkeypatch):
    """The real files as a mirror, an empty cache, and no network at all."""
    import socket

    monkeypatch.setenv(sample_data.MIRROR_ENV, str(realdata))
    monkeypatch.setenv("MOVEMENT_LIKE_DATA_DIR", str(tmp_path / "cache"))

    def refuse(*args, **kwargs):
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return realdata


def test_real_entries_have_source_licence_size_and_hash():
    real = [e for e in load_registry().values() if not e.bundled]
    assert {e.dataset for e in real} == set(REAL)
    for entry in real:
        assert entry.url.startswith("https://raw.githubusercontent.com/"), entry.name
        assert len(entry.url.split("/")[5]) == 40, "pinned to a full commit"
        assert entry.licence and entry.path and entry.size > 0, entry.name
        assert not (bundled_dir() / entry.name).exists(), "real files are never bundled"
    videos = {e.dataset: e.name for e in real if e.role == "video"}
    assert videos == {
        "openfield_mouse": "m3v1mp4.mp4",
        "centered_pair_flies": "centered_pair_low_quality.mp4",
    }


def test_real_registry_hashes_match_the_mirror_files(realdata):
    for entry in load_registry().values():
        if not entry.bundled:
            local = realdata / entry.path
            assert local.stat().st_size == entry.size, entry.name
            assert sha256_of(local) == entry.sha256, entry.name


@pytest.mark.parametrize(
    "name, sizes",
    [
        ("openfield_mouse", {"time": 2330, "individuals": 1, "keypoints": 4, "space": 2}),
        ("centered_pair_flies", {"time": 1100, "individuals": 27, "keypoints": 24, "space": 2}),
        ("eight_fish_idtrackerai", {"time": 508, "individuals": 8, "keypoints": 1, "space": 2}),
        ("sherlock_faces_via", {"time": 266, "individuals": 4, "space": 2}),
    ],
)
def test_every_real_sample_loads_offline_from_the_mirror(mirror, name, sizes):
    ds = sample_data.fetch_dataset(name, progress=False)
    assert dict(ds.sizes) == sizes
    paths = sample_data.fetch_dataset_paths(name, progress=False)
    for path in paths.values():
        assert Path(path).is_relative_to(mirror.resolve())
    if name == "openfield_mouse":
        assert list(ds.keypoints.values) == ["snout", "leftear", "rightear", "tailbase"]
        assert ds.attrs["fps"] == 30.0
        assert Path(paths["video"]).name == "m3v1mp4.mp4"


def test_a_corrupted_mirror_copy_is_not_used(tmp_path, monkeypatch, realdata):
    import shutil

    entry = load_registry()["sherlock_ep01_tracks_FRCNN.csv"]
    bad = tmp_path / "mirror" / entry.path
    bad.parent.mkdir(parents=True)
    shutil.copy(realdata / entry.path, bad)
    with open(bad, "r+b") as handle:  # same size, one byte changed
        first = handle.read(1)
        handle.seek(0)
        handle.write(bytes([first[0] ^ 1]))
    monkeypatch.setenv(sample_data.MIRROR_ENV, str(tmp_path / "mirror"))
    monkeypatch.setenv("MOVEMENT_LIKE_DATA_DIR", str(tmp_path / "cache"))
    served = tmp_path / "unreachable"
    entry = SampleFile(**{**entry.__dict__, "url": "http://127.0.0.1:9/" + served.name})
    with (
        pytest.warns(UserWarning, match="mirror's copy .* does not match"),
        pytest.raises(SampleDataError, match="could not be downloaded"),
    ):
        fetch_file(entry, progress=False)


def test_flat_mirror_by_file_name(tmp_path, monkeypatch, realdata):
    import shutil

    entry = load_registry()["test_trajectories_idtrackerai_with_border.npy"]
    (tmp_path / "share").mkdir()
    shutil.copy(realdata / entry.path, tmp_path / "share" / entry.name)
    monkeypatch.setenv(sample_data.MIRROR_ENV, str(tmp_path / "share"))
    assert fetch_file(entry, progress=False) == (tmp_path / "share" / entry.name).resolve()


def test_offline_without_mirror_says_how_to_get_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv(sample_data.MIRROR_ENV, raising=False)
    monkeypatch.setenv("MOVEMENT_LIKE_DATA_DIR", str(tmp_path / "cache"))
    entry = load_registry()["m3v1mp4.mp4"]
    entry = SampleFile(**{**entry.__dict__, "url": "http://127.0.0.1:9/m3v1mp4.mp4"})
    with pytest.raises(SampleDataError) as info:
        fetch_file(entry, progress=False)
    message = str(info.value)
    for part in (
        "m3v1mp4.mp4",
        "openfield_mouse",
        "could not be downloaded",
        sample_data.MIRROR_ENV,
        "videos/m3v1mp4.mp4",
        entry.sha256,
        "LGPL-3.0",
        "bundled=True",
    ):
        assert part in message, part
    assert isinstance(info.value, SampleDataError)


def test_offline_the_bundled_sample_still_runs_and_the_real_ones_explain(tmp_path):
    """A subprocess with every socket refused and no mirror: what a newcomer on a train sees."""
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('no network')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "import movement_like.sample_data as sd\n"
        "ds = sd.fetch_dataset('synthetic_ultrasound', with_video=True, progress=False)\n"
        "print('bundled ok', ds.sizes['time'])\n"
        "for name in sd.list_datasets(bundled=False):\n"
        "    try:\n"
        "        sd.fetch_dataset(name, progress=False)\n"
        "    except sd.SampleDataError as exc:\n"
        "        print(name, 'MOVEMENT_LIKE_SAMPLE_MIRROR' in str(exc), 'sha256' in str(exc))\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != sample_data.MIRROR_ENV} | {
        "MOVEMENT_LIKE_DATA_DIR": str(tmp_path / "cache")
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "bundled ok 150"
    assert lines[1:] == [f"{name} True True" for name in REAL]


def test_dataset_files_lists_licences_without_fetching():
    files = sample_data.dataset_files("openfield_mouse")
    assert [(f.name, f.licence) for f in files] == [
        ("m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5", "MIT"),
        ("m3v1mp4.mp4", "LGPL-3.0"),
    ]
