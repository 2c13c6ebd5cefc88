"""Progress of long work: a tqdm bar that can be turned off, or a callback to report to.

Every long analysis function takes ``progress``: ``True`` shows a tqdm bar,
``False`` shows nothing, and a callable is called as ``progress(done, total)``
each time the work advances (frames tracked so far, of how many), with no bar,
from the thread doing the work. A GUI passes a callable that forwards the
numbers to its own progress bar (the napari plugin does); the analysis never
imports a GUI toolkit for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Progress", "ProgressCallback", "progress_bar"]

#: ``progress(done, total)``: told how far the work is, as it advances.
ProgressCallback = Callable[[int, int], Any]
#: What a ``progress`` argument may be.
Progress = bool | ProgressCallback


class _Reporter:
    """A tqdm stand-in that tells a callback ``(done, total)`` on every update."""

    def __init__(self, total: int, callback: ProgressCallback):
        self.n, self.total, self.callback = 0, int(total), callback
        callback(0, self.total)

    def update(self, n: int = 1) -> None:
        self.n += int(n)
        self.callback(self.n, self.total)

    def close(self) -> None:
        """Nothing to close (tqdm's interface)."""


def progress_bar(total: int, desc: str, unit: str, progress: Progress) -> Any:
    """Return an object with tqdm's ``update(n)`` and ``close()`` for ``progress``.

    Parameters
    ----------
    total
        How many units the work has.
    desc, unit
        The bar's label and unit (tqdm's).
    progress
        True: a tqdm bar; False: a disabled one; a callable: it is told
        ``(done, total)`` at the start and on every update.

    Returns
    -------
    tqdm.tqdm or a stand-in
        Call ``update(n)`` as work is done and ``close()`` at the end.
    """
    if callable(progress):
        return _Reporter(total, progress)
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not progress)
