"""Zarr store edits for the fuzzer, made on a copy of a store written by ``save_zarr``.

A store is a folder: its ``zarr.json`` (whose consolidated metadata is what a
reader opens), one folder per array with the array's own ``zarr.json`` and its
chunk files. The recipes (see :mod:`tests.fuzzing.mutations`) name a member by
its path inside the store, so a recipe means the same mutant on every machine.

Mutations
---------
``zarr_json_value`` / ``zarr_json_drop_key``: a value of the consolidated
metadata replaced by a bad one (as ``json_value``) or a key dropped;
``zarr_json_bytes``: the root ``zarr.json`` flipped, truncated or given a NUL;
``zarr_shape`` (a huge, negative, zero or off-by-one length), ``zarr_dtype``,
``zarr_chunk_shape`` (huge, zero, one, the wrong rank), ``zarr_codec`` (one
dropped, pickle added, another compressor named), ``zarr_fill_value``: one
array's metadata edited; ``zarr_chunk``: a chunk file flipped, truncated,
zeroed, emptied or replaced by random bytes; ``zarr_delete``: a chunk file, an
array folder or an array's ``zarr.json`` removed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path
from typing import Any

ZARR_MUTATIONS = [
    "zarr_json_value",
    "zarr_json_value",
    "zarr_json_drop_key",
    "zarr_json_bytes",
    "zarr_shape",
    "zarr_dtype",
    "zarr_chunk_shape",
    "zarr_codec",
    "zarr_fill_value",
    "zarr_chunk",
    "zarr_chunk",
    "zarr_chunk",
    "zarr_delete",
]
SHAPES = ["huge", "2**31", "negative", "zero", "plus_one", "minus_one", "float"]
DTYPES = ["float16", "int8", "uint64", "bool", "string", "complex128", "object", "struct", "r16"]
CHUNK_SHAPES = ["huge", "zero", "one", "rank"]
CODECS = ["drop", "pickle", "blosc", "gzip", "unknown", "not_a_list"]
FILL_VALUES = ["text", "list", "null", "huge", "NaN"]
CHUNK_EDITS = ["flip", "truncate", "zero", "empty", "random"]


def is_store(path: Path) -> bool:
    """Whether ``path`` is a folder holding a root ``zarr.json``."""
    return path.is_dir() and (path / "zarr.json").is_file()


def describe_store(path: Path) -> dict[str, Any]:
    """What recipes are drawn from: arrays, chunk files, other files (relative paths)."""
    meta = json.loads((path / "zarr.json").read_text())
    arrays = sorted(meta["consolidated_metadata"]["metadata"])
    files = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
    chunks = [f for f in files if "/c/" in f or f.split("/")[1:2] == ["c"]]
    return {
        "kind": "zarr",
        "size": (path / "zarr.json").stat().st_size,
        "arrays": arrays,
        "chunks": chunks,
        "files": files,
    }


def zarr_params(
    rng: random.Random, mutation: str, info: dict[str, Any], json_params
) -> dict[str, Any] | None:
    """Draw the parameters of one zarr mutation (``json_params`` draws the JSON edits)."""
    arrays, chunks = info["arrays"], info["chunks"]
    if mutation in ("zarr_json_value", "zarr_json_drop_key"):
        return json_params(mutation.replace("zarr_", ""))
    if mutation == "zarr_json_bytes":
        how = rng.choice(["flip", "truncate", "nul"])
        return {
            "how": how,
            "offset": rng.randrange(max(1, info["size"])),
            "mask": rng.randint(1, 255),
        }
    if mutation == "zarr_chunk":
        if not chunks:
            return None
        return {
            "member": rng.choice(chunks),
            "how": rng.choice(CHUNK_EDITS),
            "seed": rng.randrange(2**31),
        }
    if mutation == "zarr_delete":
        what = rng.choice(["chunk", "array", "array_json"])
        if what == "chunk" and chunks:
            return {"member": rng.choice(chunks)}
        name = rng.choice(arrays)
        return {"member": name if what == "array" else f"{name}/zarr.json"}
    name = rng.choice(arrays)
    choices = {
        "zarr_shape": SHAPES,
        "zarr_dtype": DTYPES,
        "zarr_chunk_shape": CHUNK_SHAPES,
        "zarr_codec": CODECS,
        "zarr_fill_value": FILL_VALUES,
    }[mutation]
    return {"array": name, "how": rng.choice(choices), "axis": rng.randrange(4)}


def _edit_array(meta: dict[str, Any], mutation: str, params: dict[str, Any]) -> None:
    array = meta["consolidated_metadata"]["metadata"][params["array"]]
    how, rank = params["how"], len(array["shape"])
    axis = params["axis"] % max(1, rank)
    if mutation == "zarr_shape" and rank:
        length = array["shape"][axis]
        array["shape"][axis] = {
            "huge": 10**12,
            "2**31": 2**31,
            "negative": -1,
            "zero": 0,
            "plus_one": length + 1,
            "minus_one": max(0, length - 1),
            "float": length + 0.5,
        }[how]
    elif mutation == "zarr_dtype":
        array["data_type"] = {"struct": {"name": "struct", "configuration": {}}}.get(how, how)
    elif mutation == "zarr_chunk_shape":
        shape = array["chunk_grid"]["configuration"]["chunk_shape"]
        if how == "rank":
            shape.append(1)
        elif shape:
            shape[axis] = {"huge": 10**11, "zero": 0, "one": 1}[how]
    elif mutation == "zarr_codec":
        codecs = array["codecs"]
        if how == "drop" and codecs:
            codecs.pop()
        elif how == "not_a_list":
            array["codecs"] = "zstd"
        else:
            name = {"pickle": "pickle", "unknown": "lz5"}.get(how, how)
            if codecs and codecs[-1].get("name") == "zstd" and how in ("blosc", "gzip"):
                codecs.pop()
            codecs.append({"name": name, "configuration": {}})
    elif mutation == "zarr_fill_value":
        array["fill_value"] = {"text": "abc", "list": [1, 2], "null": None, "huge": 2**70}.get(
            how, how
        )


def _edit_bytes(path: Path, how: str, params: dict[str, Any]) -> None:
    data = bytearray(path.read_bytes())
    rng = random.Random(params.get("seed", params.get("offset", 0)))
    offset = params.get("offset", rng.randrange(max(1, len(data))))
    if how == "flip":
        for _ in range(1 if "mask" in params else rng.randint(1, 6)):
            if data:
                data[offset % len(data)] ^= params.get("mask", rng.randint(1, 255))
                offset = rng.randrange(len(data))
    elif how == "truncate":
        del data[offset:]
    elif how == "nul":
        data[offset:offset] = b"\x00"
    elif how == "zero":
        data[offset : offset + 64] = bytes(len(data[offset : offset + 64]))
    elif how == "empty":
        data = bytearray()
    elif how == "random":
        data = bytearray(rng.randbytes(rng.randint(1, 200)))
    path.write_bytes(bytes(data))


def apply_zarr(recipe: dict[str, Any], source: Path, target: Path, edit_json) -> Path:
    """Copy the store ``source`` to ``target`` and edit the copy as ``recipe`` says."""
    shutil.copytree(source, target)
    mutation, params = recipe["mutation"], recipe["params"]
    root = target / "zarr.json"
    if mutation in ("zarr_json_value", "zarr_json_drop_key"):
        root.write_bytes(edit_json(root.read_bytes(), mutation.replace("zarr_", ""), params))
    elif mutation == "zarr_json_bytes":
        _edit_bytes(root, params["how"], params)
    elif mutation == "zarr_chunk":
        _edit_bytes(target / params["member"], params["how"], params)
    elif mutation == "zarr_delete":
        member = target / params["member"]
        if member.is_dir():
            shutil.rmtree(member)
        else:
            os.unlink(member)
    else:
        meta = json.loads(root.read_text())
        _edit_array(meta, mutation, params)
        root.write_text(json.dumps(meta))
    return target
