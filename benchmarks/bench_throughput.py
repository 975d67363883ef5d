"""Validation and evaluation throughput, and peak memory, on a synthetic corpus.

The corpus is made at run time in a temporary folder (never inside dataset/): the
gold document (``--source``, default the first corpus document) copied ``--docs``
times under new ids, each in canonical form. Timed:

- validation: ``newsgold.reader.read`` over every file (all levels);
- the floor: reading the same files and ``json.loads`` of their bytes;
- evaluation: ``newsgold.evaluate.evaluate`` of each layer with the corpus as both
  gold and prediction (it validates the gold and the predictions, then scores),
  on the first ``--eval-docs`` files;
- peak memory of validation and of evaluation (the peak RSS, ``VmHWM``, of a
  fresh process, and the ``tracemalloc`` peak) at ``--sizes`` documents.

    .venv/bin/python benchmarks/bench_throughput.py [--docs 10000] [--eval-docs 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsgold.evaluate import LAYERS, evaluate  # noqa: E402
from newsgold.io import canonical_json  # noqa: E402
from newsgold.model import Document  # noqa: E402
from newsgold.reader import read  # noqa: E402
from newsgold.resources import documents_dir  # noqa: E402

MEMORY_CODE = """
import json, os, resource, sys, tracemalloc
from pathlib import Path
sys.path.insert(0, {src!r})
kind, folder, n = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
files = sorted(folder.glob("*.json"))[:n]
sub = folder.parent / f"sub_{{n}}"
if kind == "evaluate":
    sub.mkdir(exist_ok=True)
    for f in files:
        target = sub / f.name
        if not target.exists():
            os.link(f, target)  # a hard link: loaders refuse symlinks that leave a folder
import newsgold.reader, newsgold.evaluate
tracemalloc.start()
if kind == "validate":
    problems = sum(len(r.problems) for r in newsgold.reader.read(files))
    assert problems == 0, problems
else:
    newsgold.evaluate.evaluate("quotes", sub, sub)
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
# VmHWM is this process's own peak; ru_maxrss would carry the parent's across fork and exec
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
rss = int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"rss_kib": rss, "traced": peak}}))
"""


def make_corpus(source: Path, folder: Path, n: int) -> tuple[int, str]:
    """Write ``n`` copies of ``source`` under new ids; return (bytes written, source id)."""
    raw = json.loads(source.read_text(encoding="utf-8"))
    total = 0
    for i in range(n):
        raw["id"] = f"synth_{i:06d}"
        text = canonical_json(Document.from_dict(raw))
        (folder / f"{raw['id']}.json").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total, str(source.stem)


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def memory(kind: str, folder: Path, n: int) -> dict[str, int]:
    code = MEMORY_CODE.format(src=str(ROOT / "src"))
    done = subprocess.run(
        [sys.executable, "-c", code, kind, str(folder), str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="synthetic corpus size")
    parser.add_argument("--eval-docs", type=int, default=1_000, help="documents per evaluation")
    parser.add_argument("--sizes", default="100,1000,4000", help="corpus sizes for peak memory")
    parser.add_argument("--source", type=Path, help="document to scale (default: the corpus)")
    args = parser.parse_args()
    source = args.source or sorted(documents_dir().glob("*.json"))[0]
    sizes = [int(x) for x in args.sizes.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="newsgold-bench-"))
    try:
        corpus = tmp / "corpus"
        corpus.mkdir()
        _, source_id = make_corpus(source, corpus, max(args.docs, args.eval_docs, *sizes))
        files = sorted(corpus.glob("*.json"))[: args.docs]
        size = sum(f.stat().st_size for f in files)
        doc = Document.from_dict(json.loads(source.read_text(encoding="utf-8")))

        def parse_all() -> None:
            for f in files:
                json.loads(f.read_bytes())

        def validate_all() -> None:
            problems = sum(len(r.problems) for r in read(files))
            assert problems == 0, problems

        t_json = timed(parse_all)
        t_valid = timed(validate_all)
        rows = [
            ("read + json.loads (floor)", len(files), size, t_json, 1.0),
            ("newsgold validate (L1-L4)", len(files), size, t_valid, t_valid / t_json),
        ]
        eval_dir = tmp / "eval"
        eval_dir.mkdir()
        eval_files = sorted(corpus.glob("*.json"))[: args.eval_docs]
        for f in eval_files:
            os.link(f, eval_dir / f.name)
        eval_size = sum(f.stat().st_size for f in eval_files)
        t_json_eval = timed(lambda: [json.loads(f.read_bytes()) for f in eval_files])
        for layer in LAYERS:
            t = timed(lambda layer=layer: evaluate(layer, eval_dir, eval_dir))
            name = f"newsgold evaluate --layer {layer}"
            rows.append((name, len(eval_files), eval_size, t, t / t_json_eval))
        mem = [(n, memory("validate", corpus, n), memory("evaluate", corpus, n)) for n in sizes]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    counts = (
        f"{len(doc.mentions)} mentions, {len(doc.entities)} entities, {len(doc.quotes)} quotes, "
        f"{len(doc.events)} events, {len(doc.stance)} stance records"
    )
    print(f"Machine: {describe()}")
    print(
        f"Synthetic corpus: {source_id} ({size // len(files):,} bytes; {counts}) "
        f"copied {len(files):,} times, {size / 1e6:.1f} MB, in a temporary folder"
    )
    print()
    print("| task | documents | seconds | documents/s | MB/s | time / json.loads |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, n, nbytes, t, ratio in rows:
        rate = f"{n / t:,.0f} | {nbytes / 1e6 / t:.2f}"
        print(f"| {name} | {n:,} | {t:.2f} | {rate} | {ratio:.0f}x |")
    print()
    print("Evaluation validates the gold and the prediction and holds the gold in memory;")
    print("validation reads one file at a time.")
    print()
    print(
        "| documents | validate: peak RSS | validate: traced peak "
        "| evaluate quotes: peak RSS | evaluate quotes: traced peak |"
    )
    print("| ---: | ---: | ---: | ---: | ---: |")
    for n, v, e in mem:
        print(
            f"| {n:,} | {v['rss_kib'] / 1024:.0f} MiB | {v['traced'] / 2**20:.1f} MiB "
            f"| {e['rss_kib'] / 1024:.0f} MiB | {e['traced'] / 2**20:.1f} MiB |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
