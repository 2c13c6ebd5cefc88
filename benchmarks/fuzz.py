"""Fuzz every reader: thousands of damaged real files, each loaded under a timeout and a memory cap.

The mutants are made from every real file in ``../shared/realdata`` (but the
videos) and from one output of each of our writers (see ``tests/fuzzing``):
byte flips, truncation, zeroed blocks, HDF5 structure edits, CSV and JSON edits.
Each is loaded with ``movement_like.io.load_dataset`` in a long-lived worker
process; the promise is that every mutant either loads into a dataset that
passes ``validate_dataset`` or raises one of our errors
(``movement_like.errors.MovementLikeError``). Anything else is counted:

* ``foreign``: an exception of another class escaped;
* ``invalid``: it loaded, but the dataset breaks the contract;
* ``hang``: no answer within ``--timeout`` seconds;
* ``crash``: the worker died (a signal such as SIGSEGV/SIGABRT);
* ``memory``: the load hit the memory cap (``--memory-mib`` above the worker's
  size after its imports), i.e. it believed a size the file merely claims.

The same seed gives the same mutants. Each failure prints its recipe, which
reproduces it alone::

    python benchmarks/fuzz.py --replay '{"source": ..., "mutation": ...}'

Usage::

    python benchmarks/fuzz.py [--count 5000] [--seed 0] [--timeout 10]
                              [--memory-mib 1024] [--format SLEAP] [--workers 2]
                              [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzzing import mutations, pool, sources  # noqa: E402


def _format_of(label: str, fmt: str | None) -> str:
    return fmt or "metadata"


def select_sources(all_sources: dict, wanted: str | None) -> dict:
    """Keep the sources of one format (case-insensitive name), or all."""
    if wanted is None:
        return all_sources
    chosen = {k: v for k, v in all_sources.items() if (v[1] or "").casefold() == wanted.casefold()}
    if not chosen:
        names = sorted({v[1] for v in all_sources.values() if v[1]})
        raise SystemExit(f"no source files of format {wanted!r}; formats: {', '.join(names)}")
    return chosen


def report(results: list[dict], seconds: float, srcs: dict) -> str:
    """The counts, by format and by mutation, and one example per distinct failure."""
    lines = []
    counts = pool.tally(results)
    lines.append(
        f"{len(results)} mutants in {seconds:.1f} s ({len(results) / max(seconds, 1e-9):.1f}/s)"
    )
    lines.append(
        "  ".join(f"{name}: {counts.get(name, 0)}" for name in pool.OUTCOMES if name != "unmade")
        + (f"  (mutation not applicable: {counts['unmade']})" if counts.get("unmade") else "")
    )
    failures = [r for r in results if pool.is_failure(r)]
    by_format: dict[str, Counter] = defaultdict(Counter)
    by_mutation: dict[str, Counter] = defaultdict(Counter)
    for r in results:
        fmt = _format_of(r["recipe"]["source"], srcs[r["recipe"]["source"]][1])
        by_format[fmt][r["outcome"]] += 1
        by_mutation[r["recipe"]["mutation"]][r["outcome"]] += 1
    bad = [o for o in pool.OUTCOMES if o not in pool.GOOD and o != "unmade"]
    header = f"{'':<22}{'total':>7}{'loaded':>8}{'ours':>7}" + "".join(f"{o:>9}" for o in bad)
    for title, table in (("by format", by_format), ("by mutation", by_mutation)):
        lines.append("")
        lines.append(title)
        lines.append(header)
        for key in sorted(table):
            row = table[key]
            lines.append(
                f"{key:<22}{sum(row.values()):>7}{row['loaded']:>8}{row['ours']:>7}"
                + "".join(f"{row[o]:>9}" for o in bad)
            )
    timed = sorted((r for r in results if "seconds" in r), key=lambda r: -r["seconds"])
    if timed:
        lines.append("")
        lines.append(
            "slowest answered mutants (s): "
            + ", ".join(f"{r['seconds']:.1f} {mutations.recipe_id(r['recipe'])}" for r in timed[:5])
        )
    distinct: dict[tuple, list[dict]] = defaultdict(list)
    for r in failures:
        distinct[(r["outcome"], r.get("error") or r.get("message", ""), r.get("where", ""))].append(
            r
        )
    lines.append("")
    lines.append(f"distinct failures (outcome, class, where): {len(distinct)}")
    for (outcome, error, where), group in sorted(distinct.items(), key=lambda kv: -len(kv[1])):
        example = group[0]
        formats = Counter(_format_of("", srcs[g["recipe"]["source"]][1]) for g in group)
        mutation_names = Counter(g["recipe"]["mutation"] for g in group)
        lines.append(f"- {outcome} {error} at {where or '?'}: {len(group)} mutant(s)")
        lines.append(f"    formats: {dict(formats)}; mutations: {dict(mutation_names)}")
        lines.append(f"    message: {example.get('message', '')[:200]!r}")
        lines.append(f"    recipe:  {json.dumps(example['recipe'])[:600]}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="number of mutants (5000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the mutations (0)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per mutant (10)")
    parser.add_argument(
        "--memory-mib", type=int, default=1024, help="memory a load may add, MiB (1024)"
    )
    parser.add_argument("--format", default=None, help="fuzz the files of one format only")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--realdata", type=Path, default=sources.default_realdata())
    parser.add_argument("--json", type=Path, default=None, help="write every result here")
    parser.add_argument("--replay", default=None, help="run one recipe (JSON) and print it")
    parser.add_argument("--stderr", action="store_true", help="show the workers' stderr")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="movement-like-fuzz-sources-") as tmp:
        srcs = sources.all_sources(args.realdata, Path(tmp))
        if args.replay:
            recipe = json.loads(args.replay)
            (result,) = pool.run(
                [recipe],
                srcs,
                workers=1,
                timeout=args.timeout,
                memory_mib=args.memory_mib,
                keep_stderr=args.stderr,
            )
            print(json.dumps(result, indent=2))
            return 0 if not pool.is_failure(result) else 1
        srcs = select_sources(srcs, args.format)
        recipes = mutations.plan(srcs, args.count, args.seed)
        start = time.perf_counter()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last[0] > 15 or done == total:
                last[0] = now
                print(f"  {done}/{total} after {now - start:.0f} s", file=sys.stderr)

        results = pool.run(
            recipes,
            srcs,
            workers=args.workers,
            timeout=args.timeout,
            memory_mib=args.memory_mib,
            progress=progress,
            keep_stderr=args.stderr,
        )
        seconds = time.perf_counter() - start
    print(
        f"seed {args.seed}, timeout {args.timeout} s, memory cap +{args.memory_mib} MiB, "
        f"{args.workers} workers, {len(srcs)} source files"
    )
    print(report(results, seconds, srcs))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 1 if any(pool.is_failure(r) for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
