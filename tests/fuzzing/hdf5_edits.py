"""HDF5 structure edits for the fuzzer, made with h5py on a copy of the source file.

See :mod:`tests.fuzzing.mutations` for the recipes that name them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def hdf5_objects(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the datasets and groups of an HDF5 file (names, shapes, attribute names)."""
    import h5py

    datasets: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = [{"name": "/", "attrs": []}]
    with h5py.File(path, "r") as file:
        groups[0]["attrs"] = sorted(file.attrs.keys())

        def visit(name: str, obj: Any) -> None:
            entry = {"name": name, "attrs": sorted(obj.attrs.keys())}
            if isinstance(obj, h5py.Dataset):
                entry["shape"] = list(obj.shape) if obj.shape is not None else None
                datasets.append(entry)
            else:
                groups.append(entry)

        file.visititems(visit)
    return datasets, groups


def apply_hdf5(target: Path, mutation: str, params: dict[str, Any], source: Path) -> None:
    import h5py

    name = params["name"]
    with h5py.File(target, "r+") as file:
        if mutation == "h5_dataset_to_group":
            attrs = dict(file[name].attrs)
            del file[name]
            group = file.create_group(name)
            for key, value in attrs.items():
                group.attrs[key] = value
        elif mutation in ("h5_dtype", "h5_rank", "h5_huge"):
            old = file[name]
            attrs = dict(old.attrs)
            data = old[()] if old.shape is not None else None
            del file[name]
            if mutation == "h5_dtype":
                new = _with_dtype(file, name, data, params["dtype"])
            elif mutation == "h5_rank":
                new = file.create_dataset(name, data=_with_rank(data, params["how"]))
            else:
                shape = (params["rows"], *(np.shape(data)[1:] if data is not None else ()))
                dtype = np.asarray(data).dtype if data is not None else "f8"
                if np.dtype(dtype).kind == "O":
                    dtype = h5py.string_dtype()
                new = file.create_dataset(name, shape=shape, dtype=dtype, chunks=True)
            for key, value in attrs.items():
                try:
                    new.attrs[key] = value
                except (TypeError, ValueError, OSError):
                    pass
        elif mutation == "h5_external_link":
            if name != "/":
                del file[name]
                where = str(source.resolve()) if params["target"] == "outside" else "/no/such.h5"
                file[name] = h5py.ExternalLink(where, "/" + name)
        elif mutation == "h5_soft_loop":
            if name != "/":
                del file[name]
                if params["how"] == "self":
                    file[name] = h5py.SoftLink("/" + name)
                else:
                    file[name] = h5py.SoftLink("/" + name + "_loop")
                    file[name + "_loop"] = h5py.SoftLink("/" + name)
        elif mutation == "h5_delete":
            if name != "/":
                del file[name]
        elif mutation in ("h5_attr_array", "h5_attr_type"):
            obj = file[name]
            if params["attr"] in obj.attrs:
                del obj.attrs[params["attr"]]
            if params["value"] == "bad_utf8":  # declared UTF-8, holding bytes that are not
                obj.attrs.create(params["attr"], b"\xff\xfe ab", dtype=h5py.string_dtype())
            else:
                obj.attrs[params["attr"]] = _attr_value(params["value"])
        else:
            raise AssertionError(f"unknown mutation {mutation}")


def _with_dtype(file: Any, name: str, data: Any, dtype: str) -> Any:
    import h5py

    array = np.asarray(data) if data is not None else np.zeros(1)
    shape = array.shape
    if dtype == "vlen_str":
        values = np.array([str(v) for v in array.ravel()], dtype=object).reshape(shape)
        return file.create_dataset(name, data=values, dtype=h5py.string_dtype())
    if dtype == "S4":
        values = np.array([str(v)[:4].encode() for v in array.ravel()], dtype="S4").reshape(shape)
        return file.create_dataset(name, data=values)
    try:
        values = array.astype(dtype)
    except (TypeError, ValueError):
        values = np.zeros(shape, dtype=dtype)
    return file.create_dataset(name, data=values)


def _with_rank(data: Any, how: str) -> Any:
    array = np.asarray(data)
    if array.dtype == object:
        import h5py

        array = array.astype(h5py.string_dtype()) if array.size else np.zeros(0)
    if how == "scalar":
        return array.ravel()[0] if array.size else np.float64(0)
    if how == "flatten":
        return array.ravel()
    if how == "add_axis":
        return array[..., None]
    return array[0] if array.ndim and len(array) else array.ravel()


def _attr_value(value: str) -> Any:
    return {
        "ints": np.arange(3),
        "strs": np.array([b"a", b"b"]),
        "int": 7,
        "text": "text",
        "json_object": '{"a": {"b": [1, 2]}}',
        "float16": np.float16(1.5),
        "empty_array": np.zeros(0),
        "nan": np.nan,
    }[value]
