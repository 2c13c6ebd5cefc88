"""Mutations: from a source file and a seed to a recipe, and from a recipe to a damaged file.

A *recipe* is a small JSON-able dict::

    {"source": "realdata/sleap/minimal_instance.slp", "index": 3,
     "mutation": "h5_dtype", "params": {"name": "points", "dtype": "f2"},
     "name": "minimal_instance.slp", "source_software": "auto"}

:func:`plan` draws recipes (seeded, so the same seed gives the same recipes);
:func:`apply` writes the mutant a recipe describes. Recipes are drawn from what
the source file holds (its size, HDF5 objects, CSV cells, JSON values) and from
nothing in ``movement_like``, so a fix in a reader never changes which mutants
are made.

Mutations
---------
Every file: ``flip`` (a few bytes XOR-ed, half of the time in the first 4 KiB),
``truncate``, ``zero_block`` and ``rename`` (the same bytes under another suffix,
e.g. an NWB file named ``.nc``).
HDF5 (h5py edits): ``h5_dataset_to_group``, ``h5_dtype`` (float16, int8,
strings, complex, bool ...), ``h5_rank`` (scalar, flattened, one axis more or
less), ``h5_external_link`` (to a missing file or to a file outside), ``h5_soft_loop``,
``h5_huge`` (2**31 rows declared, no data written), ``h5_attr_array``,
``h5_attr_type`` (wrong-typed, non-UTF-8, JSON object, float16), ``h5_delete``.
CSV: ``csv_drop_column``, ``csv_cr_only`` (CR-only line ends), ``csv_nul``,
``csv_cell`` (5,000-digit number, 2**63, text in a number column, 1e400, a
deeply nested JSON value ...), ``csv_header_only``, ``csv_swap_rows``,
``csv_duplicate_row``.
JSON: ``json_value`` (the same values as ``csv_cell``, and wrong types),
``json_drop_key``, ``json_nul``.
``.npy``: ``npy_header`` (a claimed huge or negative shape, another dtype).
Zarr stores (folders): the ``zarr_*`` edits of :mod:`tests.fuzzing.zarr_edits`
(metadata values, shapes, data types, chunk shapes, codecs, chunk bytes,
deleted members), and ``rename``.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from pathlib import Path
from typing import Any

from tests.fuzzing.hdf5_edits import apply_hdf5, hdf5_objects
from tests.fuzzing.zarr_edits import (
    ZARR_MUTATIONS,
    apply_zarr,
    describe_store,
    is_store,
    zarr_params,
)

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
NPY_MAGIC = b"\x93NUMPY"
NETCDF3_MAGIC = (b"CDF\x01", b"CDF\x02", b"CDF\x05")

#: Values put in place of a CSV cell or a JSON value.
BAD_VALUES = [
    "huge_digits",  # a 5,000-digit integer (Python's int-string limit is 4,300)
    "int63",  # 2**63, one past int64
    "neg_int63",  # -(2**63) - 1
    "text",  # text in a number column
    "1e400",  # overflows a float to inf
    "nan",
    "-1",
    "empty",
    "deep",  # 100,000 nested JSON lists
]
JSON_ONLY_VALUES = ["null", "object", "list", "true", "string_number"]

BYTE_MUTATIONS = ["flip", "truncate", "zero_block", "rename"]
HDF5_MUTATIONS = [
    "h5_dataset_to_group",
    "h5_dtype",
    "h5_rank",
    "h5_external_link",
    "h5_soft_loop",
    "h5_huge",
    "h5_attr_array",
    "h5_attr_type",
    "h5_delete",
]
CSV_MUTATIONS = [
    "csv_drop_column",
    "csv_cr_only",
    "csv_nul",
    "csv_cell",
    "csv_cell",
    "csv_header_only",
    "csv_swap_rows",
    "csv_duplicate_row",
]
JSON_MUTATIONS = ["json_value", "json_value", "json_drop_key", "json_nul"]
NPY_MUTATIONS = ["npy_header"]

RENAME_SUFFIXES = [".nc", ".h5", ".slp", ".nwb", ".analysis.h5", ".csv", ".json", ".npy", ".zarr"]
H5_DTYPES = ["f2", "i1", "u8", "S4", "vlen_str", "c16", "bool", "f4"]
H5_RANKS = ["scalar", "flatten", "add_axis", "drop_axis"]
H5_ATTR_TYPES = ["int", "text", "bad_utf8", "json_object", "float16", "empty_array", "nan"]


# --------------------------------------------------------------------------- #
# what a file holds (the material recipes are drawn from)
# --------------------------------------------------------------------------- #
def file_kind(path: Path) -> str:
    """Return what kind of source ``path`` is.

    ``"zarr"`` (a store), ``"hdf5"``, ``"netcdf3"``, ``"npy"``, or by suffix
    ``"json"``, ``"csv"``, else ``"text"``.
    """
    if is_store(path):
        return "zarr"
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(HDF5_MAGIC):
        return "hdf5"
    if head.startswith(NETCDF3_MAGIC):
        return "netcdf3"
    if head.startswith(NPY_MAGIC):
        return "npy"
    if path.suffix.lower() == ".json":
        return "json"
    if path.suffix.lower() == ".csv":
        return "csv"
    return "text"


def read_rows(path: Path) -> tuple[list[list[str]], str]:
    """Parse a CSV file into rows of cells; also return its line end."""
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    newline = "\r\n" if "\r\n" in text else "\n"
    return list(csv.reader(io.StringIO(text, newline=""))), newline


def write_rows(rows: list[list[str]], newline: str) -> bytes:
    """Serialise rows as CSV (minimal quoting, the given line end)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    return buffer.getvalue().encode("utf-8", errors="surrogateescape")


def json_paths(document: Any, limit: int = 5000) -> tuple[list[list], list[list]]:
    """Paths (lists of keys and indices) to every value, and to every dict entry."""
    values: list[list] = []
    entries: list[list] = []
    queue: list[tuple[list, Any]] = [([], document)]
    while queue and len(values) < limit:
        path, node = queue.pop(0)
        if path:
            values.append(path)
        if isinstance(node, dict):
            for key, child in node.items():
                entries.append([*path, key])
                queue.append(([*path, key], child))
        elif isinstance(node, list):
            for i, child in enumerate(node[:50]):
                queue.append(([*path, i], child))
    return values, entries


# --------------------------------------------------------------------------- #
# drawing recipes
# --------------------------------------------------------------------------- #
def _mutations_for(kind: str) -> list[str]:
    if kind == "zarr":  # a folder: byte edits go to its members
        return [*ZARR_MUTATIONS, "rename"]
    extra = {
        "hdf5": HDF5_MUTATIONS,
        "csv": CSV_MUTATIONS,
        "json": JSON_MUTATIONS,
        "npy": NPY_MUTATIONS,
        "netcdf3": [],
        "text": ["csv_nul", "csv_cr_only"],
    }[kind]
    # structure edits are as common as byte edits for files that have a structure
    return BYTE_MUTATIONS * max(1, len(extra) // len(BYTE_MUTATIONS)) + extra


def _flip(rng: random.Random, size: int) -> dict[str, Any]:
    count = rng.randint(1, 8)
    span = min(size, 4096) if rng.random() < 0.5 else size
    offsets = sorted(rng.randrange(span) for _ in range(count))
    return {"offsets": offsets, "masks": [rng.randint(1, 255) for _ in offsets]}


def _hdf5_params(
    rng: random.Random, mutation: str, datasets: list[dict], groups: list[dict]
) -> dict[str, Any] | None:
    objects = datasets + groups[1:]
    if mutation in ("h5_dataset_to_group", "h5_dtype", "h5_rank", "h5_huge") and not datasets:
        return None
    if mutation == "h5_dataset_to_group":
        return {"name": rng.choice(datasets)["name"]}
    if mutation == "h5_dtype":
        return {"name": rng.choice(datasets)["name"], "dtype": rng.choice(H5_DTYPES)}
    if mutation == "h5_rank":
        return {"name": rng.choice(datasets)["name"], "how": rng.choice(H5_RANKS)}
    if mutation == "h5_huge":
        return {"name": rng.choice(datasets)["name"], "rows": 2**31}
    if mutation in ("h5_external_link", "h5_soft_loop", "h5_delete"):
        if not objects:
            return None
        params: dict[str, Any] = {"name": rng.choice(objects)["name"]}
        if mutation == "h5_external_link":
            params["target"] = rng.choice(["missing", "outside"])
        if mutation == "h5_soft_loop":
            params["how"] = rng.choice(["self", "pair"])
        return params
    # attribute edits: an object that has attributes (or any object, with a new one)
    holders = [o for o in groups + datasets if o["attrs"]] or groups
    holder = rng.choice(holders)
    attr = rng.choice(holder["attrs"]) if holder["attrs"] and rng.random() < 0.85 else "fuzz"
    value = rng.choice(["ints", "strs"] if mutation == "h5_attr_array" else H5_ATTR_TYPES)
    return {"name": holder["name"], "attr": attr, "value": value}


def _csv_params(rng: random.Random, mutation: str, rows: list[list[str]]) -> dict[str, Any]:
    if not rows:
        return {}
    width = max(len(r) for r in rows)
    data_rows = list(range(min(len(rows) - 1, 4), len(rows))) or [0]
    row = rng.choice(data_rows) if rng.random() < 0.8 else rng.randrange(len(rows))
    col = 0 if rng.random() < 0.3 else rng.randrange(max(1, len(rows[row])))
    if mutation == "csv_drop_column":
        return {"column": rng.randrange(width)}
    if mutation == "csv_nul":
        return {"row": row, "col": col}
    if mutation == "csv_cell":
        return {"row": row, "col": col, "value": rng.choice(BAD_VALUES)}
    if mutation == "csv_header_only":
        return {"keep": rng.randint(1, min(5, len(rows)))}
    if mutation == "csv_swap_rows":
        return {"a": rng.choice(data_rows), "b": rng.choice(data_rows)}
    if mutation == "csv_duplicate_row":
        return {"row": rng.choice(data_rows)}
    return {}


def _json_params(rng: random.Random, mutation: str, path: Path, size: int) -> dict[str, Any]:
    if mutation == "json_nul":
        return {"offset": rng.randrange(max(1, size))}
    try:
        document = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError):
        return {"offset": rng.randrange(max(1, size))}
    values, entries = json_paths(document)
    if mutation == "json_drop_key":
        return {"path": rng.choice(entries)} if entries else {}
    if not values:
        return {}
    return {"path": rng.choice(values), "value": rng.choice(BAD_VALUES + JSON_ONLY_VALUES)}


def draw(
    rng: random.Random, path: Path, kind: str, info: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """Draw one mutation and its parameters for a file of the given kind."""
    size = info["size"]
    for _ in range(20):
        mutation = rng.choice(_mutations_for(kind))
        params: dict[str, Any] | None
        if mutation == "flip":
            params = _flip(rng, size)
        elif mutation == "truncate":
            params = {"length": rng.randrange(max(1, size))}
        elif mutation == "zero_block":
            length = rng.choice([64, 512, 4096, 65536])
            params = {"offset": rng.randrange(max(1, size)), "length": length}
        elif mutation == "rename":
            params = {"suffix": rng.choice(RENAME_SUFFIXES)}
        elif mutation.startswith("h5_"):
            params = _hdf5_params(rng, mutation, info["datasets"], info["groups"])
        elif mutation.startswith("csv_"):
            params = _csv_params(rng, mutation, info.get("rows", []))
        elif mutation.startswith("json_"):
            params = _json_params(rng, mutation, path, size)
        elif mutation.startswith("zarr_"):
            params = zarr_params(
                rng,
                mutation,
                info,
                lambda name: _json_params(rng, name, path / "zarr.json", size),
            )
        elif mutation == "npy_header":
            params = {
                "shape": rng.choice(["huge", "negative", "empty", "same"]),
                "descr": rng.choice(["same", "<f8", "<f2", "|O", "<U5", "|V8", "<i8"]),
            }
        else:  # pragma: no cover - a mutation listed but not drawn
            raise AssertionError(mutation)
        if params is not None:
            return mutation, params
    return "truncate", {"length": rng.randrange(max(1, size))}


def describe(path: Path) -> dict[str, Any]:
    """What :func:`draw` needs to know about a source file."""
    kind = file_kind(path)
    if kind == "zarr":
        return describe_store(path)
    info: dict[str, Any] = {"kind": kind, "size": path.stat().st_size}
    if kind == "hdf5":
        info["datasets"], info["groups"] = hdf5_objects(path)
    elif kind in ("csv", "text"):
        info["rows"] = read_rows(path)[0]
    return info


def plan(
    sources: dict[str, tuple[Path, str | None]], count: int, seed: int, forced_share: float = 0.3
) -> list[dict[str, Any]]:
    """Draw ``count`` recipes spread evenly over ``sources``; deterministic in ``seed``.

    Parameters
    ----------
    sources
        Label -> (path, format name or None). Labels, not paths, go into the
        recipes, so that a recipe means the same mutant on every machine.
    count
        Number of recipes in all.
    seed
        The seed; recipe ``i`` of a source depends only on the seed, the label
        and ``i``, not on the other sources or on ``count``.
    forced_share
        Share of the mutants loaded with their original format named
        (``source_software=...``) instead of detected, so that readers also see
        mutants their sniffer would turn away.
    """
    labels = sorted(sources)
    described = {label: describe(sources[label][0]) for label in labels}
    recipes = []
    for i in range(count):
        label = labels[i % len(labels)]
        index = i // len(labels)
        path, fmt = sources[label]
        rng = random.Random(f"{seed}:{label}:{index}")
        mutation, params = draw(rng, path, described[label]["kind"], described[label])
        forced = fmt is not None and rng.random() < forced_share
        recipes.append(
            {
                "source": label,
                "index": index,
                "mutation": mutation,
                "params": params,
                "name": path.name,
                "source_software": fmt if forced else "auto",
            }
        )
    return recipes


def recipe_id(recipe: dict[str, Any]) -> str:
    """A short stable name of a recipe: ``<source>#<index>:<mutation>``."""
    return f"{recipe['source']}#{recipe['index']}:{recipe['mutation']}"


# --------------------------------------------------------------------------- #
# applying recipes
# --------------------------------------------------------------------------- #
def _bad_text(value: str) -> str:
    return {
        "huge_digits": "1" + "0" * 4999,
        "int63": str(2**63),
        "neg_int63": str(-(2**63) - 1),
        "text": "abc",
        "1e400": "1e400",
        "nan": "nan",
        "-1": "-1",
        "empty": "",
        "deep": "[" * 100_000 + "]" * 100_000,
    }[value]


def _bad_json(value: str) -> str:
    if value in JSON_ONLY_VALUES:
        return {
            "null": "null",
            "object": '{"a": {"b": 1}}',
            "list": '[1, [2, 3], "x"]',
            "true": "true",
            "string_number": '"12"',
        }[value]
    if value == "text":
        return '"abc"'
    if value == "nan":
        return "NaN"
    if value == "empty":
        return '""'
    return _bad_text(value)


def output_name(recipe: dict[str, Any]) -> str:
    """File name of the mutant (the source's, or another suffix for ``rename``)."""
    name = recipe["name"]
    if recipe["mutation"] == "rename":
        stem = name.split(".")[0] or "file"
        return stem + recipe["params"]["suffix"]
    return name


def apply(recipe: dict[str, Any], source: Path, out_dir: Path) -> Path:
    """Write the mutant described by ``recipe`` (made from ``source``) into ``out_dir``."""
    mutation, params = recipe["mutation"], recipe["params"]
    target = out_dir / output_name(recipe)
    if source.is_dir():
        if mutation == "rename":
            shutil.copytree(source, target)
            return target
        return apply_zarr(recipe, source, target, _apply_json)
    if mutation.startswith("h5_"):
        shutil.copyfile(source, target)
        apply_hdf5(target, mutation, params, source)
        return target
    data = bytearray(source.read_bytes())
    if mutation == "flip":
        for offset, mask in zip(params["offsets"], params["masks"], strict=True):
            if offset < len(data):
                data[offset] ^= mask
    elif mutation == "truncate":
        del data[params["length"] :]
    elif mutation == "zero_block":
        start = params["offset"]
        end = min(len(data), start + params["length"])
        data[start:end] = bytes(end - start)
    elif mutation == "rename":
        pass
    elif mutation.startswith("csv_"):
        data = bytearray(_apply_csv(bytes(data), source, mutation, params))
    elif mutation.startswith("json_"):
        data = bytearray(_apply_json(bytes(data), mutation, params))
    elif mutation == "npy_header":
        data = bytearray(_apply_npy(bytes(data), params))
    else:
        raise AssertionError(f"unknown mutation {mutation}")
    target.write_bytes(bytes(data))
    return target


def _apply_csv(data: bytes, source: Path, mutation: str, params: dict[str, Any]) -> bytes:
    if mutation == "csv_cr_only":
        return data.replace(b"\r\n", b"\r").replace(b"\n", b"\r")
    rows, newline = read_rows(source)
    if not rows:
        return data
    if mutation == "csv_drop_column":
        rows = [[c for i, c in enumerate(r) if i != params["column"]] for r in rows]
    elif mutation in ("csv_nul", "csv_cell"):
        row = rows[min(params["row"], len(rows) - 1)]
        if not row:
            row.append("")
        col = min(params["col"], len(row) - 1)
        if mutation == "csv_nul":
            cell = row[col]
            row[col] = cell[: len(cell) // 2] + "\x00" + cell[len(cell) // 2 :]
        else:
            row[col] = _bad_text(params["value"])
    elif mutation == "csv_header_only":
        rows = rows[: params["keep"]]
    elif mutation == "csv_swap_rows":
        a, b = (min(params[k], len(rows) - 1) for k in ("a", "b"))
        rows[a], rows[b] = rows[b], rows[a]
    elif mutation == "csv_duplicate_row":
        row = min(params["row"], len(rows) - 1)
        rows.insert(row + 1, list(rows[row]))
    return write_rows(rows, newline)


def _apply_json(data: bytes, mutation: str, params: dict[str, Any]) -> bytes:
    if mutation == "json_nul" or "offset" in params:
        offset = min(params.get("offset", 0), len(data))
        return data[:offset] + b"\x00" + data[offset:]
    if "path" not in params:
        return data
    document = json.loads(data)
    *parents, last = params["path"]
    node = document
    for key in parents:
        node = node[key]
    placeholder = "@@FUZZ@@"
    if mutation == "json_drop_key":
        del node[last]
        return json.dumps(document).encode()
    node[last] = placeholder
    text = json.dumps(document)
    return text.replace(f'"{placeholder}"', _bad_json(params["value"]), 1).encode()


def _apply_npy(data: bytes, params: dict[str, Any]) -> bytes:
    import ast

    major = data[6]
    length_size = 2 if major == 1 else 4
    header_len = int.from_bytes(data[8 : 8 + length_size], "little")
    start = 8 + length_size
    header = ast.literal_eval(data[start : start + header_len].decode("latin1"))
    body = data[start + header_len :]
    shape = {
        "huge": (10**10, 8, 2),
        "negative": (-1, 2),
        "empty": (0,),
        "same": tuple(header["shape"]),
    }[params["shape"]]
    descr = header["descr"] if params["descr"] == "same" else params["descr"]
    text = repr({"descr": descr, "fortran_order": header["fortran_order"], "shape": shape})
    pad = 64 - (10 + len(text) + 1) % 64
    text = text + " " * pad + "\n"
    return NPY_MAGIC + b"\x01\x00" + len(text).to_bytes(2, "little") + text.encode() + body
