"""A restricted unpickler for files we did not write: plain values and numpy arrays only.

Several formats we read keep small pieces as pickles: idtracker.ai ``.npy``
dicts (a 0-d object array), the column metadata pandas/PyTables writes into a
DeepLabCut ``.h5`` (attributes such as ``non_index_axes`` in protocol 0) and
pandas' fixed-format object blocks. ``pickle.load`` would run whatever code
such a pickle names, so every reader goes through :func:`safe_loads` instead.

What it builds:

* builtin containers and scalars (no class lookup needed: dict, list, tuple,
  str, bytes, int, float, bool, None), plus ``set``, ``frozenset``,
  ``complex`` and ``collections.OrderedDict`` (built as a plain dict);
* numpy arrays, dtypes and scalars, through exactly the callables numpy's own
  pickles name (``numpy.core.multiarray._reconstruct`` and its ``numpy._core``
  twin, ``numpy.ndarray`` and ``numpy.dtype`` as arguments,
  ``multiarray.scalar``, protocol 5's ``numeric._frombuffer``) and, for
  protocol 2 (numpy <= 1.16, Python 2), ``_codecs.encode`` restricted to
  latin-1 text.

Anything else (``os.system``, ``builtins.eval``, a user class ...) raises
:class:`~movement_like.errors.RefusedPickleError` *before* it is imported or
called. Work and memory are bounded too: numpy's rebuilders may only allocate
what the pickle itself carries, and the check of what came out visits every
shared object once (a "billion laughs" pickle of shared references is linear).
"""

from __future__ import annotations

import codecs
import io
import pickle
from collections.abc import Mapping
from typing import Any

import numpy as np

from movement_like.errors import RefusedPickleError

__all__ = ["SafeUnpickler", "safe_load", "safe_loads", "check_plain_values"]

#: Most objects :func:`check_plain_values` visits before it gives up.
MAX_OBJECTS = 10_000_000
#: Deepest nesting of containers accepted.
MAX_DEPTH = 100


class _NdarrayType:
    """Stands for ``numpy.ndarray`` in a pickle: an argument of ``_reconstruct``, never called."""

    def __repr__(self) -> str:
        return "numpy.ndarray"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RefusedPickleError(
            "refused to call 'numpy.ndarray': arrays are rebuilt from the data the pickle "
            "carries, never allocated by a declared shape"
        )


_NDARRAY = _NdarrayType()
_RECONSTRUCT: Any = np.ndarray.__reduce__(np.empty(0))[0]
_SCALAR: Any = np.float64(0).__reduce__()[0]
_FROMBUFFER: Any = np.arange(1).__reduce_ex__(5)[0]


def _reconstruct(subtype: Any, shape: Any, dtype: Any) -> np.ndarray:
    """Rebuild with numpy's ``_reconstruct``: plain ndarrays of (almost) no size.

    numpy pickles an array as ``_reconstruct(ndarray, (0,), b'b')`` followed by
    ``__setstate__`` with the real shape and the data, which numpy checks
    against each other; so the start is always tiny and the size comes from
    the data the pickle carries.
    """
    if subtype is not _NDARRAY and subtype is not np.ndarray:
        raise RefusedPickleError(f"refused to rebuild an array of type {subtype!r}")
    if not isinstance(shape, tuple) or not all(type(n) is int and 0 <= n <= 1 for n in shape):
        raise RefusedPickleError(f"refused to allocate an array of shape {shape!r}")
    if not isinstance(dtype, (bytes, str)):
        raise RefusedPickleError(f"refused the array type {dtype!r}")
    return _RECONSTRUCT(np.ndarray, shape, dtype)


def _dtype(spec: Any, align: Any = False, copy: Any = False) -> np.dtype:
    """``numpy.dtype`` from a plain type string (``'f8'``, ``'O8'``, ``'U5'`` ...)."""
    if not isinstance(spec, str) or align not in (0, 1) or copy not in (0, 1):
        raise RefusedPickleError(f"refused the numpy type {spec!r}")
    try:
        return np.dtype(spec, bool(align), bool(copy))
    except (TypeError, ValueError) as exc:
        raise RefusedPickleError(f"refused the numpy type {spec!r} ({exc})") from None


def _scalar(dtype: Any, data: Any = None) -> Any:
    if not isinstance(dtype, np.dtype):
        raise RefusedPickleError(f"refused a numpy scalar of type {dtype!r}")
    if dtype.hasobject:
        if data is None or isinstance(data, (str, bytes, int, float)):
            return _SCALAR(dtype, data)
        raise RefusedPickleError("refused a numpy object scalar")
    if not isinstance(data, bytes) or len(data) != dtype.itemsize:
        raise RefusedPickleError("refused a numpy scalar whose data does not match its type")
    return _SCALAR(dtype, data)


def _frombuffer(buffer: Any, dtype: Any, shape: Any, order: Any) -> np.ndarray:
    if not isinstance(dtype, np.dtype) or dtype.hasobject:
        raise RefusedPickleError(f"refused an array buffer of type {dtype!r}")
    if not isinstance(buffer, (bytes, bytearray, pickle.PickleBuffer)):
        raise RefusedPickleError("refused an array buffer that is not bytes")
    return _FROMBUFFER(buffer, dtype, shape, order)


def _encode(text: Any, encoding: Any = "utf-8") -> bytes:
    """``_codecs.encode`` as protocol-2 pickles use it: array bytes carried as latin-1 text."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1", "iso-8859-1"):
        raise RefusedPickleError(f"refused '_codecs.encode' with the encoding {encoding!r}")
    return codecs.encode(text, "latin1")


def _allowed_globals() -> dict[tuple[str, str], Any]:
    allowed: dict[tuple[str, str], Any] = {
        ("numpy", "ndarray"): _NDARRAY,
        ("numpy", "dtype"): _dtype,
        ("_codecs", "encode"): _encode,
        ("collections", "OrderedDict"): dict,
    }
    for module in ("numpy.core.multiarray", "numpy._core.multiarray"):
        allowed[(module, "_reconstruct")] = _reconstruct
        allowed[(module, "scalar")] = _scalar
    for module in ("numpy.core.numeric", "numpy._core.numeric"):
        allowed[(module, "_frombuffer")] = _frombuffer
    for module in ("builtins", "__builtin__"):  # __builtin__: Python 2 pickles
        allowed[(module, "set")] = set
        allowed[(module, "frozenset")] = frozenset
        allowed[(module, "complex")] = complex
    return allowed


_ALLOWED = _allowed_globals()


class SafeUnpickler(pickle.Unpickler):
    """An unpickler that builds only numpy arrays, dtypes, scalars and plain values.

    Any global but the few listed in this module's docstring raises
    :class:`~movement_like.errors.RefusedPickleError` before it is imported
    or called; persistent references are refused too.

    Parameters
    ----------
    file
        A binary file object holding the pickle.
    fix_imports
        As for :class:`pickle.Unpickler`: map Python 2 names to Python 3 ones.
    encoding
        How to decode Python 2 ``str`` objects (``"latin1"`` keeps numpy arrays intact).
    errors
        How decoding errors are handled, as for :meth:`bytes.decode`.
    buffers
        Out-of-band buffers for protocol 5 pickles, as for :class:`pickle.Unpickler`.
    """

    def find_class(self, module: str, name: str) -> Any:  # noqa: D102 - see class docstring
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise RefusedPickleError(
                f"refused to load '{module}.{name}': only numpy arrays and plain Python "
                "values are allowed"
            ) from None

    def persistent_load(self, pid: Any) -> Any:  # noqa: D102 - refuse external references
        raise RefusedPickleError("refused a persistent reference")


def check_plain_values(value: Any) -> None:
    """Refuse anything but plain values and numpy arrays of them (defence in depth).

    Every object is visited once however often it is shared, so the work is
    bounded by the pickle's size.

    Parameters
    ----------
    value
        The unpickled object to walk.

    Raises
    ------
    RefusedPickleError
        If an unexpected type, too deep a nesting or too many objects are found.
    """
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(value, 0)]
    visited = 0
    while stack:
        item, depth = stack.pop()
        if item is None or isinstance(item, (str, bytes, bool, int, float, complex)):
            continue
        if isinstance(item, np.generic) and not isinstance(item, np.void):
            continue
        if id(item) in seen:
            continue
        seen.add(id(item))
        visited += 1
        if depth > MAX_DEPTH:
            raise RefusedPickleError("the pickle is nested too deeply")
        if visited > MAX_OBJECTS:
            raise RefusedPickleError("the pickle holds too many objects")
        if isinstance(item, np.ndarray):
            if item.dtype.hasobject:
                stack.extend((v, depth + 1) for v in item.ravel())
            continue
        if isinstance(item, Mapping):
            for key, entry in item.items():
                stack.append((key, depth + 1))
                stack.append((entry, depth + 1))
            continue
        if isinstance(item, (list, tuple, set, frozenset)):
            stack.extend((v, depth + 1) for v in item)
            continue
        raise RefusedPickleError(f"unexpected object of type {type(item).__name__}")


def safe_load(handle: Any, encoding: str = "latin1") -> Any:
    """Unpickle from an open binary file with :class:`SafeUnpickler` and check the result.

    Parameters
    ----------
    handle
        A binary file object positioned at the pickle.
    encoding
        How Python 2 ``str`` objects are decoded (``latin1`` keeps numpy's bytes).

    Returns
    -------
    object
        Plain values and numpy arrays only.

    Raises
    ------
    RefusedPickleError
        If the pickle asks for anything else (nothing was imported or called).
    pickle.UnpicklingError, EOFError, ValueError, TypeError, ...
        If the pickle is damaged (a length longer than the data is a
        ``ValueError``, found before anything is allocated); callers wrap these
        into their own error.
    """
    data = handle.read()  # bounded by the file; the unpickler then reads from memory
    _check_counted_lengths(data)
    try:
        content = SafeUnpickler(io.BytesIO(data), encoding=encoding).load()
    except SystemError as exc:  # CPython's unpickler fails so on some damaged opcodes
        raise pickle.UnpicklingError(f"the unpickler failed on damaged data ({exc})") from exc
    check_plain_values(content)
    return content


def _check_counted_lengths(data: bytes) -> None:
    """Walk the opcodes first: every counted length must fit in the bytes the pickle has.

    The C unpickler allocates the length a ``BINBYTES``-like opcode declares
    before it reads the bytes, so a damaged length makes it ask for gigabytes;
    :mod:`pickletools` reads each argument from the data itself and raises
    ``ValueError`` when fewer bytes remain than declared.
    """
    import pickletools

    for _ in pickletools.genops(io.BytesIO(data)):
        pass


def safe_loads(data: bytes, encoding: str = "latin1") -> Any:
    """:func:`safe_load` from bytes.

    Parameters
    ----------
    data
        The pickle's bytes.
    encoding
        How to decode Python 2 ``str`` objects (``"latin1"`` keeps numpy arrays intact).

    Returns
    -------
    object
        The unpickled value, made only of plain values and numpy arrays.
    """
    return safe_load(io.BytesIO(bytes(data)), encoding=encoding)
