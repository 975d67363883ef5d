"""Validate the fuzz campaign's inputs with two checkouts and compare every problem.

The seeded campaign of ``tests/test_fuzz_validate.py`` (this checkout's) makes its mutated
documents and byte-edited files once; each checkout then validates every one of them in a
process of its own (documents with ``validate_document_value``, files with
``reader.read_file``), and the problem lists, code, pointer, level, message and hint,
are compared record by record. A change meant to make validation faster passes when
no record differs. Nothing is written inside the repository.

    .venv/bin/python scripts/fuzz_differential.py --before /path/to/other/checkout \\
        [--examples 1000] [--seed 15]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def record(out: Path, examples: int, seed: int) -> None:
    """Run the campaign's three properties (seeded) and write each input it validates."""
    os.environ["NEWSGOLD_FUZZ_EXAMPLES"] = str(examples)
    sys.path.insert(0, str(ROOT / "tests"))
    import hypothesis
    from hypothesis import given
    from hypothesis import strategies as st

    import test_fuzz_validate as fuzz

    handle = out.open("w", encoding="utf-8")
    check, read_file = fuzz.check, fuzz.read_file

    def recording_check(case: Any, name: str = "fuzz.json") -> Any:
        try:
            line = json.dumps({"doc": case.doc})  # \\u escapes keep lone surrogates
            json.loads(line)
        except (RecursionError, ValueError):
            line = json.dumps({"unrecorded": case.kind})
        handle.write(line + "\n")
        return check(case, name)

    def recording_read(path: Path, **kwargs: Any) -> Any:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        handle.write(json.dumps({"file": data, "name": path.name}) + "\n")
        return read_file(path, **kwargs)

    fuzz.check, fuzz.read_file = recording_check, recording_read
    runs = {
        "invalid": lambda draw: fuzz.run_invalid(
            draw, draw.draw(st.sampled_from(sorted(fuzz.INVALID)))
        ),
        "valid": lambda draw: fuzz.run_valid(draw, draw.draw(st.sampled_from(sorted(fuzz.VALID)))),
        "file": fuzz.run_file,
    }
    for run in runs.values():
        hypothesis.seed(seed)(fuzz.CAMPAIGN(given(draw=st.data())(run)))()
    handle.close()


def replay(cases: Path, out: Path) -> None:
    """Validate every recorded input with the newsgold importable here; one line each."""
    from newsgold.reader import read_file
    from newsgold.validate import validate_document_value

    with tempfile.TemporaryDirectory() as tmp, out.open("w", encoding="utf-8") as handle:
        for line in cases.open(encoding="utf-8"):
            try:
                case = json.loads(line)
            except RecursionError:
                case = {"unrecorded": "too deep to read back"}
            if "doc" in case:
                problems = validate_document_value(case["doc"], "fuzz.json")
            elif "file" in case:
                path = Path(tmp) / case["name"]
                path.write_bytes(base64.b64decode(case["file"]))
                problems = read_file(path).problems
            else:
                handle.write(json.dumps(case) + "\n")
                continue
            shown = [[p.file, p.pointer, p.level, p.code, p.message, p.hint] for p in problems]
            handle.write(json.dumps(shown).replace(tmp, "TMP") + "\n")


def _run(src: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, __file__, *args], env=env, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="the other checkout (its src is used)")
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--record", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--replay", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.record:
        record(args.record, args.examples, args.seed)
        return 0
    if args.replay:
        replay(*args.replay)
        return 0
    if args.before is None:
        parser.error("give --before")
    with tempfile.TemporaryDirectory() as tmp:
        cases, ours, theirs = (Path(tmp) / n for n in ("cases", "ours", "theirs"))
        _run(
            ROOT / "src",
            "--record",
            str(cases),
            "--examples",
            str(args.examples),
            "--seed",
            str(args.seed),
        )
        _run(ROOT / "src", "--replay", str(cases), str(ours))
        _run(args.before / "src", "--replay", str(cases), str(theirs))
        a = ours.read_text(encoding="utf-8").splitlines()
        b = theirs.read_text(encoding="utf-8").splitlines()
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    unrecorded = sum(1 for x in a if x.startswith('{"unrecorded"'))
    print(
        f"inputs {len(a)}, not recorded {unrecorded}, same problems {len(a) - len(differ)}, "
        f"different problems {len(differ)}"
    )
    for i in differ[:20]:
        print(f"input {i}:\n  this checkout: {a[i][:400]}\n  --before:      {b[i][:400]}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
