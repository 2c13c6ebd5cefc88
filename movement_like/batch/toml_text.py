"""Writing pipelines as TOML (the standard library reads TOML but does not write it).

Only what a pipeline holds: tables of scalars, arrays and inline tables.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from movement_like.errors import PipelineError

__all__ = ["dump_toml", "toml_value"]


def toml_value(value: Any) -> str:
    """Return one value as TOML (arrays and tables inline).

    Parameters
    ----------
    value
        A bool, number, string, list or mapping from a pipeline.

    Returns
    -------
    str
        The TOML spelling of the value.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise PipelineError(f"cannot write {value!r} to TOML")


def _toml_key(key: str) -> str:
    if key and all(c.isalnum() or c in "_-" for c in key) and key.isascii():
        return key
    return _toml_string(key)


def _toml_string(text: str) -> str:
    """Quote a TOML basic string, escaping quotes, backslashes and control characters."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def dump_toml(data: Mapping[str, Any]) -> str:
    """Return the TOML text of a pipeline's plain data (``load``, ``steps``, ``save``).

    Parameters
    ----------
    data
        The pipeline as plain data: ``load`` and ``save`` tables, a ``steps`` list of tables.

    Returns
    -------
    str
        TOML text that reads back to the same data.
    """
    lines: list[str] = []
    for section in ("load", "steps", "save"):
        if section not in data:
            continue
        tables = data[section] if section == "steps" else [data[section]]
        for table in tables:
            lines.append(f"[[{section}]]" if section == "steps" else f"[{section}]")
            lines.extend(f"{_toml_key(k)} = {toml_value(v)}" for k, v in table.items())
            lines.append("")
    return "\n".join(lines)
