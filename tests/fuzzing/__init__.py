"""The project's own fuzzer: damaged copies of real files, each loaded in a guarded worker.

* :mod:`tests.fuzzing.mutations` turns a source file and a seed into *recipes*
  (small JSON-able dicts) and applies a recipe to make the damaged file;
* :mod:`tests.fuzzing.sources` lists the source files: every real file of
  ``../shared/realdata`` (but the videos) and one output of each of our writers;
* :mod:`tests.fuzzing.pool` runs recipes in long-lived worker processes with a
  timeout and a memory cap, restarting a worker after a hang or a crash;
* :mod:`tests.fuzzing.worker` is the worker: it makes the mutant, loads it with
  :func:`movement_like.io.load_dataset` and says how that ended.

A recipe alone reproduces its mutant: ``python benchmarks/fuzz.py --replay RECIPE``.
"""
