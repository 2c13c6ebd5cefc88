"""Run recipes in long-lived worker processes, each with a timeout and a memory cap.

A worker (:mod:`tests.fuzzing.worker`) serves many mutants; one that hangs past
the timeout is killed (its own pid) and replaced, one that dies (a signal or an
exit) is replaced too, and the mutant is reported as ``hang`` or ``crash``.
"""

from __future__ import annotations

import json
import os
import queue
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

#: Outcomes that keep the promise; every other one is a failure.
GOOD = ("loaded", "ours")
OUTCOMES = ("loaded", "ours", "foreign", "invalid", "hang", "crash", "memory", "unmade")


class _Worker:
    """One worker process and the buffered reading of its answers."""

    def __init__(
        self,
        memory_mib: int,
        timeout: float,
        startup_timeout: float,
        keep_stderr: bool,
        fault_file: Path,
        module: str,
    ):
        self.fault_file = fault_file
        env = dict(os.environ)
        env.update(
            OMP_NUM_THREADS="1",
            OPENBLAS_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
            HDF5_USE_FILE_LOCKING="FALSE",
            PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]),
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                module,
                "--memory-mib",
                str(memory_mib),
                "--timeout",
                str(timeout),
                "--fault-file",
                str(fault_file),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if keep_stderr else subprocess.DEVNULL,
            cwd=REPO,
            env=env,
        )
        self._buffer = b""
        self._selector = selectors.DefaultSelector()
        assert self.process.stdout is not None
        self._selector.register(self.process.stdout, selectors.EVENT_READ)
        ready = self.readline(startup_timeout)
        if ready is None or not json.loads(ready).get("ready"):
            self.kill()
            raise RuntimeError(f"a fuzzing worker did not start (answer: {ready!r})")

    def readline(self, timeout: float) -> bytes | None:
        """The next answer line; None on timeout; b"" when the worker has died."""
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return b""
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def send(self, task: dict[str, Any]) -> bool:
        """Send one task; False if the worker is gone."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write((json.dumps(task) + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def kill(self) -> None:
        """End this worker (by its own pid) and reap it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._selector.close()

    def close(self) -> None:
        """Let the worker finish: close its stdin and wait."""
        try:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


def stack_of(fault_file: Path) -> tuple[str, str]:
    """From a faulthandler dump: the deepest frame of movement_like, and the deepest frame."""
    try:
        text = fault_file.read_text(errors="replace")
    except OSError:
        return "?", ""
    frames = re.findall(r'File "([^"]+)", line (\d+) in (\S+)', text)
    if not frames:
        return "?", ""
    innermost = f"{Path(frames[0][0]).name}:{frames[0][1]} in {frames[0][2]}"
    ours = [f for f in frames if "movement_like" in f[0]]
    where = f"{Path(ours[0][0]).name}:{ours[0][1]}" if ours else innermost
    return where, innermost


def _describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "no answer"
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


def run(
    recipes: list[dict[str, Any]],
    sources: dict[str, tuple[Path, str | None]],
    workers: int = 2,
    timeout: float = 10.0,
    memory_mib: int = 1024,
    progress: Callable[[int, int], None] | None = None,
    keep_stderr: bool = False,
    module: str = "tests.fuzzing.worker",
) -> list[dict[str, Any]]:
    """Run every recipe; return one result per recipe, in the order given.

    Each result is ``{"recipe": ..., "outcome": ..., "error": ..., "message": ...}``
    (see :data:`OUTCOMES`). ``timeout`` is the time one mutant may take,
    ``memory_mib`` the address space a worker may add to what it used after its
    imports. ``module`` is the worker to run (``python -m module``).
    """
    tasks: queue.Queue[int] = queue.Queue()
    for i in range(len(recipes)):
        tasks.put(i)
    results: list[dict[str, Any] | None] = [None] * len(recipes)
    done = [0]
    lock = threading.Lock()
    failures: list[BaseException] = []
    startup = max(60.0, timeout)

    with tempfile.TemporaryDirectory(prefix="movement-like-fuzz-") as workdir:

        def serve() -> None:
            worker: _Worker | None = None
            try:
                while True:
                    try:
                        i = tasks.get_nowait()
                    except queue.Empty:
                        return
                    recipe = recipes[i]
                    if worker is None:
                        fault_file = Path(workdir) / f"faults-{threading.get_ident()}.txt"
                        worker = _Worker(
                            memory_mib, timeout, startup, keep_stderr, fault_file, module
                        )
                    task = {
                        "recipe": recipe,
                        "source": str(sources[recipe["source"]][0]),
                        "workdir": workdir,
                    }
                    line: bytes | None = b""
                    if worker.send(task):
                        line = worker.readline(timeout)
                    if line:
                        answer = json.loads(line)
                    else:
                        hung = line is None and worker.process.poll() is None
                        worker.kill()
                        where, innermost = stack_of(worker.fault_file)
                        if hung:
                            message = f"no answer in {timeout} s; stuck in {innermost}"
                            answer = {"outcome": "hang", "message": message, "where": where}
                        else:
                            exit_ = _describe_exit(worker.process.returncode)
                            message = f"{exit_} in {innermost}"
                            answer = {"outcome": "crash", "message": message, "where": where}
                            answer["error"] = exit_
                        worker = None
                    results[i] = {"recipe": recipe, **answer}
                    with lock:
                        done[0] += 1
                        if progress is not None:
                            progress(done[0], len(recipes))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
                failures.append(exc)
            finally:
                if worker is not None:
                    worker.close()

        threads = [threading.Thread(target=serve, daemon=True) for _ in range(max(1, workers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]
    return [r for r in results if r is not None]


def tally(results: Iterable[dict[str, Any]]) -> Counter:
    """Count the results by outcome."""
    return Counter(r["outcome"] for r in results)


def is_failure(result: dict[str, Any]) -> bool:
    """Whether a result breaks the promise (anything but loaded-and-valid or our error)."""
    return result["outcome"] not in GOOD and result["outcome"] != "unmade"
