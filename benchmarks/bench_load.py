"""Process start to first example: newsgold.load (cold and warm cache) against pyarrow and datasets.

Each case runs in a fresh ``python -c`` process and is timed from spawn to exit,
after the process has printed the first example; the median of ``--repeat`` runs
is shown. "Cold" uses a new, empty ``datasets`` cache folder each run; "warm"
reuses one that an untimed run filled. ``python -c pass`` is the floor.

    .venv/bin/python benchmarks/bench_load.py [--config documents] [--split test] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
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


def _run(code: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], env=_env(), capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"benchmark case failed:\n{code}\n{done.stderr[-2000:]}")
    return elapsed


def _median(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:8.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="documents")
    parser.add_argument("--split", default="test")
    parser.add_argument("--repeat", type=int, default=5)
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
    hf = (
        "import datasets; ds = datasets.load_dataset('parquet', data_files="
        f"{str(parquet)!r}, split='train', cache_dir=CACHE); row = ds[0]; {first}"
    )
    arrow = (
        f"import pyarrow.parquet as pq; t = pq.read_table({str(parquet)!r}); "
        f"row = t.slice(0, 1).to_pylist()[0]; {first}"
    )
    rows: list[tuple[str, list[float]]] = []
    rows.append(("python -c pass (floor)", [_run("pass") for _ in range(args.repeat)]))
    rows.append(("import newsgold", [_run("import newsgold") for _ in range(args.repeat)]))
    rows.append(
        ("pyarrow.parquet.read_table, first row", [_run(arrow) for _ in range(args.repeat)])
    )
    for name, code in (("newsgold.load", load), ("datasets.load_dataset('parquet')", hf)):
        cold = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as cache:
                cold.append(_run(f"CACHE = {cache!r}; " + code))
        rows.append((f"{name}, cold cache", cold))
        with tempfile.TemporaryDirectory() as cache:
            _run(f"CACHE = {cache!r}; " + code)
            rows.append(
                (
                    f"{name}, warm cache",
                    [_run(f"CACHE = {cache!r}; " + code) for _ in range(args.repeat)],
                )
            )

    size = parquet.stat().st_size
    print(f"Machine: {describe()}")
    where = f"dataset/data/{args.config}/{parquet.name}"
    print(f"File: {where} ({size:,} bytes); median of {args.repeat} runs")
    print()
    print("| process start to first example | median | min | max |")
    print("| --- | ---: | ---: | ---: |")
    for name, times in rows:
        low, high = min(times) * 1000, max(times) * 1000
        print(f"| {name} | {_median(times).strip()} | {low:.0f} ms | {high:.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
