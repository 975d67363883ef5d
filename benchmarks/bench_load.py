"""Process start to first example: newsgold.load (cold and warm cache) against pyarrow and datasets.

Each case runs in a fresh ``python -c`` process and is timed from spawn to exit,
after the process has printed the first example: wall time, and the CPU time (user and
system) of the process. The cases are interleaved: each of ``--repeat`` rounds runs every
case once, so that drift of a shared machine reaches every case alike (timing all cold
runs, then all warm ones, once made warm look slower than cold); the median of the
rounds is shown, and the ratios are taken between medians of the same run, and also
as the median of the ratios within each round (which drift between rounds does not
reach). The loaders take turns at going first in a round. "Cold" uses
a new, empty ``datasets`` cache folder each run; "warm" reuses one that an untimed run
filled. ``python -c pass`` is the floor.

``--src`` is the code whose ``newsgold.load`` is measured (default: this checkout's
``src``); ``--before PATH`` adds the ``newsgold.load`` of another checkout's ``src`` (an
older commit, e.g. from ``git archive``) to the same rounds, so that before and after are
measured in one run.

    .venv/bin/python benchmarks/bench_load.py [--config documents] [--split test] [--repeat 5]
        [--src PATH] [--before PATH]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "HF_DATASETS_OFFLINE": "1",
            "HF_HUB_OFFLINE": "1",
            "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",
            "TOKENIZERS_PARALLELISM": "false",
        }
    )
    return env


def _run(code: str) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process running ``code``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], env=_env(), capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark case failed:\n{code}\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return elapsed, cpu


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="documents")
    parser.add_argument("--split", default="test")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the code to measure")
    parser.add_argument("--before", type=Path, help="another checkout's src, measured too")
    args = parser.parse_args()

    parquet = ROOT / "dataset" / "data" / args.config / f"{args.split}-00000-of-00001.parquet"
    if not parquet.is_file():
        print(f"no built file {parquet}: run `newsgold build` first", file=sys.stderr)
        return 2
    first = "print(str(row)[:80])"
    load = (
        f"import newsgold; ds = newsgold.load({args.config!r}, {args.split!r}, cache_dir=CACHE); "
        f"row = ds[0]; {first}"
    )
    here = f"import sys; sys.path.insert(0, {str(args.src.resolve())!r}); "
    hf = (
        "import datasets; ds = datasets.load_dataset('parquet', data_files="
        f"{str(parquet)!r}, split='train', cache_dir=CACHE); row = ds[0]; {first}"
    )
    arrow = (
        f"import pyarrow.parquet as pq; t = pq.read_table({str(parquet)!r}); "
        f"row = t.slice(0, 1).to_pylist()[0]; {first}"
    )
    fixed = [
        ("python -c pass (floor)", "pass"),
        ("import newsgold", here + "import newsgold"),
        ("pyarrow.parquet.read_table, first row", arrow),
    ]
    loaders = [("newsgold.load", here + load), ("datasets.load_dataset('parquet')", hf)]
    if args.before is not None:
        before = f"import sys; sys.path.insert(0, {str(args.before.resolve())!r}); "
        loaders.append(("newsgold.load (before)", before + load))
    names = [name for name, _ in fixed]
    for name, _ in loaders:
        names += [f"{name}, cold cache", f"{name}, warm cache"]
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as warm_root:
        warm = {}
        for name, code in loaders:
            warm[name] = tempfile.mkdtemp(dir=warm_root)
            _run(f"CACHE = {warm[name]!r}; " + code)  # fills the warm cache, untimed
        for round_ in range(args.repeat):
            for name, code in fixed:
                runs[name].append(_run(code))
            turn = round_ % len(loaders)  # each loader goes first in turn
            for name, code in loaders[turn:] + loaders[:turn]:
                with tempfile.TemporaryDirectory() as cache:
                    runs[f"{name}, cold cache"].append(_run(f"CACHE = {cache!r}; " + code))
                runs[f"{name}, warm cache"].append(_run(f"CACHE = {warm[name]!r}; " + code))

    size = parquet.stat().st_size
    print(f"Machine: {describe()}")
    where = f"dataset/data/{args.config}/{parquet.name}"
    print(f"File: {where} ({size:,} bytes); median of {args.repeat} interleaved rounds")
    print(f"Code: {args.src}" + (f"; before: {args.before}" if args.before else ""))
    print()
    print("| process start to first example | wall, median | CPU, median | wall min-max |")
    print("| --- | ---: | ---: | ---: |")
    for name in names:
        wall = [w for w, _ in runs[name]]
        cpu = [c for _, c in runs[name]]
        span = f"{min(wall) * 1000:.0f}-{max(wall) * 1000:.0f} ms"
        print(f"| {name} | {_ms(wall)} | {_ms(cpu)} | {span} |")
    print()
    print(
        "| newsgold.load / datasets.load_dataset('parquet') | wall | CPU "
        "| wall, median of rounds | CPU, median of rounds |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    ours = [name for name, _ in loaders if name.startswith("newsgold.load")]
    for name in ours:
        for cache in ("cold", "warm"):
            mine = runs[f"{name}, {cache} cache"]
            theirs = runs[f"datasets.load_dataset('parquet'), {cache} cache"]
            ratios = [
                statistics.median(x[i] for x in mine) / statistics.median(x[i] for x in theirs)
                for i in (0, 1)
            ]
            paired = [
                statistics.median(a[i] / b[i] for a, b in zip(mine, theirs, strict=True))
                for i in (0, 1)
            ]
            label = f"{cache} cache" + name.removeprefix("newsgold.load")
            cells = " | ".join(f"{r:.2f}x" for r in ratios + paired)
            print(f"| {label} | {cells} |")
    over = [
        statistics.median(x[i] for x in runs["import newsgold"])
        - statistics.median(x[i] for x in runs["python -c pass (floor)"])
        for i in (0, 1)
    ]
    print()
    print(
        f"import newsgold over python -c pass: {over[0] * 1000:.0f} ms wall, "
        f"{over[1] * 1000:.0f} ms CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
