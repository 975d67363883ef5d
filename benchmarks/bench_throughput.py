"""Validation, evaluation and build against the floor of parsing, and their peak memory.

The corpus is made at run time in a temporary folder (never inside dataset/): the gold
document (``--source``, default the first corpus document) copied ``--docs`` times under
new ids, each in canonical form. Every case runs in a fresh process under
``/usr/bin/time -v`` (its peak RSS, which a ``tracemalloc`` inside the process would
inflate); the process times its own work (CPU time, ``time.process_time``, and wall
time), after its imports. The cases are interleaved, round by round, so that drift of
a shared machine reaches every case alike; each figure is the median of ``--repeat``
rounds, and every ratio is taken between medians of the same run.

- floor: reading the files and ``json.loads`` of their bytes (for evaluation: the
  gold and the predictions, twice the floor);
- validate: the ``validate`` command over the folder (``newsgold.cli.main``: L1 to L4
  of every file, through ``newsgold.reader.read``, and its one-line report);
- evaluate: ``newsgold.evaluate.evaluate`` of a layer with the corpus as gold and as
  prediction (it validates both, then scores);
- build (``--build``): ``newsgold build`` of the corpus to a temporary folder.

The ratio ``CPU / floor`` divides the median of a case by the median of its floor's
process. Beside it, each process of ``validate`` and ``evaluate`` times its own floor (the
same reading and ``json.loads``: once, or twice for evaluation) just before and just after
its work; the ratio of its work to the mean of the two is a ratio in one process, within
seconds, which drift of the machine between processes does not reach. The last column
gives the median of those ratios over the rounds, and their lowest and highest.

Peak RSS is measured at each of ``--sizes`` documents (one run per size and case).

    .venv/bin/python benchmarks/bench_throughput.py [--docs 1000] [--repeat 5] \\
        [--sizes 100,1000] [--layers ner,quotes] [--build] [--src PATH] [--before PATH]

``--src`` runs the cases on another checkout's ``src`` (to compare with an older commit).
``--before PATH`` runs every case but the floors on another checkout's ``src`` too (the
code before a change, with its ``schema`` and ``dataset`` beside it), each a case of its
own labelled ", before", interleaved with the others, so before and after come from one
run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsgold.io import canonical_json  # noqa: E402
from newsgold.model import Document  # noqa: E402
from newsgold.resources import documents_dir  # noqa: E402

CASE = """
import json, sys, time
sys.path.insert(0, {src!r})
from pathlib import Path
kind, folder, arg = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
files = sorted(folder.glob("*.json"))
if kind in ("validate", "build"):
    import newsgold.cli
elif kind == "evaluate":
    import newsgold.evaluate

def floor(passes):
    cpu = time.process_time()
    for _ in range(passes):
        for f in files:
            json.loads(f.read_bytes())
    return time.process_time() - cpu

# the floor of this case in its own process, just before and just after it
passes = {{"validate": 1, "evaluate": 2}}.get(kind, 0)
paired = floor(passes) if passes else 0.0
cpu, wall = time.process_time(), time.perf_counter()
if kind == "floor":
    floor(int(arg))
elif kind == "validate":
    assert newsgold.cli.main(["validate", "--quiet", str(folder)]) == 0
elif kind == "evaluate":
    newsgold.evaluate.evaluate(arg, folder, folder)
elif kind == "build":
    out = folder.parent / "build-out"
    argv = ["build", "--out", str(out), "--documents", str(folder), "--splits", arg]
    assert newsgold.cli.main(argv) == 0
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
paired = (paired + floor(passes)) / 2 if passes else 0.0
print(json.dumps({{"cpu": cpu, "wall": wall, "floor": paired}}))
"""

_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def make_corpus(source: Path, folder: Path, n: int) -> int:
    """Write ``n`` copies of ``source`` under new ids; return the bytes written."""
    raw = json.loads(source.read_text(encoding="utf-8"))
    total = 0
    folder.mkdir(parents=True)
    for i in range(n):
        raw["id"] = f"synth_{i:06d}"
        text = canonical_json(Document.from_dict(raw))
        (folder / f"{raw['id']}.json").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


def run_case(src: Path, kind: str, folder: Path, arg: str) -> dict[str, float]:
    """One case in a fresh process: its CPU and wall seconds, and its peak RSS in MiB."""
    code = CASE.format(src=str(src))
    cmd = ["/usr/bin/time", "-v", sys.executable, "-c", code, kind, str(folder), arg]
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} {arg} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    found = _RSS.search(done.stderr)
    result["rss"] = int(found.group(1)) / 1024 if found else float("nan")
    if kind == "build":
        shutil.rmtree(folder.parent / "build-out", ignore_errors=True)
    return result


def subset(corpus: Path, tmp: Path, n: int) -> Path:
    """A folder of the first ``n`` documents (hard links)."""
    folder = tmp / f"docs_{n}"
    if not folder.exists():
        folder.mkdir()
        for f in sorted(corpus.glob("*.json"))[:n]:
            os.link(f, folder / f.name)
        splits = tmp / f"splits_{n}.json"
        splits.write_text(json.dumps({"test": sorted(p.stem for p in folder.glob("*.json"))}))
    return folder


Case = tuple[str, str, str, Path]
"""(label, kind, argument, the ``src`` it runs) of a case."""


def cases(
    layers: list[str], build: bool, tmp: Path, n: int, src: Path, before: Path | None
) -> list[Case]:
    """The cases, in the order they run in each round."""
    out: list[Case] = [
        ("read + json.loads (floor)", "floor", "1", src),
        ("newsgold validate (L1-L4)", "validate", "", src),
        ("read + json.loads, gold and prediction (floor)", "floor", "2", src),
        *[(f"newsgold evaluate --layer {layer}", "evaluate", layer, src) for layer in layers],
    ]
    splits = str(tmp / f"splits_{n}.json")
    if build:
        out.append(("newsgold build", "build", splits, src))
    if before is not None:
        out += [(f"{label}, before", k, a, before) for label, k, a, _ in out if k != "floor"]
    return out


def floor_of(label: str) -> str:
    if label.startswith("newsgold evaluate"):
        return "read + json.loads, gold and prediction (floor)"
    return "read + json.loads (floor)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000, help="documents timed")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--sizes", default="100,1000", help="corpus sizes for peak RSS")
    parser.add_argument("--layers", default="ner,quotes,events,stance")
    parser.add_argument("--build", action="store_true", help="time newsgold build too")
    parser.add_argument("--source", type=Path, help="document to scale (default: the corpus)")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the code to measure")
    parser.add_argument("--before", type=Path, help="every case but the floors on this src too")
    args = parser.parse_args()
    source = args.source or sorted(documents_dir().glob("*.json"))[0]
    sizes = [int(x) for x in args.sizes.split(",")]
    layers = [x for x in args.layers.split(",") if x]

    tmp = Path(tempfile.mkdtemp(prefix="newsgold-bench-"))
    try:
        total = make_corpus(source, tmp / "corpus", max(args.docs, *sizes))
        per_doc = total // max(args.docs, *sizes)
        folder = subset(tmp / "corpus", tmp, args.docs)
        timed = cases(layers, args.build, tmp, args.docs, args.src, args.before)
        runs: dict[str, list[dict[str, float]]] = {label: [] for label, _, _, _ in timed}
        for _ in range(args.repeat):
            for label, kind, arg, src in timed:
                runs[label].append(run_case(src, kind, folder, arg))
        memory: dict[str, list[float]] = {}
        for n in sizes:
            sub = subset(tmp / "corpus", tmp, n)
            for label, kind, arg, src in cases(layers, args.build, tmp, n, args.src, args.before):
                if kind != "floor":
                    memory.setdefault(label, []).append(run_case(src, kind, sub, arg)["rss"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def median(label: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[label])

    before = f" (before: {args.before})" if args.before else ""
    print(f"Machine: {describe()}")
    print(
        f"Code: {args.src}{before}; synthetic corpus: {source.stem} ({per_doc:,} bytes) copied "
        f"{args.docs:,} times, in a temporary folder; median of {args.repeat} interleaved rounds"
    )
    print()
    print(
        "| task | documents | CPU s | wall s | CPU ms / document | CPU / floor "
        "| CPU / floor in its process: median (rounds) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, _, _, _ in timed:
        cpu, wall = median(label, "cpu"), median(label, "wall")
        ratio = cpu / median(floor_of(label), "cpu")
        paired = sorted(r["cpu"] / r["floor"] for r in runs[label] if r["floor"] > 0)
        own = (
            f"{statistics.median(paired):.1f}x ({paired[0]:.1f}x to {paired[-1]:.1f}x)"
            if paired
            else ""
        )
        print(
            f"| {label} | {args.docs:,} | {cpu:.2f} | {wall:.2f} "
            f"| {cpu / args.docs * 1000:.1f} | {ratio:.1f}x | {own} |"
        )
    print()
    heads = [f"peak RSS, {n:,} documents" for n in sizes]
    if len(sizes) > 1:  # one size has nothing to compare with
        heads.append(f"{sizes[-1]:,} / {sizes[0]:,}")
    print(f"| task | {' | '.join(heads)} |")
    print("| --- |" + " ---: |" * len(heads))
    for label, values in memory.items():
        cells = [f"{v:.0f} MiB" for v in values]
        if len(sizes) > 1:
            cells.append(f"{values[-1] / values[0]:.2f}x")
        print(f"| {label} | {' | '.join(cells)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
