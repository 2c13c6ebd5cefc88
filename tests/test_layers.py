"""The package's layers import only what they may; nobody imports another module's private names.

The layers (CONTRIBUTING.md, "Layers"), lowest first, and what each may import:

======== ======================================================= =========================
layer    rooms                                                   may import
======== ======================================================= =========================
contract ``movement_like`` (the root), ``dataset``, ``errors``,  contract
         ``provenance``, ``utils``, ``video``
io       ``io`` (``movement_compat``: old alias of               contract, io
         ``io.movement_compat``)
analysis ``filtering``, ``kinematics``, ``transforms``,          contract, analysis
         ``annotations``, ``optical_flow``, ``roi``
faces    ``plots``, ``cli``, ``demo``, ``sample_data``,          everything
         ``napari``, ``batch``
======== ======================================================= =========================

Data flows contract -> io -> analysis -> faces, but analysis never imports io:
analysis functions take datasets, whoever loaded them, so io and analysis both
stand on the contract and only the faces see both.

A name with a leading underscore belongs to its module: importing ``_name``
from another module fails, except from a private module (``kinematics/_vectors.py``)
of the importer's own package, which is that package's shared room; a private
module may not be imported from outside its package. Helpers shared between
modules are public names (a module's ``__all__`` says which of them users
call).

The checker reads the source with :mod:`ast` (module-level imports and imports
inside functions alike) and never imports the package, so it also runs on the
deliberately bad sources of the tests below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "movement_like"
ROOT = Path(__file__).resolve().parents[1] / PACKAGE

CONTRACT, IO, ANALYSIS, FACES = 0, 1, 2, 3
LAYER_NAMES = {CONTRACT: "contract", IO: "io", ANALYSIS: "analysis", FACES: "faces"}
#: What each layer may import.
MAY_IMPORT = {
    CONTRACT: {CONTRACT},
    IO: {CONTRACT, IO},
    ANALYSIS: {CONTRACT, ANALYSIS},
    FACES: {CONTRACT, IO, ANALYSIS, FACES},
}
#: Top-level room of movement_like -> layer. ``""`` is the package root itself.
LAYERS = {
    "": CONTRACT,
    "dataset": CONTRACT,
    "errors": CONTRACT,
    "provenance": CONTRACT,
    "utils": CONTRACT,
    "video": CONTRACT,
    "io": IO,
    "movement_compat": IO,
    "filtering": ANALYSIS,
    "kinematics": ANALYSIS,
    "transforms": ANALYSIS,
    "annotations": ANALYSIS,
    "optical_flow": ANALYSIS,
    "roi": ANALYSIS,
    "plots": FACES,
    "cli": FACES,
    "demo": FACES,
    "sample_data": FACES,
    "napari": FACES,
    "batch": FACES,
}
#: Upward imports allowed only so that an old import path keeps working, with the reason.
#: Each one goes when its deprecation ends.
OLD_PATHS = {
    ("movement_like.optical_flow", "movement_like.sample_data.synthetic"): (
        "deprecated optical_flow.make_synthetic_video & co (PEP 562 __getattr__), until 0.3"
    ),
    ("movement_like.optical_flow.synthetic", "movement_like.sample_data.synthetic"): (
        "deprecated module optical_flow.synthetic, until 0.3"
    ),
    ("movement_like.io.rois", "movement_like.roi.io"): (
        "deprecated module io.rois (region files now in roi.io), until 0.3"
    ),
}


#: Known breaches waiting for a design decision, with the reason; the test fails when one
#: is no longer needed, so the list only shrinks. Empty today.
KNOWN_BREACHES: dict[tuple[str, str], str] = {}
ALLOWED_UPWARD = set(OLD_PATHS) | set(KNOWN_BREACHES)


# --------------------------------------------------------------------------- #
# the checker
# --------------------------------------------------------------------------- #
def module_name(path: Path, root: Path = ROOT) -> str:
    """``movement_like/io/registry.py`` -> ``movement_like.io.registry`` (packages: no __init__)."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str, root: Path = ROOT) -> bool:
    """Whether ``name`` is a module or package of the source tree (not a name inside one)."""
    relative = Path(*name.split("."))
    base = root.parent / relative
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def layer_of(name: str) -> int | None:
    """The layer of a module of the package (None if its room is not in :data:`LAYERS`)."""
    parts = name.split(".")
    return LAYERS.get(parts[1] if len(parts) > 1 else "")


def package_of(name: str, is_package: bool) -> str:
    """The package a module belongs to (a package belongs to itself)."""
    return name if is_package else name.rpartition(".")[0]


def imports_of(
    source: str, name: str, is_package: bool, root: Path = ROOT
) -> list[tuple[str, str | None, int]]:
    """``(module, imported name or None, line)`` for every import of the package in ``source``.

    ``from A import b`` gives ``(A.b, None)`` when ``A.b`` is a module, else ``(A, "b")``;
    relative imports are resolved against ``name``.
    """
    found: list[tuple[str, str | None, int]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(a.name, None, node.lineno) for a in node.names if _ours(a.name)]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package_of(name, is_package).split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            if not _ours(base):
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if is_module(submodule, root):
                    found.append((submodule, None, node.lineno))
                else:
                    found.append((base, alias.name, node.lineno))
    return found


def is_private(name: str) -> bool:
    """``_name`` is private; ``__name__`` (a dunder such as ``__version__``) is not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _ours(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def problems_of(source: str, name: str, is_package: bool = False, root: Path = ROOT) -> list[str]:
    """Every upward import and every import of another module's private part, in words."""
    problems = []
    own_layer = layer_of(name)
    own_package = package_of(name, is_package)
    for target, imported, line in imports_of(source, name, is_package, root):
        where = f"{name} line {line}"
        target_layer = layer_of(target)
        if own_layer is None:
            problems.append(f"{where}: {name} is in no layer; add its room to LAYERS")
        elif target_layer is None:
            problems.append(f"{where}: imports {target}, whose room is in no layer")
        elif target_layer not in MAY_IMPORT[own_layer] and (name, target) not in ALLOWED_UPWARD:
            allowed = ", ".join(LAYER_NAMES[n] for n in sorted(MAY_IMPORT[own_layer]))
            problems.append(
                f"{where}: {LAYER_NAMES[own_layer]} imports {LAYER_NAMES[target_layer]} "
                f"({target}); {LAYER_NAMES[own_layer]} may import only {allowed}"
            )
        parent, _, last = target.rpartition(".")
        if is_private(last) and target != name and parent != own_package:
            problems.append(f"{where}: imports {target}, a private module of {parent}")
        if imported is not None and is_private(imported) and target != name:
            if not (is_private(last) and parent == own_package):
                problems.append(
                    f"{where}: imports the private {imported} of {target}; "
                    "make it a public helper in the right module"
                )
    return problems


def package_sources(root: Path = ROOT) -> list[tuple[str, str, bool]]:
    """``(module name, source, is package)`` of every module of the package."""
    return [
        (module_name(path, root), path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for path in sorted(root.rglob("*.py"))
    ]


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (a name imported from a package counts
    as an import of that package; parents imported implicitly by Python do not count)."""
    graph: dict[str, set[str]] = {}
    for name, source, is_package in package_sources(root):
        graph[name] = {t for t, _, _ in imports_of(source, name, is_package, root) if t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph``: its strongly connected components of 2+ modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


# --------------------------------------------------------------------------- #
# the package obeys the rules
# --------------------------------------------------------------------------- #
def test_every_room_of_the_package_is_in_a_layer():
    rooms = {p.stem for p in ROOT.glob("*.py")} | {
        p.parent.name for p in ROOT.glob("*/__init__.py")
    }
    rooms.discard("__init__")
    assert rooms - set(LAYERS) == set(), "put every new room of movement_like in LAYERS"


def test_no_module_imports_upward_or_anothers_private_names():
    problems = [p for name, src, pkg in package_sources() for p in problems_of(src, name, pkg)]
    assert problems == []


def test_no_import_circle():
    graph = import_graph()
    for importer, imported in KNOWN_BREACHES:  # a known breach may close a circle, see above
        graph[importer].discard(imported)
    assert cycles(graph) == []


def test_exceptions_are_still_needed():
    graph = import_graph()
    for importer, imported in ALLOWED_UPWARD:
        assert imported in graph[importer], f"{importer} no longer imports {imported}: drop it"


# --------------------------------------------------------------------------- #
# the checker catches what it should (deliberately bad sources)
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        (
            "movement_like.kinematics.bad",
            "from movement_like.io import load_poses",
            "analysis imports io",
        ),
        ("movement_like.optical_flow.bad", "import movement_like.io.atomic", "analysis imports io"),
        (
            "movement_like.io.bad",
            "from movement_like.filtering import rolling_filter",
            "io imports analysis",
        ),
        (
            "movement_like.dataset",
            "from movement_like.io.atomic import atomic_path",
            "contract imports io",
        ),
        (
            "movement_like.video",
            "def f():\n    from movement_like import plots",
            "contract imports faces",
        ),
        (
            "movement_like.kinematics.energy",
            "from .motion import _derivative",
            "private _derivative",
        ),
        (
            "movement_like.transforms",
            "from movement_like.kinematics.orientation import _forward_vector",
            "private _forward_vector",
        ),
        (
            "movement_like.optical_flow.rstc",
            "from movement_like.optical_flow.lk import _ramp",
            "private _ramp",
        ),
        (
            "movement_like.transforms",
            "from movement_like.kinematics._vectors import norm",
            "private module",
        ),
        (
            "movement_like.transforms",
            "from movement_like.kinematics import _vectors",
            "private module",
        ),
        ("movement_like.newroom", "import numpy", None),
        ("movement_like.newroom", "from movement_like import errors", "in no layer"),
    ],
)
def test_checker_fails_on_a_bad_import(name, source, expected):
    problems = problems_of(source, name)
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("movement_like.plots", "from movement_like.optical_flow import track_points"),
        ("movement_like.io.formats.dustrack.layer", "from movement_like.video import probe_video"),
        ("movement_like.kinematics.energy", "from movement_like.kinematics._vectors import _norm"),
        ("movement_like.kinematics.energy", "from ._vectors import _norm"),
        (
            "movement_like.annotations.edits",
            "from movement_like.annotations._alignment import align",
        ),
        ("movement_like.optical_flow", "from movement_like.sample_data.synthetic import x"),
        ("movement_like.io.formats.dlc", "from movement_like.dataset import frame_numbers as _f"),
    ],
)
def test_checker_accepts_a_good_import(name, source):
    assert problems_of(source, name) == []


def test_cycle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]


def test_checker_reads_a_package_tree_on_disk(tmp_path):
    package = tmp_path / PACKAGE
    (package / "kinematics").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "kinematics" / "__init__.py").write_text("from . import motion\n")
    (package / "kinematics" / "motion.py").write_text("def _derivative():\n    pass\n")
    (package / "kinematics" / "energy.py").write_text(
        "from movement_like.kinematics.motion import _derivative\n"
        "from movement_like.kinematics import motion\n"
    )
    (package / "io.py").write_text("from movement_like.kinematics import motion\n")
    problems = [p for n, s, k in package_sources(package) for p in problems_of(s, n, k, package)]
    assert len(problems) == 2, problems
    assert any("movement_like.io line 1: io imports analysis" in p for p in problems)
    assert any("private _derivative of movement_like.kinematics.motion" in p for p in problems)
    graph = import_graph(package)
    assert graph["movement_like.kinematics.energy"] == {"movement_like.kinematics.motion"}
