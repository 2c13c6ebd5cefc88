"""The sample-data registry: which files exist, what they hold, and their hashes.

The registry is a plain text file, one line per file, whitespace-separated::

    name  sha256  size_bytes  source_format  fps  description...  [options]

where the options are ``dataset=NAME``, ``role=ROLE``, ``layer=NAME``, ``url=URL``,
``path=PATH`` (where the file sits in a local mirror folder) and ``licence=SPDX``
(see ``SampleFile``).

It lives at the top of the source tree (``sample_data_registry.txt``) and a
byte-identical copy ships inside the package (``sample_data/files/``), so an
installed package needs no source tree. Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from movement_like.errors import RegistryError

__all__ = [
    "REGISTRY_NAME",
    "SampleFile",
    "bundled_dir",
    "registry_path",
    "parse_registry",
    "load_registry",
    "sha256_of",
    "RegistryError",
]

#: File name of the registry, at the top of the source tree and in ``files/``.
REGISTRY_NAME = "sample_data_registry.txt"
#: Options that may end a line, after the free-text description.
OPTION_KEYS = ("dataset", "role", "layer", "url", "path", "licence")
#: Role of a file in its dataset, from its source format (default: ``"poses"``).
ROLES_BY_FORMAT = {
    "video": "video",
    "via-tracks": "bboxes",
    "dustrack": "layers",
    "trackermap": "trackermap",
}
#: The roles a file may have in its dataset (``trackermap``: DUSTrack's keypoint names).
ROLES = ("poses", "bboxes", "layers", "video", "trackermap")


@dataclass(frozen=True)
class SampleFile:
    """One line of the registry.

    Attributes
    ----------
    name
        File name, unique in the registry.
    sha256
        Hex digest the file must have before it is used.
    size
        Size in bytes.
    source_format
        The movement_like format name the file is read with (``"video"`` for videos).
    fps
        Frames per second, or ``None`` when unknown.
    description
        Free text.
    dataset
        The dataset this file belongs to (several files may form one dataset,
        e.g. a video and its annotation layers); the file name by default.
    url
        Where to download the file when it is not bundled, or ``None``.
    explicit_role
        The ``role=`` option, when given (see :attr:`role`).
    layer
        For annotation layers: the layer name (``layer=`` option); by default
        the name DUSTrack gives the file.
    path
        Where the file sits inside a local mirror folder (``path=`` option,
        e.g. ``deeplabcut/<file>.h5``); the file name by default. See
        :func:`movement_like.sample_data.mirror_dir`.
    licence
        The licence the file is distributed under (``licence=`` option, an SPDX
        identifier), or ``None`` for files made by this project (BSD-3-Clause,
        like the package).
    """

    name: str
    sha256: str
    size: int
    source_format: str
    fps: float | None
    description: str
    dataset: str
    url: str | None = None
    explicit_role: str | None = None
    layer: str | None = None
    path: str | None = None
    licence: str | None = None

    @property
    def mirror_path(self) -> str:
        """Path of the file inside a mirror folder: the ``path=`` option, else its name."""
        return self.path or self.name

    @property
    def bundled(self) -> bool:
        """True when the file ships inside the package (it has no download URL)."""
        return self.url is None

    @property
    def role(self) -> str:
        """The file's part in its dataset: ``"poses"``, ``"bboxes"``, ``"layers"`` or ``"video"``.

        Given by the ``role=`` option, else derived from the source format
        (a DeepLabCut file that is one annotation layer of a video says ``role=layers``).
        """
        if self.explicit_role:
            return self.explicit_role
        return ROLES_BY_FORMAT.get(self.source_format.casefold(), "poses")


def bundled_dir() -> Path:
    """Return the folder of the files shipped inside the package.

    Returns
    -------
    pathlib.Path
        The absolute ``files`` folder next to this module (bundled samples and the registry).
    """
    return Path(__file__).resolve().parent / "files"


def registry_path() -> Path:
    """Return the registry in use: ``$MOVEMENT_LIKE_SAMPLE_REGISTRY``, else the bundled copy.

    Returns
    -------
    pathlib.Path
        The registry file to read; the environment override lets tests and
        labs use their own list of samples.
    """
    override = os.environ.get("MOVEMENT_LIKE_SAMPLE_REGISTRY")
    return Path(override) if override else bundled_dir() / REGISTRY_NAME


def _parse_line(line: str, where: str) -> SampleFile:
    tokens = line.split()
    if len(tokens) < 5:
        raise RegistryError(
            f"{where}: expected at least 5 columns (name sha256 size source_format fps), "
            f"found {len(tokens)}"
        )
    name, digest, size_text, source_format, fps_text = tokens[:5]
    rest = tokens[5:]
    options: dict[str, str] = {}
    while rest and "=" in rest[-1] and rest[-1].split("=", 1)[0] in OPTION_KEYS:
        key, value = rest.pop().split("=", 1)
        if key in options:
            raise RegistryError(f"{where}: option {key}= given twice")
        options[key] = value
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest.lower()):
        raise RegistryError(f"{where}: {digest!r} is not a sha256 hex digest (64 hex digits)")
    try:
        size = int(size_text)
    except ValueError:
        raise RegistryError(f"{where}: size {size_text!r} is not a whole number of bytes") from None
    if fps_text == "-":
        fps = None
    else:
        try:
            fps = float(fps_text)
        except ValueError:
            raise RegistryError(f"{where}: fps {fps_text!r} is not a number or '-'") from None
        if not fps > 0:
            raise RegistryError(f"{where}: fps must be positive, found {fps_text}")
    mirror = options.get("path")
    if mirror is not None and (
        mirror.startswith(("/", "\\")) or ".." in mirror.replace("\\", "/").split("/")
    ):
        raise RegistryError(f"{where}: path={mirror} must be relative, inside the mirror folder")
    role = options.get("role")
    if role is not None and role not in ROLES:
        raise RegistryError(f"{where}: role={role} is not one of {', '.join(ROLES)}")
    return SampleFile(
        name=name,
        sha256=digest.lower(),
        size=size,
        source_format=source_format,
        fps=fps,
        description=" ".join(rest),
        dataset=options.get("dataset", name),
        url=options.get("url"),
        explicit_role=role,
        layer=options.get("layer"),
        path=options.get("path"),
        licence=options.get("licence"),
    )


def parse_registry(text: str, source: str = REGISTRY_NAME) -> dict[str, SampleFile]:
    """Parse registry text into ``{file name: SampleFile}``, in file order.

    Blank lines and lines starting with ``#`` are skipped.

    Parameters
    ----------
    text
        The registry's content: one file a line, ``name sha256 size
        source_format fps`` then optional ``key=value`` options.
    source
        What to call the registry in error messages (usually its path).

    Returns
    -------
    dict of str to SampleFile
        One entry per file, keyed by file name, in the order of the text.

    Raises
    ------
    RegistryError
        Naming the line of a malformed entry or of a repeated name.
    """
    entries: dict[str, SampleFile] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        entry = _parse_line(line, f"{source}, line {number}")
        if entry.name in entries:
            raise RegistryError(f"{source}, line {number}: the name {entry.name!r} is repeated")
        entries[entry.name] = entry
    return entries


def load_registry(path: str | os.PathLike | None = None) -> dict[str, SampleFile]:
    """Read and parse the registry at ``path`` (default: :func:`registry_path`).

    Parameters
    ----------
    path
        The registry file to read; ``None`` reads the one in use
        (:func:`registry_path`).

    Returns
    -------
    dict of str to SampleFile
        One entry per file, keyed by file name, in file order (see :func:`parse_registry`).
    """
    target = Path(path) if path is not None else registry_path()
    return parse_registry(target.read_text(encoding="utf-8"), source=str(target))


def sha256_of(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """Return the sha256 hex digest of a file, read in chunks.

    Parameters
    ----------
    path
        The file to hash.
    chunk_size
        How many bytes to read at a time, so large videos are hashed without
        being held in memory.

    Returns
    -------
    str
        The 64-character lowercase hex digest, as written in the registry.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()
