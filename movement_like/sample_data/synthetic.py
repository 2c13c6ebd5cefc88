"""Deterministic synthetic videos with known sub-pixel motion.

The generator renders a speckle-like texture (the intensity of a smoothed
complex Gaussian field, like ultrasound speckle) that is deformed by a smooth,
known displacement field: a global translation along curved (sinusoidal)
paths plus a few low-frequency non-rigid modes. Because the field is known
analytically, the true position of any material point in every frame is known
to ~1e-6 px, which is what the optical-flow tests, benchmarks, docs and sample
data need.

Rendering uses a backward map: frame ``t`` at pixel ``p`` shows the texture at
``p - u(p, t)``. A material point with texture position ``q`` is therefore at
the ``p`` solving ``p = q + u(p, t)``, found by fixed-point iteration
(it converges because the field's spatial gradient is far below 1).

Pixel centres sit at integer coordinates (x = column, y = row), the
convention of OpenCV and of LK tracking.

Examples
--------
>>> from movement_like.sample_data.synthetic import make_synthetic_video
>>> truth = make_synthetic_video("clip.mkv", n_frames=90, size=(320, 240))  # doctest: +SKIP
>>> truth.positions.shape  # (time, points, 2)                               # doctest: +SKIP
(90, 5, 2)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "SyntheticMotion",
    "SyntheticVideo",
    "make_synthetic_video",
    "synthetic_frames",
    "default_points",
]

#: Lossless codecs by file suffix; ``.mp4`` uses MPEG-4 part 2 (lossy, small,
#: readable by every decoder). A path without suffix is written as a PNG folder.
_CODECS = {".mkv": "FFV1", ".avi": "FFV1", ".mp4": "mp4v", ".mov": "mp4v"}
_IMAGE_SUFFIXES = (".png", ".tif", ".tiff", ".bmp")
_FRAME_NAME = "frame_{:06d}.png"


@dataclass(frozen=True)
class SyntheticMotion:
    """The analytic displacement field ``u(p, t)`` of a synthetic video.

    ``u(p, t) = g(t) + sum_k a_k(t) * e_k * sin(2*pi*(w_k . p) + phi_k)``, where
    ``g`` is a global translation along sinusoids (curved paths) and each of the
    non-rigid modes has a unit direction ``e_k``, a spatial wave vector ``w_k``
    (cycles per pixel) and a temporal amplitude ``a_k(t) = A_k sin(2 pi t / T_k
    + theta_k)``. Times are frame indices.

    Attributes
    ----------
    global_amplitude
        ``(2,)`` amplitudes in px of the global translation along x and y.
    global_period
        ``(2,)`` periods in frames of the x and y sinusoids of the translation.
    global_phase
        ``(2,)`` phases in radians of those sinusoids.
    mode_amplitude
        ``(K,)`` peak amplitudes ``A_k`` in px of the non-rigid modes.
    mode_period
        ``(K,)`` temporal periods ``T_k`` in frames of the modes.
    mode_phase_t
        ``(K,)`` temporal phases ``theta_k`` in radians.
    mode_direction
        ``(K, 2)`` unit vectors ``e_k``: the direction each mode moves points in.
    mode_wavevector
        ``(K, 2)`` spatial wave vectors ``w_k`` in cycles per px.
    mode_phase_p
        ``(K,)`` spatial phases ``phi_k`` in radians.
    """

    global_amplitude: np.ndarray  # (2,) px, x and y
    global_period: np.ndarray  # (2,) frames
    global_phase: np.ndarray  # (2,) rad
    mode_amplitude: np.ndarray  # (K,) px
    mode_period: np.ndarray  # (K,) frames
    mode_phase_t: np.ndarray  # (K,) rad
    mode_direction: np.ndarray  # (K, 2) unit vectors
    mode_wavevector: np.ndarray  # (K, 2) cycles / px
    mode_phase_p: np.ndarray  # (K,) rad

    @classmethod
    def random(
        cls,
        size: tuple[int, int],
        amplitude: float,
        period: float,
        deformation: float,
        rng: np.random.Generator,
        n_modes: int = 3,
    ) -> SyntheticMotion:
        """Draw a smooth motion for a ``size = (width, height)`` frame."""
        extent = float(max(size))
        wavelengths = rng.uniform(2.0, 3.5, n_modes) * extent
        angles = rng.uniform(0, 2 * np.pi, n_modes)
        directions = rng.uniform(0, 2 * np.pi, n_modes)
        return cls(
            global_amplitude=amplitude * rng.uniform(0.7, 1.0, 2),
            global_period=period * rng.uniform(0.8, 1.25, 2),
            global_phase=rng.uniform(0, 2 * np.pi, 2),
            mode_amplitude=deformation * rng.uniform(0.5, 1.0, n_modes),
            mode_period=period * rng.uniform(0.6, 1.6, n_modes),
            mode_phase_t=rng.uniform(0, 2 * np.pi, n_modes),
            mode_direction=np.stack([np.cos(directions), np.sin(directions)], axis=1),
            mode_wavevector=np.stack([np.cos(angles), np.sin(angles)], axis=1)
            / wavelengths[:, None],
            mode_phase_p=rng.uniform(0, 2 * np.pi, n_modes),
        )

    def _temporal(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the global shift ``(T, 2)`` and mode amplitudes ``(T, K)`` at times ``t``."""
        t = np.asarray(t, dtype=np.float64)[:, None]
        shift = self.global_amplitude * np.sin(
            2 * np.pi * t / self.global_period + self.global_phase
        )
        modes = self.mode_amplitude * np.sin(2 * np.pi * t / self.mode_period + self.mode_phase_t)
        return shift, modes

    def displacement(self, points: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Return ``u(p, t)`` for points ``(T, P, 2)`` at times ``(T,)``."""
        shift, modes = self._temporal(t)
        spatial = np.sin(2 * np.pi * points @ self.mode_wavevector.T + self.mode_phase_p)  # T,P,K
        return shift[:, None, :] + np.einsum("tpk,tk,kd->tpd", spatial, modes, self.mode_direction)

    def track(self, texture_points: np.ndarray, n_frames: int, iterations: int = 60) -> np.ndarray:
        """Return where texture points ``(P, 2)`` appear in frames ``0..n_frames-1`` ``(T, P, 2)``.

        Solves ``p = q + u(p, t)`` by fixed-point iteration, to ~1e-9 px.
        """
        q = np.asarray(texture_points, dtype=np.float64)[None, :, :]
        t = np.arange(n_frames)
        p = np.repeat(q, n_frames, axis=0)
        for _ in range(iterations):
            p_next = q + self.displacement(p, t)
            if np.max(np.abs(p_next - p)) < 1e-10:
                p = p_next
                break
            p = p_next
        return p

    def max_shift(self) -> float:
        """Return an upper bound of ``|u|`` in px (used to size the texture margin)."""
        return float(np.hypot(*self.global_amplitude) + np.sum(np.abs(self.mode_amplitude)))


@dataclass
class SyntheticVideo:
    """A rendered synthetic video and its ground truth.

    Attributes
    ----------
    path
        Where the video (file or PNG folder) was written.
    positions
        True positions, shape ``(n_frames, n_points, 2)`` in px (x, y), float64.
    fps
        Frame rate written into the file (PNG folders carry none: pass it on).
    size
        ``(width, height)`` in px.
    motion
        The analytic displacement field, to compute more ground truth.
    """

    path: Path
    positions: np.ndarray
    fps: float
    size: tuple[int, int]
    motion: SyntheticMotion = field(repr=False)

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return int(self.positions.shape[0])

    def to_dataset(
        self, keypoint_names: list[str] | None = None, individual_name: str = "individual_0"
    ) -> xr.Dataset:
        """Return the ground truth as a poses dataset (one individual, one keypoint per point)."""
        from movement_like.dataset import poses_from_numpy

        pos = self.positions[:, None, :, :]
        ds = poses_from_numpy(
            pos,
            confidence_array=np.ones(pos.shape[:3]),
            individual_names=[individual_name],
            keypoint_names=keypoint_names,
            fps=self.fps,
            source_software="movement_like.synthetic",
        )
        ds.attrs["source_file"] = os.fspath(self.path)
        ds.attrs["video_path"] = os.fspath(self.path)
        return ds


def default_points(
    size: tuple[int, int], n_points: int, margin: float, seed: int = 0
) -> np.ndarray:
    """Spread ``n_points`` deterministic texture positions ``(P, 2)`` over a frame.

    Points lie on a jittered ring around the centre, at least ``margin`` px from
    every edge, at sub-pixel positions.

    Parameters
    ----------
    size
        ``(width, height)`` of the frame in px.
    n_points
        How many points to place.
    margin
        Smallest distance in px between a point and the frame's edges, so
        points stay inside the frame while the motion moves them.
    seed
        Seed of the jitter; the same seed gives the same points.

    Returns
    -------
    numpy.ndarray
        ``(n_points, 2)`` float positions (x, y) in px.
    """
    width, height = size
    rng = np.random.default_rng(seed + 7919)
    cx, cy = (width - 1) / 2, (height - 1) / 2
    rx, ry = max(cx - margin, 0.0), max(cy - margin, 0.0)
    angles = 2 * np.pi * (np.arange(n_points) + rng.uniform(0, 0.5, n_points)) / max(n_points, 1)
    radius = rng.uniform(0.45, 0.9, n_points)
    return np.stack([cx + rx * radius * np.cos(angles), cy + ry * radius * np.sin(angles)], axis=1)


def _speckle_texture(width: int, height: int, grain: float, rng: np.random.Generator) -> np.ndarray:
    """Return a float32 speckle-like texture in [0, 255] of shape ``(height, width)``."""
    import cv2

    real = rng.standard_normal((height, width)).astype(np.float32)
    imag = rng.standard_normal((height, width)).astype(np.float32)
    real_blur = np.asarray(cv2.GaussianBlur(real, (0, 0), grain), dtype=np.float32)
    imag_blur = np.asarray(cv2.GaussianBlur(imag, (0, 0), grain), dtype=np.float32)
    # fully developed speckle: the intensity |z|^2 of a smooth complex Gaussian field
    intensity = real_blur * real_blur + imag_blur * imag_blur
    intensity = np.log1p(intensity / float(intensity.mean()))  # log compression, as scanners do
    # a last light blur keeps the texture smooth enough for sub-pixel warps
    intensity = cv2.GaussianBlur(intensity, (0, 0), 0.7)
    lo, hi = np.percentile(intensity, [0.5, 99.5])
    return np.clip((intensity - lo) / (hi - lo) * 215.0 + 20.0, 0, 255).astype(np.float32)


def synthetic_frames(
    n_frames: int,
    size: tuple[int, int] = (320, 240),
    motion: SyntheticMotion | None = None,
    amplitude: float = 10.0,
    period: float = 90.0,
    deformation: float = 3.0,
    noise: float = 0.0,
    grain: float = 2.0,
    seed: int = 0,
):
    """Yield the uint8 grayscale frames of a synthetic video, one at a time.

    Memory stays at a few frames whatever ``n_frames`` is.

    Parameters
    ----------
    n_frames
        Number of frames to yield.
    size
        ``(width, height)`` in px.
    motion
        The displacement field to render; ``None`` draws a random one from
        ``seed``, ``amplitude``, ``period`` and ``deformation``.
    amplitude
        Amplitude in px of the global curved motion (ignored when ``motion`` is given).
    period
        Typical period of the motion, in frames (ignored when ``motion`` is given).
    deformation
        Amplitude in px of the non-rigid modes (ignored when ``motion`` is given).
    noise
        Standard deviation (gray levels) of independent Gaussian noise added to
        every frame; 0 for none.
    grain
        Speckle grain size (Gaussian sigma, px).
    seed
        Seed of the texture, the noise and (without ``motion``) the motion.

    Yields
    ------
    numpy.ndarray
        ``(height, width)`` uint8 frames.
    """
    import cv2

    width, height = (int(size[0]), int(size[1]))
    rng = np.random.default_rng(seed)
    if motion is None:
        motion = SyntheticMotion.random((width, height), amplitude, period, deformation, rng)
    margin = int(np.ceil(motion.max_shift())) + 8
    texture = _speckle_texture(width + 2 * margin, height + 2 * margin, grain, rng)
    noise_rng = np.random.default_rng([seed, 1])

    xs, ys = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    # spatial parts of the non-rigid modes (K, H, W), computed once
    phase = (
        2
        * np.pi
        * (
            xs[None] * motion.mode_wavevector[:, 0, None, None]
            + ys[None] * motion.mode_wavevector[:, 1, None, None]
        )
        + motion.mode_phase_p[:, None, None]
    )
    spatial = np.sin(phase).astype(np.float32)
    shift, modes = motion._temporal(np.arange(n_frames))
    map_x = np.empty_like(xs)
    map_y = np.empty_like(ys)
    for t in range(n_frames):
        # u(p, t) = g(t) + sum_k a_k(t) e_k s_k(p); the frame shows texture(p - u)
        coeff_x = (modes[t] * motion.mode_direction[:, 0]).astype(np.float32)
        coeff_y = (modes[t] * motion.mode_direction[:, 1]).astype(np.float32)
        np.subtract(xs, np.float32(shift[t, 0] - margin), out=map_x)
        np.subtract(ys, np.float32(shift[t, 1] - margin), out=map_y)
        for k in range(spatial.shape[0]):
            map_x -= coeff_x[k] * spatial[k]
            map_y -= coeff_y[k] * spatial[k]
        frame = np.asarray(
            cv2.remap(texture, map_x, map_y, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
        )
        if noise > 0:
            frame = frame + noise_rng.normal(0.0, noise, frame.shape).astype(np.float32)
        yield np.clip(np.rint(frame), 0, 255).astype(np.uint8)


def make_synthetic_video(
    path: str | os.PathLike,
    n_frames: int = 120,
    size: tuple[int, int] = (320, 240),
    n_points: int = 5,
    points: np.ndarray | None = None,
    fps: float = 30.0,
    amplitude: float = 10.0,
    period: float = 90.0,
    deformation: float = 3.0,
    noise: float = 0.0,
    grain: float = 2.0,
    seed: int = 0,
    codec: str | None = None,
    overwrite: bool = False,
    progress: bool = False,
) -> SyntheticVideo:
    """Write a deterministic synthetic video with known point trajectories.

    Parameters
    ----------
    path
        Output file. ``.mkv`` / ``.avi`` are written losslessly (FFV1),
        ``.mp4`` / ``.mov`` with MPEG-4 part 2 (lossy). A path without a suffix
        becomes a folder of PNG images ``frame_000000.png``, ...
    n_frames
        Number of frames.
    size
        ``(width, height)`` in px.
    n_points
        Number of tracked points placed by :func:`default_points` (ignored when
        ``points`` is given).
    points
        ``(P, 2)`` positions (x, y) of the points *in the texture* (frame 0 of a
        motionless video); their true positions in every frame are returned.
    fps
        Frame rate written into the file.
    amplitude
        Amplitude in px of the global curved motion (x and y sinusoids).
    period
        Typical period of the motion, in frames.
    deformation
        Amplitude in px of the smooth non-rigid deformation modes.
    noise
        Standard deviation (gray levels) of independent Gaussian image noise
        added to every frame; 0 for none.
    grain
        Speckle grain size (Gaussian sigma, px).
    seed
        Everything (texture, motion, noise, default points) follows from it.
    codec
        FourCC overriding the choice by suffix.
    overwrite
        Replace an existing file or folder.
    progress
        Show a tqdm progress bar.

    Returns
    -------
    SyntheticVideo
        ``path``, true ``positions`` ``(n_frames, P, 2)``, ``fps``, ``size`` and
        the analytic ``motion``.
    """
    import cv2
    from tqdm import tqdm

    from movement_like.errors import InvalidArgumentError, OverwriteError
    from movement_like.io.atomic import atomic_path

    path = Path(path)
    width, height = int(size[0]), int(size[1])
    if n_frames < 1:
        raise InvalidArgumentError(f"n_frames must be at least 1, got {n_frames}")
    if width < 16 or height < 16:
        raise InvalidArgumentError(f"size must be at least 16x16 px, got {size}")
    if path.exists() and not overwrite:
        raise OverwriteError(path)

    rng = np.random.default_rng(seed)
    motion = SyntheticMotion.random((width, height), amplitude, period, deformation, rng)
    if points is None:
        margin = min(30.0 + motion.max_shift(), 0.4 * min(width, height))
        points = default_points((width, height), n_points, margin, seed)
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    positions = motion.track(points, n_frames)

    frames = synthetic_frames(
        n_frames, (width, height), motion=motion, noise=noise, grain=grain, seed=seed
    )
    frames = tqdm(frames, total=n_frames, desc="Rendering synthetic video", disable=not progress)
    suffix = path.suffix.lower()
    if suffix == "":
        path.mkdir(parents=True, exist_ok=True)
        for old in path.glob("frame_*.png"):
            old.unlink()
        for index, frame in enumerate(frames):
            cv2.imwrite(str(path / _FRAME_NAME.format(index)), frame)
    else:
        fourcc = codec or _CODECS.get(suffix)
        if fourcc is None:
            raise InvalidArgumentError(
                f"{path}: no codec known for suffix '{suffix}'; use .mkv, .avi, .mp4, .mov, "
                "a folder (no suffix), or pass codec='FOURCC'"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, overwrite=overwrite) as tmp:
            writer = cv2.VideoWriter(
                str(tmp), cv2.VideoWriter.fourcc(*fourcc), float(fps), (width, height), True
            )
            if not writer.isOpened():
                raise RuntimeError(f"{path}: OpenCV cannot write codec {fourcc!r} here")
            try:
                for frame in frames:
                    writer.write(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR))
            finally:
                writer.release()
    return SyntheticVideo(
        path=path, positions=positions, fps=float(fps), size=(width, height), motion=motion
    )
