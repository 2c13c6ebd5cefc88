"""The registry: finding, detecting and dispatching formats, and third-party plug-ins.

Plug-ins join through ``register_format()`` (tested in this process, the
registry's state restored afterwards) or the ``movement_like.formats``
entry-point group (tested in a fresh interpreter that sees a throw-away
package's ``.dist-info`` on ``sys.path``, exactly as ``pip install`` leaves it).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from movement_like.dataset import poses_from_numpy
from movement_like.errors import ArgumentTypeError, FileFormatError, InvalidArgumentError
from movement_like.io import load_poses, registry, save_poses
from movement_like.io.formats.common import FileFormat, FileHead

ROOT = Path(__file__).resolve().parents[2]
MAGIC = "toy-tracker v1"


# --------------------------------------------------------------------------- #
# a toy format: one text line, then frame,x,y rows of one keypoint
# --------------------------------------------------------------------------- #
def toy_sniff(head: FileHead) -> bool:
    return head.lines(1) == [MAGIC]


def toy_read(path, fps=None, **kwargs):
    rows = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return poses_from_numpy(
        rows[:, None, None, 1:3],
        individual_names=["toy"],
        keypoint_names=["nose"],
        fps=fps,
        source_software="ToyTracker",
    )


def toy_write(ds, path, overwrite=False, **kwargs):
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(path)
    xy = ds["position"].isel(individuals=0, keypoints=0).values
    body = "\n".join(f"{i},{x},{y}" for i, (x, y) in enumerate(xy.tolist()))
    path.write_text(f"{MAGIC}\n{body}\n")
    return path


TOY = FileFormat(
    "ToyTracker", ("poses",), (".toy",), sniff=toy_sniff, read=toy_read, write=toy_write
)


@pytest.fixture()
def clean_registry(monkeypatch):
    """Run a test with its own registrations, then put the registry back as it was."""
    monkeypatch.setattr(registry, "_registered", [])
    monkeypatch.setattr(registry, "_formats", None)
    yield
    registry.refresh_formats()


def toy_file(path: Path) -> Path:
    path.write_text(f"{MAGIC}\n0,1.5,2.5\n1,3.0,4.0\n")
    return path


# --------------------------------------------------------------------------- #
# dispatch
# --------------------------------------------------------------------------- #
def test_builtin_order_puts_specific_formats_first():
    names = [f.name for f in registry.list_formats()]
    assert names[: len(registry.BUILTIN_FORMATS)] == [f.name for f in registry.BUILTIN_FORMATS]
    assert names.index("LightningPose") < names.index("DeepLabCut")
    assert names.index("SLEAP") < names.index("DeepLabCut")  # *.analysis.h5 before *.h5


def test_find_format_by_name_alias_kind_and_need():
    assert registry.find_format("dlc").name == "DeepLabCut"
    assert registry.find_format("LP", need="writer").name == "LightningPose"
    assert registry.find_format("VIA", kind="bboxes").name == "VIA-tracks"
    with pytest.raises(FileFormatError, match="supported: .*DeepLabCut"):
        registry.find_format("nope")
    with pytest.raises(FileFormatError, match="to be written"):
        registry.find_format("idtracker.ai", need="writer")  # read-only
    with pytest.raises(FileFormatError):
        registry.find_format("VIA", kind="poses")
    with pytest.raises(InvalidArgumentError, match="need"):
        registry.find_format("dlc", need="sniffer")


def test_detect_format_names_the_file_and_the_supported_formats(tmp_path):
    unknown = tmp_path / "notes.txt"
    unknown.write_text("hello\n")
    with pytest.raises(FileFormatError, match=r"notes\.txt.*supported formats: netCDF"):
        registry.detect_format(unknown)
    with pytest.raises(FileNotFoundError):
        registry.detect_format(tmp_path / "missing.h5")


def test_save_needs_a_known_suffix_or_a_name(tmp_path):
    ds = toy_read(toy_file(tmp_path / "a.toy"))
    with pytest.raises(FileFormatError, match="writable formats: .*DeepLabCut"):
        save_poses.to_file(ds, tmp_path / "out.unknown")


def test_call_chain_from_from_file_to_every_reader_is_plain_imports():
    """registry.py imports every format module at module level and no importlib tricks."""
    source = (ROOT / "movement_like" / "io" / "registry.py").read_text()
    tree = ast.parse(source)
    assert "import_module" not in source and "__import__" not in source
    imported = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            imported |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
    for fmt in registry.BUILTIN_FORMATS:
        for function in (fmt.sniff, fmt.read, fmt.write):
            if function is None:
                continue
            module = function.__module__
            assert any(module == m or module.startswith(m + ".") for m in imported), module


# --------------------------------------------------------------------------- #
# register_format()
# --------------------------------------------------------------------------- #
def test_registered_format_loads_and_saves_through_the_facades(clean_registry, tmp_path):
    registry.register_format(TOY)
    path = toy_file(tmp_path / "walk.toy")
    assert registry.detect_format(path).name == "ToyTracker"
    ds = load_poses.from_file(path, fps=10)
    assert ds.attrs["source_software"] == "ToyTracker"
    np.testing.assert_array_equal(ds["position"].values[:, 0, 0], [[1.5, 2.5], [3.0, 4.0]])
    written = save_poses.to_file(ds, tmp_path / "copy.toy")
    assert load_poses.from_file(written)["position"].shape == (2, 1, 1, 2)
    assert load_poses.from_file(path, source_software="toytracker").sizes["time"] == 2


def test_a_taken_name_is_refused_unless_replacing(clean_registry):
    with pytest.raises(InvalidArgumentError, match="'DLC'.*taken by 'DeepLabCut'"):
        registry.register_format(FileFormat("DLC", ("poses",), (".x",), toy_sniff, toy_read))
    registry.register_format(TOY)
    with pytest.raises(InvalidArgumentError, match="taken"):
        registry.register_format(TOY)
    newer = FileFormat("ToyTracker", ("poses",), (".toy2",), toy_sniff, toy_read)
    registry.register_format(newer, replace=True)
    assert [f.suffixes for f in registry.list_formats() if f.name == "ToyTracker"] == [(".toy2",)]


def test_before_puts_a_format_ahead_of_a_more_general_one(clean_registry):
    specific = FileFormat("DLC-variant", ("poses",), (".csv",), toy_sniff, toy_read)
    registry.register_format(specific, before="DeepLabCut")
    names = [f.name for f in registry.list_formats()]
    assert names.index("DLC-variant") == names.index("DeepLabCut") - 1
    with pytest.raises(InvalidArgumentError, match="not registered"):
        registry.register_format(TOY, before="NoSuchFormat")
    assert "ToyTracker" not in [f.name for f in registry.list_formats()]  # nothing half-done


def test_any_object_with_the_protocol_members_registers(clean_registry, tmp_path):
    class Toy:
        name = "ToyClass"
        kinds = ("poses",)
        suffixes = (".toyc",)
        write = None

        def sniff(self, head):
            return toy_sniff(head)

        def read(self, path, fps=None, **kwargs):
            return toy_read(path, fps)

    fmt = registry.register_format(Toy)  # a class is instantiated, as xarray does
    assert fmt.origin == "register_format()" and fmt.write is None
    assert load_poses.from_file(toy_file(tmp_path / "a.toyc")).sizes["time"] == 2
    with pytest.raises(FileFormatError, match="to be written"):
        registry.find_format("ToyClass", need="writer")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (object(), "lacks name, kinds, suffixes, sniff, read, write"),
        (FileFormat("", ("poses",), (".x",), toy_sniff, toy_read), "non-empty str"),
        (FileFormat("X", ("tracks",), (".x",), toy_sniff, toy_read), "kinds must be"),
        (FileFormat("X", ("poses",), (".X",), toy_sniff, toy_read), "lower-case"),
        (FileFormat("X", ("poses",), (".x",), "sniff", toy_read), "sniff must be callable"),  # type: ignore[arg-type]
    ],
)
def test_a_malformed_format_is_refused(clean_registry, bad, message):
    with pytest.raises(ArgumentTypeError, match=message):
        registry.register_format(bad)


def test_a_plugin_sniffer_that_crashes_is_skipped_with_a_warning(clean_registry, tmp_path):
    def crash(head):
        raise RuntimeError("plug-in bug")

    registry.register_format(FileFormat("Crashy", ("poses",), (".toy",), crash, toy_read))
    registry.register_format(TOY)
    with pytest.warns(RuntimeWarning, match="Crashy.*plug-in bug"):
        assert registry.detect_format(toy_file(tmp_path / "a.toy")).name == "ToyTracker"


# --------------------------------------------------------------------------- #
# entry points: a throw-away package, "installed" as pip leaves it
# --------------------------------------------------------------------------- #
PLUGIN = '''
import numpy as np
from movement_like.dataset import poses_from_numpy

MAGIC = "toy-tracker v1"


class ToyFormat:
    """A format that knows nothing of movement_like but its protocol."""

    name = "ToyTracker"
    kinds = ("poses",)
    suffixes = (".toy",)
    aliases = ("toy",)
    write = None

    def sniff(self, head):
        return head.lines(1) == [MAGIC]

    def read(self, path, fps=None, **kwargs):
        rows = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
        return poses_from_numpy(
            rows[:, None, None, 1:3], individual_names=["toy"], keypoint_names=["nose"],
            fps=fps, source_software="ToyTracker",
        )


broken = 42  # not a format
'''


def install_plugin(site: Path, entry_points: str) -> None:
    """Lay out a package and its .dist-info in ``site`` as ``pip install`` would."""
    (site / "toy_tracker").mkdir(parents=True)
    (site / "toy_tracker" / "__init__.py").write_text(PLUGIN)
    info = site / "toy_tracker-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-tracker\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(entry_points)
    (info / "RECORD").write_text("")


def run_with(site: Path, code: str) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]))
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_entry_point_plugin_loads_a_file_through_from_file(tmp_path):
    site = tmp_path / "site"
    install_plugin(site, "[movement_like.formats]\ntoy = toy_tracker:ToyFormat\n")
    data = toy_file(tmp_path / "walk.toy")
    out = run_with(
        site,
        f"""
        import json, warnings
        warnings.simplefilter("error")
        from movement_like.io import load_poses, registry
        untouched = registry._formats is None  # importing read no entry point
        ds = load_poses.from_file({str(data)!r}, fps=25)
        fmt = registry.detect_format({str(data)!r})
        print(json.dumps({{
            "untouched": untouched,
            "software": ds.attrs["source_software"],
            "fps": ds.attrs["fps"],
            "x": ds["position"].values[:, 0, 0, 0].tolist(),
            "origin": fmt.origin,
            "by_alias": registry.find_format("toy").name,
            "last": registry.list_formats()[-1].name,
        }}))
        """,
    )
    assert out["untouched"]
    assert out["software"] == "ToyTracker" and out["fps"] == 25 and out["x"] == [1.5, 3.0]
    assert out["origin"] == "entry point toy = toy_tracker:ToyFormat (package toy-tracker)"
    assert out["by_alias"] == "ToyTracker" and out["last"] == "ToyTracker"


def test_a_broken_or_clashing_plugin_warns_and_the_others_still_work(tmp_path):
    site = tmp_path / "site"
    install_plugin(
        site,
        "[movement_like.formats]\n"
        "toy = toy_tracker:ToyFormat\n"
        "broken = toy_tracker:broken\n"
        "missing = toy_tracker:nothing_here\n"
        "dlc = movement_like.io.formats.dlc:sniff\n",
    )
    data = toy_file(tmp_path / "walk.toy")
    out = run_with(
        site,
        f"""
        import json, warnings
        from movement_like.io import load_poses, registry
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            names = [f.name for f in registry.list_formats()]
        ds = load_poses.from_file({str(data)!r})
        print(json.dumps({{
            "names": names,
            "warnings": sorted(str(w.message) for w in caught),
            "n_time": ds.sizes["time"],
        }}))
        """,
    )
    assert out["n_time"] == 2 and out["names"].count("ToyTracker") == 1
    assert out["names"][: len(registry.BUILTIN_FORMATS)] == [
        f.name for f in registry.BUILTIN_FORMATS
    ]
    assert len(out["warnings"]) == 3, out["warnings"]
    assert any("broken = toy_tracker:broken" in w for w in out["warnings"])
    assert any("missing = toy_tracker:nothing_here" in w for w in out["warnings"])
    assert any("dlc = movement_like.io.formats.dlc:sniff" in w for w in out["warnings"])


def test_refresh_keeps_registered_formats(clean_registry):
    registry.register_format(TOY)
    registry.refresh_formats()
    assert "ToyTracker" in [f.name for f in registry.list_formats()]
