"""Pipelines as data: an ordered list of steps, read from and written to TOML, validated, hashed.

A :class:`Pipeline` says how to load each input (``load``), which functions to
apply to it in order (``steps``) and how to save it (``save``). Each
:class:`Step` names a function (a public analysis function of ours by its short
name, e.g. ``"interpolate_over_time"``, or any importable function as
``"package.module:function"``) and its arguments, which are plain TOML values.
Because the pipeline is data, it can be checked before anything runs
(:meth:`Pipeline.validate`), written next to its outputs, and hashed
(:meth:`Pipeline.hash`) so that every output records what made it.

A pipeline file looks like this::

    [load]
    source_software = "auto"
    fps = 30

    [[steps]]
    function = "filter_by_confidence"
    args = { threshold = 0.9 }

    [[steps]]
    function = "interpolate_over_time"
    args = { max_gap = 5 }

    [[steps]]
    function = "compute_speed"
    output = "speed"

    [save]
    format = "netcdf"

An argument written ``"{name}"`` is filled per input from that input's options
(e.g. ``video = "{video}"`` for the optical-flow steps, see
:class:`movement_like.batch.BatchInput`).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from movement_like.batch.functions import STEP_ROOMS, resolve_function
from movement_like.batch.toml_text import dump_toml
from movement_like.errors import PipelineError

__all__ = [
    "Step",
    "Pipeline",
    "load_pipeline",
    "save_pipeline",
    "resolve_function",
    "STEP_ROOMS",
    "SAVE_FORMATS",
]

#: Formats the ``save`` section may name, and the suffix of their outputs.
SAVE_FORMATS = {"netcdf": ".nc", "zarr": ".zarr"}

#: Required parameters a step may leave out: they receive the dataset's variable of that name.
DATASET_VARIABLES = ("confidence", "position", "shape")

#: Keys the ``load`` section may hold besides the reader's own keyword arguments.
_LOAD_KEYS = ("source_software", "fps")


@dataclass(frozen=True)
class Step:
    """One function applied to one variable of each dataset.

    Parameters
    ----------
    function
        A public function of :data:`STEP_ROOMS` by its name (``"rolling_filter"``),
        or an importable function as ``"package.module:function"``.
    args
        Keyword arguments: TOML values (str, int, float, bool, lists and tables
        of them). ``"{name}"`` is replaced by the option ``name`` of each input.
    input
        The variable given as the function's first argument (``"position"``),
        or ``"*"`` to give it the whole dataset (it must then return a dataset).
        Other parameters named like a variable of the dataset (``confidence``)
        receive that variable unless ``args`` sets them.
    output
        The variable the result is stored in; by default ``input``, or for a
        ``compute_<name>`` function, ``<name>`` (``compute_speed`` -> ``speed``).
    """

    function: str
    args: Mapping[str, Any] = field(default_factory=dict)
    input: str = "position"
    output: str | None = None

    @property
    def target(self) -> str:
        """The variable the result goes to."""
        if self.output:
            return self.output
        short = self.function.rsplit(":", 1)[-1].rsplit(".", 1)[-1]
        if self.input != "*" and short.startswith("compute_"):
            return short.removeprefix("compute_")
        return self.input

    def to_dict(self) -> dict[str, Any]:
        """Return the step as plain data (what TOML and the hash see)."""
        out: dict[str, Any] = {"function": self.function}
        if self.args:
            out["args"] = _plain(self.args)
        if self.input != "position":
            out["input"] = self.input
        if self.output:
            out["output"] = self.output
        return out


@dataclass(frozen=True)
class Pipeline:
    """How to load, process and save each input of a batch.

    Parameters
    ----------
    steps
        The steps, applied in order.
    load
        Options of the loader: ``source_software`` (default ``"auto"``), ``fps``,
        and keyword arguments of the format's reader. Per-input options
        (:class:`movement_like.batch.BatchInput`) override them.
    save
        ``format``: ``"netcdf"`` (default, one ``.nc`` file per input) or
        ``"zarr"`` (one ``.zarr`` folder per input), plus keyword arguments of
        the writer (``compress`` for netCDF).
    """

    steps: Sequence[Step] = ()
    load: Mapping[str, Any] = field(default_factory=dict)
    save: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        steps = tuple(
            s if isinstance(s, Step) else _step_from_dict(s, i) for i, s in enumerate(self.steps)
        )
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "load", dict(self.load))
        object.__setattr__(self, "save", dict(self.save))

    @property
    def save_format(self) -> str:
        """``"netcdf"`` or ``"zarr"``."""
        return str(self.save.get("format", "netcdf"))

    @property
    def suffix(self) -> str:
        """Suffix of the outputs (``.nc`` or ``.zarr``)."""
        return SAVE_FORMATS.get(self.save_format, ".nc")

    def to_dict(self) -> dict[str, Any]:
        """Return the pipeline as plain data."""
        out: dict[str, Any] = {}
        if self.load:
            out["load"] = _plain(self.load)
        out["steps"] = [s.to_dict() for s in self.steps]
        if self.save:
            out["save"] = _plain(self.save)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "pipeline") -> Pipeline:
        """Build a pipeline from plain data (a parsed TOML file).

        Parameters
        ----------
        data
            Tables ``load``, ``save`` and an array of tables ``steps``.
        source
            Named in error messages (the file).

        Returns
        -------
        Pipeline
            The pipeline (not yet validated).
        """
        if not isinstance(data, Mapping):
            raise PipelineError(f"{source}: a pipeline is a table, got {type(data).__name__}")
        unknown = sorted(set(data) - {"load", "steps", "save"})
        if unknown:
            raise PipelineError(
                f"{source}: unknown section(s) {unknown}; a pipeline has [load], [[steps]], [save]"
            )
        steps = data.get("steps", [])
        if not isinstance(steps, list):
            raise PipelineError(f"{source}: 'steps' must be an array of tables ([[steps]])")
        for name in ("load", "save"):
            if not isinstance(data.get(name, {}), Mapping):
                raise PipelineError(f"{source}: [{name}] must be a table")
        return cls(
            steps=[_step_from_dict(s, i, source) for i, s in enumerate(steps)],
            load=data.get("load", {}),
            save=data.get("save", {}),
        )

    def to_toml(self) -> str:
        """Return the pipeline as TOML text (:meth:`from_toml` reads it back equal)."""
        return dump_toml(self.to_dict())

    @classmethod
    def from_toml(cls, text: str, source: str = "pipeline") -> Pipeline:
        """Parse TOML text (see the module docstring for the layout)."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PipelineError(f"{source}: not valid TOML ({exc})") from exc
        return cls.from_dict(data, source)

    def hash(self) -> str:
        """Return a SHA-256 hex digest of the steps, their arguments and the library version.

        Two pipelines with the same hash make the same outputs from the same
        inputs; a changed argument, step order, save format or version of
        ``movement_like`` changes it.
        """
        from movement_like import __version__

        canonical = json.dumps(
            {"movement_like": __version__, **self.to_dict()}, sort_keys=True, allow_nan=True
        )
        return hashlib.sha256(canonical.encode()).hexdigest()

    def short_hash(self) -> str:
        """Return the first 12 hex digits of :meth:`hash`, as used in output names."""
        return self.hash()[:12]

    def validate(self, allow_external: bool = True) -> Pipeline:
        """Check every step before anything runs; return the pipeline.

        Each function is resolved (importing only rooms of ``movement_like``
        unless ``allow_external``) and its arguments are bound to its signature,
        so an unknown function, an unknown or missing argument or a value TOML
        cannot hold fails here, naming the step.

        Parameters
        ----------
        allow_external
            Allow functions outside ``movement_like`` (they are imported).

        Returns
        -------
        Pipeline
            ``self``.

        Raises
        ------
        PipelineError
            Naming the step and what is wrong with it.
        """
        unknown = sorted(set(self.save) - {"format", "compress"})
        if self.save_format not in SAVE_FORMATS or unknown:
            raise PipelineError(
                f"[save]: format must be one of {sorted(SAVE_FORMATS)} (got "
                f"{self.save_format!r}) and the only other key is 'compress' (got {unknown})"
            )
        source = self.load.get("source_software", "auto")
        if not isinstance(source, str):
            raise PipelineError(f"[load]: source_software must be a format name, got {source!r}")
        fps = self.load.get("fps")
        if fps is not None and (isinstance(fps, bool) or not isinstance(fps, (int, float))):
            raise PipelineError(f"[load]: fps must be a number, got {fps!r}")
        for where, values in (("[load]", self.load), ("[save]", self.save)):
            _check_values(values, where)
        for index, step in enumerate(self.steps):
            where = _where(index, step.function)
            _check_values(step.args, where)
            function = resolve_function(step.function, allow_external, where)
            _check_signature(function, step, where)
        return self


def _where(index: int, function: Any) -> str:
    return f"step {index + 1} ({function})"


def _step_from_dict(data: Any, index: int, source: str = "pipeline") -> Step:
    where = f"{source}: step {index + 1}"
    if not isinstance(data, Mapping):
        raise PipelineError(f"{where}: a step is a table with a 'function', got {data!r}")
    unknown = sorted(set(data) - {"function", "args", "input", "output"})
    if unknown:
        raise PipelineError(
            f"{where}: unknown key(s) {unknown}; a step has function, args, input, output"
        )
    function = data.get("function")
    if not isinstance(function, str) or not function:
        raise PipelineError(f"{where}: 'function' must name a function, got {function!r}")
    args = data.get("args", {})
    if not isinstance(args, Mapping):
        raise PipelineError(f"{where} ({function}): 'args' must be a table, got {args!r}")
    for key in ("input", "output"):
        if key in data and (not isinstance(data[key], str) or not data[key]):
            raise PipelineError(f"{where} ({function}): '{key}' must name a variable")
    return Step(function, dict(args), data.get("input", "position"), data.get("output"))


def _check_signature(function: Callable, step: Step, where: str) -> None:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return  # a builtin without a signature: it will tell at run time
    params = list(signature.parameters.values())
    if not params:
        raise PipelineError(f"{where}: the function takes no argument; a step gets the data first")
    first = params[0]
    if first.name in step.args:
        raise PipelineError(
            f"{where}: '{first.name}' is the data the step works on ({step.input!r}); "
            "choose it with 'input', not in args"
        )
    try:
        signature.bind_partial(None, **step.args)
    except TypeError as exc:
        accepted = [p.name for p in params[1:] if p.kind is not p.VAR_KEYWORD]
        raise PipelineError(f"{where}: {exc}; it accepts {accepted}") from exc
    for p in params[1:]:
        if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            if p.name not in step.args and p.name not in DATASET_VARIABLES:
                raise PipelineError(
                    f"{where}: argument {p.name!r} is required; give it in args "
                    '("{option}" takes it from each input\'s options)'
                )


def _check_values(values: Mapping[str, Any], where: str) -> None:
    def check(value: Any, key: str) -> None:
        if isinstance(value, (str, bool, int, float)):
            return
        if isinstance(value, (list, tuple)):
            for v in value:
                check(v, key)
            return
        if isinstance(value, Mapping):
            for k, v in value.items():
                if not isinstance(k, str):
                    raise PipelineError(f"{where}: {key}: table keys must be strings, got {k!r}")
                check(v, key)
            return
        hint = "; leave the argument out to get its default" if value is None else ""
        raise PipelineError(
            f"{where}: argument {key!r} = {value!r} is not a TOML value "
            f"(str, int, float, bool, list or table){hint}"
        )

    for key, value in values.items():
        check(value, key)


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, tuple):
            return [plain(v) for v in value]
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        return value

    return {str(k): plain(v) for k, v in values.items()}


def load_pipeline(path: str | os.PathLike, allow_external: bool = False) -> Pipeline:
    """Read and validate a pipeline TOML file.

    Parameters
    ----------
    path
        The ``.toml`` file.
    allow_external
        Allow steps naming functions outside ``movement_like``. Off by default:
        a file you did not write should not import and run code.

    Returns
    -------
    Pipeline
        The validated pipeline.

    Raises
    ------
    PipelineError
        If the file is not a valid pipeline (naming the file and the step).
    """
    target = Path(path).expanduser()
    try:
        text = target.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PipelineError(f"{target}: not a UTF-8 text file ({exc})") from exc
    pipeline = Pipeline.from_toml(text, str(target))
    try:
        return pipeline.validate(allow_external=allow_external)
    except PipelineError as exc:
        raise PipelineError(f"{target}: {exc}") from exc


def save_pipeline(pipeline: Pipeline, path: str | os.PathLike, overwrite: bool = False) -> Path:
    """Write ``pipeline`` as TOML, atomically.

    Parameters
    ----------
    pipeline
        The pipeline.
    path
        The ``.toml`` file to write.
    overwrite
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    from movement_like.io.atomic import atomic_path

    text = pipeline.to_toml()
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
