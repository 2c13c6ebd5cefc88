"""Damaged files get our error, never a foreign one, a hang, a crash or a huge allocation.

Several hundred seeded mutants of every real file (but the videos) and of one
output of each of our writers (see :mod:`tests.fuzzing`) are each loaded with
``load_dataset`` in a worker process with a timeout and a memory cap. Each one
must either load into a dataset that passes ``validate_dataset`` or raise a
subclass of :class:`movement_like.errors.MovementLikeError`.

Failures that readers still have are listed, each with its finding, in
:data:`KNOWN_READER_FAILURES`: they are strict xfails, so a fix that makes one
pass turns the test red until its line is removed. Reproduce any mutant alone
with ``python benchmarks/fuzz.py --replay '<recipe>'`` (the failure message
prints the recipe). The larger campaign is ``python benchmarks/fuzz.py``.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import REALDATA
from tests.fuzzing import mutations, pool, sources

SEED = 20261201
MUTANTS_PER_SOURCE = 8
TIMEOUT_S = 20.0
MEMORY_CAP_MIB = 1024

#: Mutants that still break the promise in readers this test does not fix,
#: by recipe id, with what goes wrong. Remove a line when its reader is fixed
#: (the strict xfail then fails, saying so).
KNOWN_READER_FAILURES: dict[str, str] = {}

#: Mutants the larger campaign (``benchmarks/fuzz.py --count 5000 --seed 1``) found, kept
#: here once fixed so that they stay fixed (each is run with the seeded ones).
FOUND_BY_CAMPAIGNS: list[dict] = [
    # a chunk index claiming 1.4 GB for a chunk of a 27 kB file (HDF5 allocated it)
    {"source": "written/sleap_poses.analysis.h5", "index": 38, "mutation": "flip",
     "params": {"offsets": [2858, 4069, 4357, 14763], "masks": [251, 11, 54, 84]},
     "name": "sleap_poses.analysis.h5", "source_software": "auto"},
    # a .npy header that numpy's tokenizer rejects (tokenize.TokenError escaped)
    {"source": "realdata/idtrackerai/test_trajectories_idtrackerai.npy", "index": 9,
     "mutation": "flip",
     "params": {"offsets": [63, 31807, 33611, 74502], "masks": [249, 83, 188, 6]},
     "name": "test_trajectories_idtrackerai.npy", "source_software": "auto"},
    # one 200,000-character image name in a 1,000-row CSV (a 763 MiB string array)
    {"source": "realdata/lightningpose/eks_ibl-paw/3f859b5c-e73a-4044-b49e-34bb81e96715.left.rng=0.csv",
     "index": 14, "mutation": "csv_cell", "params": {"row": 592, "col": 0, "value": "deep"},
     "name": "3f859b5c-e73a-4044-b49e-34bb81e96715.left.rng=0.csv", "source_software": "auto"},
    # NWB skeleton edges flattened to 1-D (TypeError escaped)
    {"source": "realdata/nwb/0.1.1_poseestimation_nodes_edges.nwb", "index": 41,
     "mutation": "h5_rank",
     "params": {"name": "processing/behavior/PoseEstimation/edges", "how": "flatten"},
     "name": "0.1.1_poseestimation_nodes_edges.nwb", "source_software": "NWB"},
    # a variable-length string's length flipped to 3 GB (HDF5 allocated it before reading)
    {"source": "realdata/nwb/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb",
     "index": 70, "mutation": "flip",
     "params": {"offsets": [120248, 178054, 196058, 196623, 291998, 300923, 356774, 478396],
                "masks": [99, 68, 80, 126, 65, 184, 101, 64]},
     "name": "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb", "source_software": "auto"},
    # an object header's continuation block claiming 33 PB (HDF5 allocated it)
    {"source": "realdata/nwb/sleap-io_written/minimal.pose.nwb", "index": 79, "mutation": "flip",
     "params": {"offsets": [19110, 77173, 102181, 125014, 230144],
                "masks": [118, 214, 220, 106, 109]},
     "name": "minimal.pose.nwb", "source_software": "NWB"},
    # DLC table whose compound field name is not UTF-8 (UnicodeDecodeError escaped)
    {"source": "realdata/deeplabcut/openfield-Pranav-2018-10-30/CollectedData_Pranav.h5",
     "index": 110, "mutation": "flip",
     "params": {"offsets": [3376, 5964, 11509, 38507, 82338], "masks": [230, 98, 27, 31, 230]},
     "name": "CollectedData_Pranav.h5", "source_software": "DeepLabCut"},
    # an Anipose alignment-matrix cell that is not a number (ValueError escaped)
    {"source": "written/anipose_poses.csv", "index": 61, "mutation": "flip",
     "params": {"offsets": [697], "masks": [60]}, "name": "anipose_poses.csv",
     "source_software": "auto"},
    # an object header's address pointing past the end of the file (IndexError in our screen)
    {"source": "written/sleap_poses.analysis.h5", "index": 46, "mutation": "flip",
     "params": {"offsets": [835, 837], "masks": [136, 90]}, "name": "sleap_poses.analysis.h5",
     "source_software": "SLEAP"},
    # a pickle's counted bytes claiming gigabytes (the unpickler allocated them first)
    {"source": "realdata/idtrackerai/test_trajectories_idtrackerai_with_border.npy",
     "index": 71, "mutation": "flip",
     "params": {"offsets": [10939, 15153, 40694, 45923, 53338, 65930, 98136],
                "masks": [186, 254, 105, 214, 78, 232, 79]},
     "name": "test_trajectories_idtrackerai_with_border.npy", "source_software": "auto"},
    # a damaged pickle on which CPython's unpickler raises SystemError
    {"source": "realdata/idtrackerai/test_trajectories_idtrackerai_with_border.npy",
     "index": 72, "mutation": "flip",
     "params": {"offsets": [5171, 62142, 98347], "masks": [185, 149, 231]},
     "name": "test_trajectories_idtrackerai_with_border.npy", "source_software": "auto"},
    # a SLEAP frame index beyond int64 (OverflowError escaped)
    {"source": "realdata/sleap/clip.2node.slp", "index": 49, "mutation": "flip",
     "params": {"offsets": [181764, 336363], "masks": [57, 191]}, "name": "clip.2node.slp",
     "source_software": "auto"},
    # (benchmarks/fuzz.py --count 2000 --seed 3 --format zarr) a string array's zstd codec
    # dropped: the compressed bytes read as an item count of 4,247,762,216 (31.6 GiB)
    {"source": "written/zarr_poses.zarr", "index": 184, "mutation": "zarr_codec",
     "params": {"array": "individuals", "how": "drop", "axis": 1},
     "name": "zarr_poses.zarr", "source_software": "auto"},
    # a flipped byte inside a zstd-compressed chunk of strings: 2,600,468,482 items claimed
    {"source": "written/zarr_bboxes.zarr", "index": 547, "mutation": "zarr_chunk",
     "params": {"member": "space/c/0", "how": "flip", "seed": 1340428178},
     "name": "zarr_bboxes.zarr", "source_software": "auto"},
]  # fmt: skip


def _sources_and_recipes() -> tuple[dict, list[dict]]:
    if not REALDATA.is_dir():
        return {}, []
    written = Path(tempfile.mkdtemp(prefix="movement-like-fuzz-written-"))
    atexit.register(shutil.rmtree, written, ignore_errors=True)
    srcs = sources.all_sources(REALDATA, written)
    found = [recipe for recipe in FOUND_BY_CAMPAIGNS if recipe["source"] in srcs]
    return srcs, mutations.plan(srcs, MUTANTS_PER_SOURCE * len(srcs), SEED) + found


SOURCES, RECIPES = _sources_and_recipes()


def _params() -> list:
    if not RECIPES:
        return [pytest.param(None, id="realdata-missing")]
    params = []
    for recipe in RECIPES:
        name = mutations.recipe_id(recipe)
        marks = []
        if name in KNOWN_READER_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_READER_FAILURES[name]))
        params.append(pytest.param(recipe, id=name, marks=marks))
    return params


@pytest.fixture(scope="module")
def fuzz_results(realdata) -> dict[str, dict]:
    """Run every mutant once (two long-lived workers), by recipe id."""
    del realdata  # its fixture fails in CI (skips locally) when the files are missing
    workers = min(2, os.cpu_count() or 1)
    results = pool.run(
        RECIPES, SOURCES, workers=workers, timeout=TIMEOUT_S, memory_mib=MEMORY_CAP_MIB
    )
    return {mutations.recipe_id(r["recipe"]): r for r in results}


@pytest.mark.realdata
@pytest.mark.parametrize("recipe", _params())
def test_damaged_file_loads_or_gives_our_error(recipe, fuzz_results):
    result = fuzz_results[mutations.recipe_id(recipe)]
    assert result["outcome"] in pool.GOOD, (
        f"{result['outcome']}: {result.get('error', '')} at {result.get('where', '?')}: "
        f"{result.get('message', '')}\n"
        f"reproduce: python benchmarks/fuzz.py --replay '{json.dumps(recipe)}'"
    )


def test_known_failures_name_real_recipes():
    ids = {mutations.recipe_id(r) for r in RECIPES}
    if not RECIPES:
        pytest.skip("no real data")
    assert set(KNOWN_READER_FAILURES) <= ids, set(KNOWN_READER_FAILURES) - ids


def test_recipes_are_seeded_and_cover_every_source_and_mutation_family():
    if not SOURCES:
        pytest.skip("no real data")
    again = mutations.plan(SOURCES, MUTANTS_PER_SOURCE * len(SOURCES), SEED)
    assert again == RECIPES[: len(again)]
    assert RECIPES[len(again) :] == FOUND_BY_CAMPAIGNS  # every source of theirs exists
    other = mutations.plan(SOURCES, MUTANTS_PER_SOURCE * len(SOURCES), SEED + 1)
    assert other != RECIPES
    assert {r["source"] for r in RECIPES} == set(SOURCES)
    families = {r["mutation"].split("_")[0] for r in RECIPES}
    assert {"flip", "truncate", "zero", "rename", "h5", "csv", "json", "npy", "zarr"} <= families
    zarr_mutations = {r["mutation"] for r in RECIPES if r["source"].endswith(".zarr")}
    assert {"zarr_json_value", "zarr_chunk", "zarr_shape", "zarr_dtype"} <= zarr_mutations
    assert any(label.startswith("written/") for label in SOURCES)
    assert not any("/videos/" in label for label in SOURCES)


def test_the_pool_reports_every_kind_of_failure():
    kinds = ["loaded", "ours", "foreign", "crash", "hang", "memory", "loaded"]
    recipes = [
        {"source": "s", "index": i, "mutation": kind, "params": {}, "name": "x"}
        for i, kind in enumerate(kinds)
    ]
    results = pool.run(
        recipes,
        {"s": (Path(__file__), None)},
        workers=2,
        timeout=3.0,
        memory_mib=512,
        module="tests.fuzzing.selftest_worker",
    )
    outcomes = [r["outcome"] for r in results]
    assert outcomes == kinds
    by_kind = dict(zip(kinds, results, strict=False))
    assert "SIGSEGV" in by_kind["crash"]["message"]
    assert "selftest_worker.py" in by_kind["hang"]["message"]
    assert by_kind["foreign"]["error"] == "builtins.KeyError"
    assert results[-1]["outcome"] == "loaded"  # a fresh worker took over after the hang
