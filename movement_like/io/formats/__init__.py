"""One module (or package) per file format, each holding its reader and its writer.

A format module provides ``sniff(head)`` (a look at the file's
:class:`~movement_like.io.formats.common.FileHead` only), ``read(path, fps=None,
**kwargs)`` and, where the format can be written, ``write(ds, path,
overwrite=False, **kwargs)``, plus the public functions with the names users know
(``from_dlc_file``, ``to_dlc_file``, ...). What the formats share lives in
:mod:`movement_like.io.formats.common`; the list of formats, and the dispatch
that uses it, in :mod:`movement_like.io.registry`, which imports the format
modules (never the other way round). Adding a format: see "Adding a format" in
CONTRIBUTING.md.
"""
