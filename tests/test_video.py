"""Video: finding and probing files, the reader (metadata, frame-accurate ranges, grayscale,
folders, streaming, errors), and the old import path."""

import shutil

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from movement_like.errors import FileFormatError
from movement_like.sample_data.synthetic import make_synthetic_video
from movement_like.video import (
    VIDEO_SUFFIXES,
    VideoNotFoundError,
    VideoReader,
    find_video,
    is_video_file,
    merge_ranges,
    probe_video,
    stream_frames,
    to_gray,
)
from tests.optical_flow import reference


@pytest.fixture(scope="module")
def mp4(tmp_path_factory):
    # lossy MPEG-4 with key frames every 12 frames: seeking must still be frame-accurate
    return make_synthetic_video(
        tmp_path_factory.mktemp("mp4") / "clip.mp4", n_frames=60, size=(96, 64), fps=25.0
    )


def test_metadata(curved, mp4):
    with VideoReader(curved.path) as video:
        assert (video.n_frames, video.width, video.height) == (150, 320, 240)
        assert video.fps == pytest.approx(30.0)
        assert video.size == (320, 240)
        assert "150" in repr(video)
    video = VideoReader(mp4.path)
    assert (video.n_frames, video.fps, video.size) == (60, pytest.approx(25.0), (96, 64))


def test_probe_video_reads_count_and_rate_without_decoding(curved, mp4, tmp_path):
    assert probe_video(curved.path) == (150, pytest.approx(30.0))
    assert probe_video(mp4.path).n_frames == 60
    junk = tmp_path / "junk.avi"
    junk.write_bytes(b"not a video")
    with pytest.raises(FileFormatError, match="junk.avi: OpenCV cannot open this video.*pass x="):
        probe_video(junk, fix="pass x= instead")


def test_find_video_tries_every_suffix_in_both_cases(tmp_path):
    assert find_video(tmp_path, "clip") is None
    (tmp_path / "clip.AVI").write_bytes(b"")
    (tmp_path / "clip.json").write_bytes(b"")
    assert find_video(tmp_path, "clip") == tmp_path / "clip.AVI"
    (tmp_path / "clip.mp4").write_bytes(b"")
    assert find_video(tmp_path, "clip") == tmp_path / "clip.mp4"  # .mp4 comes first
    assert VIDEO_SUFFIXES[0] == ".mp4"
    assert is_video_file("a/b.MKV") and not is_video_file("b.json") and not is_video_file("b")


def test_old_import_path_gives_the_same_objects():
    from movement_like import optical_flow
    from movement_like.optical_flow import video as old

    assert old.VideoReader is VideoReader and optical_flow.VideoReader is VideoReader
    assert old.merge_ranges is merge_ranges and old.stream_frames is stream_frames


def test_ranges_match_a_plain_sequential_read(mp4):
    expected = reference.load_gray(mp4.path)
    video = VideoReader(mp4.path)
    # forward jumps, backward jumps, a range starting mid-GOP, single frames
    for start, stop in [(37, 45), (5, 9), (0, 3), (59, 60), (13, 40), (40, 41), (12, 13)]:
        got = list(video.read_gray(start, stop))
        assert [i for i, _ in got] == list(range(start, stop))
        for index, frame in got:
            np.testing.assert_array_equal(frame, expected[index])
    np.testing.assert_array_equal(video.gray_frame(33), expected[33])


def test_stream_frames_in_order_with_bounded_queue(mp4):
    expected = reference.load_gray(mp4.path)
    video = VideoReader(mp4.path)
    ranges = merge_ranges([(50, 55), (3, 6), (5, 9), (20, 20), (10, 11)])
    assert ranges == [(3, 11), (20, 20), (50, 55)]
    got = list(stream_frames(video, ranges, max_buffered=2))
    assert [i for i, _ in got] == [*range(3, 12), 20, *range(50, 56)]
    for index, frame in got:
        np.testing.assert_array_equal(frame, expected[index])


def test_stream_stops_cleanly_when_abandoned(mp4):
    video = VideoReader(mp4.path)
    for count, _ in enumerate(stream_frames(video, [(0, 59)], max_buffered=1)):
        if count == 3:
            break
    assert list(video.read_gray(0, 2))  # the reader is usable again


def test_gray_is_dustracks_rgb2gray_of_the_rgb_frame():
    rng = np.random.default_rng(0)
    bgr = rng.integers(0, 256, (8, 9, 3), dtype=np.uint8)
    rgb = bgr[:, :, ::-1].copy()
    np.testing.assert_array_equal(to_gray(bgr), cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    gray = bgr[:, :, 0]
    assert to_gray(gray) is gray  # 2-D frames pass through, as in DUSTrack


def test_image_folder_natural_order(tmp_path):
    video = make_synthetic_video(tmp_path / "frames", n_frames=12, size=(40, 30), seed=3)
    expected = reference.load_gray(video.path)
    # rename to names whose plain sort is wrong: img2 must come before img10
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    for i in range(12):
        shutil.copy(video.path / f"frame_{i:06d}.png", renamed / f"img{i}.png")
    (renamed / "notes.txt").write_text("not a frame")
    reader = VideoReader(renamed, fps=50)
    assert (reader.n_frames, reader.fps, reader.size) == (12, 50.0, (40, 30))
    frames = list(reader.read_gray(2, 12))
    for index, frame in frames:
        np.testing.assert_array_equal(frame, expected[index])
    assert VideoReader(renamed).fps is None


def test_missing_and_unreadable_videos(tmp_path):
    with pytest.raises(VideoNotFoundError, match="not found"):
        VideoReader(tmp_path / "nope.mp4")
    with pytest.raises(FileNotFoundError):
        VideoReader(tmp_path / "nope.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video" * 100)
    with pytest.raises(FileFormatError, match="junk.mp4"):
        VideoReader(junk)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileFormatError, match="no images"):
        VideoReader(empty)


def test_truncated_video_is_reported(tmp_path):
    video = make_synthetic_video(tmp_path / "t.avi", n_frames=40, size=(64, 48))
    data = video.path.read_bytes()
    video.path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileFormatError, match="t.avi"):
        reader = VideoReader(video.path)
        list(reader.read_gray(0, reader.n_frames if reader.n_frames >= 40 else 40))


def test_out_of_range(mp4):
    video = VideoReader(mp4.path)
    with pytest.raises(IndexError, match="outside"):
        list(video.read_gray(50, 61))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 8)), max_size=8))
def test_merge_ranges_covers_exactly_the_union(pairs):
    ranges = [(a, a + n) for a, n in pairs]
    merged = merge_ranges(ranges)
    union = set()
    for a, b in ranges:
        union.update(range(a, b + 1))
    covered = [f for a, b in merged for f in range(a, b + 1)]
    assert covered == sorted(union)
    assert all(b1 + 1 < a2 for (_, b1), (a2, _) in zip(merged, merged[1:], strict=False))


def test_importing_the_package_does_not_import_cv2():
    import subprocess
    import sys

    code = "import sys, movement_like.optical_flow; print('cv2' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
