"""Instructions a document of validation and evaluation against the floor of parsing,
counted by ``valgrind --tool=callgrind``: figures that do not move with the load of a
shared machine (CPU times do), beside the timed runs of ``bench_throughput.py``.

Each case runs in a process of its own under callgrind, once doing its work once and once
doing it twice over the same synthetic corpus (``--docs`` copies of the gold document, in
a temporary folder); the difference, divided by the documents, is the cost of one more
pass with everything imported and compiled. A third process only imports: what the first
pass costs beyond that and beyond its documents is the setup of the task (the modules it
imports when first used, its schemas compiled), paid once by each command, which matters
for a command run on one document. Counts are deterministic for the same binary, inputs
and ``PYTHONHASHSEED``; with ``PYTHONDONTWRITEBYTECODE`` set, the setup includes compiling
the modules imported when first used. Instructions are not time (a cache miss costs
cycles, not instructions): this complements the timed benchmark, it does not replace it.

    .venv/bin/python benchmarks/bench_instructions.py [--docs 20] [--layers ner,quotes] \\
        [--src PATH]

Needs ``valgrind`` on the PATH; about a minute a case for 20 documents.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_throughput import make_corpus
from machine import describe

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsgold.resources import documents_dir  # noqa: E402

CASE = """
import json, sys
sys.path.insert(0, {src!r})
from pathlib import Path
kind, folder, times = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
files = sorted(folder.glob("*.json"))
import newsgold.cli, newsgold.evaluate
for _ in range(times):
    if kind == "floor":
        for f in files:
            json.loads(f.read_bytes())
    elif kind == "validate":
        assert newsgold.cli.main(["validate", "--quiet", str(folder)]) == 0
    else:
        newsgold.evaluate.evaluate(kind, folder, folder)
"""

_COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(src: Path, kind: str, folder: Path, times: int) -> int:
    """Instructions of one process doing ``kind`` ``times`` times over ``folder``."""
    code = CASE.format(src=str(src))
    cmd = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-c",
        code,
        kind,
        str(folder),
        str(times),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0", "HF_DATASETS_OFFLINE": "1"}
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"{kind} failed:\n{done.stderr[-3000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20, help="documents in the corpus")
    parser.add_argument("--layers", default="ner,quotes", help="views of evaluate")
    parser.add_argument("--source", type=Path, help="document to copy (default: the corpus)")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the code to measure")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not on the PATH", file=sys.stderr)
        return 2
    source = args.source or sorted(documents_dir().glob("*.json"))[0]
    kinds = ["floor", "validate", *args.layers.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        make_corpus(source, folder, args.docs)
        per_doc, setup = {}, {}
        imports = instructions(args.src, "floor", folder, 0)
        for kind in kinds:
            once = instructions(args.src, kind, folder, 1)
            twice = instructions(args.src, kind, folder, 2)
            per_doc[kind] = (twice - once) / args.docs / 1e6
            setup[kind] = (once - imports) / 1e6 - per_doc[kind] * args.docs
    print(describe())
    bytecode = "not written" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "written"
    print(
        f"Code: {args.src}; {args.docs} copies of {source.stem}; PYTHONHASHSEED=0; "
        f"bytecode of the modules {bytecode}\n"
    )
    print("| task | million instructions / document | / floor | setup, million |")
    print("| --- | ---: | ---: | ---: |")
    floor = per_doc["floor"]
    for kind in kinds:
        label = {
            "floor": "read + json.loads (floor)",
            "validate": "newsgold validate (L1-L4)",
        }.get(kind, f"newsgold evaluate --layer {kind} (floor: gold and prediction)")
        base = floor if kind in ("floor", "validate") else 2 * floor
        ratio = per_doc[kind] / base
        print(f"| {label} | {per_doc[kind]:.1f} | {ratio:.2f}x | {setup[kind]:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
