"""spaCy DocBin, both ways, and proof in spaCy itself (src/newsgold/convert/docbin.py)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsgold.cli import main
from newsgold.convert import ConversionError
from newsgold.convert.docbin import (
    DOCBIN_NAME,
    docbin_bytes,
    docs_from_bytes,
    from_spacy_doc,
    read_docbin,
    to_spacy_doc,
    write_docbin,
)
from newsgold.io import canonical_json
from newsgold.model import Document, Span
from newsgold.resources import documents_dir

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
SOURCES = [FIXTURE, *sorted(documents_dir().glob("*.json"))]


def load(path: Path) -> Document:
    return Document.from_dict(json.loads(path.read_text(encoding="utf-8")))


def fixture() -> Document:
    return load(FIXTURE)


def test_fixture_doc_exact() -> None:
    doc, lost = to_spacy_doc(fixture())
    assert lost == ()
    assert doc.text == fixture().text
    assert len(doc) == 27
    assert [s.text for s in doc.sents] == [s.text for s in fixture().sentences]
    assert [(e.text, e.label_, e.kb_id_, e.id_) for e in doc.ents] == [
        ("U.S.", "GPE", "e_united_states", "m3"),
        ("Lavrov", "PERSON", "e_lavrov", "m6"),
        ("Sunday", "DATE", "e_date_sunday", "m7"),
    ]
    spans = {k: [(s.text, s.label_, s.id_, s.kb_id_) for s in v] for k, v in doc.spans.items()}
    assert spans["mentions"] == [
        ("We", "GPE", "m1", "e_russia"),
        ("our U.S. colleagues", "GPE", "m4", "e_united_states"),
        ("our", "GPE", "m2", "e_russia"),
        ("U.S.", "GPE", "m3", "e_united_states"),
        ("I", "PERSON", "m5", "e_lavrov"),
        ("Lavrov", "PERSON", "m6", "e_lavrov"),
        ("Sunday", "DATE", "m7", "e_date_sunday"),
    ]
    assert spans["quote_content"] == [
        (fixture().quotes[0].content[0].text, "direct", "q1", "e_lavrov")
    ]
    assert spans["quote_cue"] == [("said", "cue", "q1", "")]
    assert spans["quote_source"] == [("Lavrov", "source", "q1", "e_lavrov")]
    assert spans["event_triggers"] == [("dialogue", "CONSULT", "t1", "ev1")]
    assert spans["stance_evidence"] == [
        ("there's no alternative to that", "FAVOR", "st1", "e_lavrov")
    ]
    data = doc.user_data["newsgold"]
    assert data["id"] == "fixture_small" and data["sentences"] == ["s1", "s2"]
    assert data["events"][0]["arguments"] == [
        {"role": "actor", "entity_id": "e_russia", "mention_id": "m2"},
        {"role": "actor", "entity_id": "e_united_states", "mention_id": "m4"},
    ]
    assert data["stance"][0]["target"]["event_id"] == "ev1"
    assert data["unaligned"] == []


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_round_trip_is_byte_identical(source: Path, tmp_path: Path) -> None:
    result = write_docbin([load(source)], tmp_path / "out")
    assert result.files == (DOCBIN_NAME,) and result.documents == 1
    (back,) = read_docbin(tmp_path / "out" / DOCBIN_NAME)
    assert canonical_json(back).encode("utf-8") == source.read_bytes()


def test_every_nam_mention_is_an_entity() -> None:
    for source in SOURCES:
        doc = load(source)
        (sdoc,) = docs_from_bytes(docbin_bytes([doc])[0])
        nam = [(m.start, m.end, m.label, m.id) for m in doc.mentions if m.mention_type == "NAM"]
        assert sorted(nam) == [(e.start_char, e.end_char, e.label_, e.id_) for e in sdoc.ents]
        assert len(sdoc.spans["mentions"]) == len(doc.mentions)


def test_span_off_token_boundaries_is_kept_and_listed(tmp_path: Path) -> None:
    doc = fixture()
    st = doc.stance[0]
    doc = dataclasses.replace(
        doc, stance=(dataclasses.replace(st, evidence=(Span(30, 33, "U.S"),)),)
    )
    sdoc, lost = to_spacy_doc(doc)
    assert [(n.pointer, n.kept_in) for n in lost] == [("/stance/0/evidence/0", "doc.user_data")]
    assert sdoc.user_data["newsgold"]["unaligned"] == [
        {
            "group": "stance_evidence",
            "id": "st1",
            "start": 30,
            "end": 33,
            "label": "FAVOR",
            "kb_id": "e_lavrov",
        }
    ]
    result = write_docbin([doc], tmp_path / "out")
    assert result.not_carried == lost
    (back,) = read_docbin(tmp_path / "out" / DOCBIN_NAME)
    assert canonical_json(back) == canonical_json(doc)


def test_misaligned_nam_mention_fails_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = fixture()
    mentions = tuple(
        dataclasses.replace(m, end=33, text="U.S") if m.id == "m3" else m for m in doc.mentions
    )
    bad = dataclasses.replace(doc, mentions=mentions)
    with pytest.raises(ConversionError, match=r'NAM mention "m3" 30-33 "U\.S" does not align'):
        write_docbin([bad], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    path = tmp_path / "fixture_small.json"
    path.write_text(canonical_json(bad), encoding="utf-8")
    assert main(["convert", "--to", "docbin", "--out", str(tmp_path / "out"), str(path)]) == 1
    assert (
        'fixture_small#/mentions/3: L3 span-token-misaligned: NAM mention "m3"'
        in capsys.readouterr().err
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fixture_small.json"]


def test_a_doc_from_elsewhere_is_refused() -> None:
    import spacy

    with pytest.raises(ConversionError, match="not written by newsgold"):
        from_spacy_doc(spacy.blank("en")("Some text."))


def _offline() -> list[str]:
    """A prefix that runs a command in a network namespace of its own where allowed."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n", "--"]
    return []


def _spacy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update({"HF_HUB_OFFLINE": "1", "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"})
    return subprocess.run(
        [*_offline(), sys.executable, "-m", "spacy", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def spacy_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus and the fixture as a DocBin, and a blank-English NER config from spaCy."""
    root = tmp_path_factory.mktemp("spacy")
    assert main(["convert", "--to", "docbin", "--out", str(root / "data"), *map(str, SOURCES)]) == 0
    done = _spacy("init", "config", "--lang", "en", "--pipeline", "ner", "config.cfg", cwd=root)
    assert done.returncode == 0, done.stderr
    return root


def test_spacy_debug_data_finds_no_misaligned_or_overlapping_entities(spacy_project: Path) -> None:
    data = str(spacy_project / "data" / DOCBIN_NAME)
    done = _spacy(
        "debug", "data", "config.cfg", "--paths.train", data, "--paths.dev", data, cwd=spacy_project
    )
    out = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)
    assert "Corpus is loadable" in out, out
    assert "Pipeline can be initialized with data" in out, out
    for bad in (
        "misaligned",
        "overlapping",
        "crossing sentence boundaries",
        "invalid whitespace entity",
    ):
        assert not [
            line for line in out.splitlines() if bad in line and "No entities" not in line
        ], out
    # The only error spaCy reports is that one or two documents are too few to train on.
    errors = [line for line in out.splitlines() if line.startswith("✘") and "error" not in line]
    assert all(line.startswith("✘ Low number of examples to train") for line in errors), errors


def test_spacy_train_runs_on_the_docbin(spacy_project: Path) -> None:
    data = str(spacy_project / "data" / DOCBIN_NAME)
    done = _spacy(
        "train", "config.cfg",
        "--paths.train", data, "--paths.dev", data,
        "--training.max_steps", "4", "--training.eval_frequency", "2",
        "--output", "model",
        cwd=spacy_project,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    out = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)
    assert "Saved pipeline to output directory" in out, out
    assert (spacy_project / "model" / "model-last" / "ner" / "model").is_file()
    import spacy

    nlp = spacy.load(spacy_project / "model" / "model-last")
    assert nlp.pipe_names == ["tok2vec", "ner"]
    labels = {m.label for p in SOURCES for m in load(p).mentions if m.mention_type == "NAM"}
    assert set(nlp.get_pipe("ner").labels) == labels


def test_import_is_lazy() -> None:
    code = (
        "import sys\n"
        "import newsgold.cli, newsgold.convert.brat, newsgold.convert.conll\n"
        "import newsgold.convert.docbin, newsgold.convert.html\n"
        "print(sorted(m for m in ('spacy', 'datasets', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
