"""IOB2 files in the CoNLL-2003 layout (src/newsgold/convert/conll.py)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsgold.cli import main
from newsgold.convert import ConversionError
from newsgold.convert.conll import (
    DOCSTART,
    FILE_NAMES,
    ConllSentence,
    conll_text,
    format_conll,
    not_carried,
    read_conll,
    tagged_sentences,
    write_conll,
)
from newsgold.model import Document
from newsgold.resources import documents_dir
from newsgold.tokens import CONLL_MAPPING, iob2_to_spans

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"
SOURCES = [FIXTURE, *sorted(documents_dir().glob("*.json"))]

WORDS_1 = ['"', "We", "felt", "the", "readiness", "of", "our", "U.S.", "colleagues", "to"]
WORDS_1 += ["continue", "dialogue", "."]
WORDS_2 = ["I", "think", "there", "'s", "no", "alternative", "to", "that", ",", '"', "Lavrov"]
WORDS_2 += ["said", "Sunday", "."]


def load(path: Path) -> Document:
    return Document.from_dict(json.loads(path.read_text(encoding="utf-8")))


def fixture() -> Document:
    return load(FIXTURE)


def expected_file(tags_1: list[str], tags_2: list[str]) -> str:
    lines = [DOCSTART, ""]
    for words, tags in ((WORDS_1, tags_1), (WORDS_2, tags_2)):
        lines += [f"{w} _ _ {t}" for w, t in zip(words, tags, strict=True)] + [""]
    return "\n".join(lines) + "\n"


def test_fixture_files_exact() -> None:
    o1 = ["O"] * 13
    o1[7] = "B-GPE"
    o2 = ["O"] * 14
    o2[10], o2[12] = "B-PERSON", "B-DATE"
    assert conll_text([fixture()], "ontonotes") == (expected_file(o1, o2), 1)
    c1 = ["O"] * 13
    c1[7] = "B-LOC"
    c2 = ["O"] * 14
    c2[10] = "B-PER"
    assert conll_text([fixture()], "conll") == (expected_file(c1, c2), 1)


def test_fixture_not_carried_exact() -> None:
    got = [(n.pointer, n.reason) for n in not_carried(fixture())]
    assert got == [
        ("/metadata", "document metadata"),
        ("/sentences", "sentence ids and offsets (sentences are kept as blocks)"),
        ("/mentions/0", "PRO mention (IOB2 tags NAM mentions only)"),
        ("/mentions/1", "NOM mention (IOB2 tags NAM mentions only)"),
        ("/mentions/2", "PRO mention (IOB2 tags NAM mentions only)"),
        ("/mentions/4", "PRO mention (IOB2 tags NAM mentions only)"),
        ("/mentions/6", "DATE mention (conll2003.conll tags it O)"),
        ("/entities/0", "entity record and coreference"),
        ("/entities/1", "entity record and coreference"),
        ("/entities/2", "entity record and coreference"),
        ("/entities/3", "entity record and coreference"),
        ("/quotes/0", "quote"),
        ("/events/0", "event"),
        ("/stance/0", "stance record"),
    ]
    assert ("/mentions/6", "DATE mention (conll2003.conll tags it O)") not in [
        (n.pointer, n.reason) for n in not_carried(fixture(), ["ontonotes"])
    ]
    assert all(n.kept_in is None for n in not_carried(fixture()))


@pytest.mark.parametrize("labels", ["ontonotes", "conll"])
def test_read_back_gives_every_nam_mention(labels: str) -> None:
    """Tags -> spans over the same tokens gives the NAM mentions (CoNLL: mapped, numeric ones O)."""
    docs = [load(p) for p in SOURCES]
    text, n = conll_text(docs, labels)
    read = read_conll(text)
    assert n == len(docs) == len(read)
    for doc, sentences in zip(docs, read, strict=True):
        tagged = tagged_sentences(doc)
        assert len(tagged) == len(sentences)
        got = []
        for sent, back in zip(tagged, sentences, strict=True):
            assert back.words == tuple(t.text for t in sent.tokens)
            got += iob2_to_spans(sent.tokens, back.tags)
        want = [
            (m.start, m.end, m.label if labels == "ontonotes" else CONLL_MAPPING[m.label])
            for m in doc.mentions
            if m.mention_type == "NAM"
        ]
        assert sorted(got) == sorted(w for w in want if w[2] is not None)


def test_spacy_reads_the_file(tmp_path: Path) -> None:
    """spaCy's own CoNLL NER converter reads the file as it reads CoNLL-2003's own files: it
    splits documents only at its ``-DOCSTART- -X- O O``, so the CoNLL-2003 header is a token
    tagged O before each document's tokens; every token and every entity is there."""
    docs = [load(p) for p in SOURCES]
    write_conll(docs, tmp_path / "conll", ["ontonotes"])
    done = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(tmp_path / "conll" / "ontonotes.conll"),
         str(tmp_path), "--converter", "ner", "--n-sents", "0", "--file-type", "spacy"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    import spacy
    from spacy.tokens import DocBin

    (sdoc,) = DocBin().from_disk(tmp_path / "ontonotes.spacy").get_docs(spacy.blank("en").vocab)
    tokens: list[str] = []
    entities: list[tuple[str, str]] = []
    for doc in docs:
        tokens += ["-DOCSTART-"] + [t.text for s in tagged_sentences(doc) for t in s.tokens]
        nam = [m for m in sorted(doc.mentions, key=lambda m: m.start) if m.mention_type == "NAM"]
        entities += [(" ".join(m.text.split()), m.label) for m in nam]
    assert [t.text for t in sdoc] == tokens
    assert [(" ".join(e.text.split()), e.label_) for e in sdoc.ents] == entities


def test_header_is_the_conll_2003_line() -> None:
    text, n = conll_text([fixture()], "conll")
    assert n == 1
    assert text.startswith('-DOCSTART- -X- -X- O\n\n" _ _ O\nWe _ _ O\n')
    assert text.count("-DOCSTART-") == 1


@pytest.mark.parametrize("labels", ["ontonotes", "conll"])
def test_read_then_write_is_byte_identical(labels: str) -> None:
    """The file read back and written again is the same bytes, for every document."""
    text, n = conll_text([load(p) for p in SOURCES], labels)
    read = read_conll(text)
    assert len(read) == n == len(SOURCES)
    assert format_conll(read) == text


@pytest.mark.parametrize("header", ["-DOCSTART- -X- -X- O", "-DOCSTART- -X- O O"])
def test_reader_accepts_both_headers(header: str) -> None:
    """CoNLL-2003's header and the one spaCy's converter splits on both start a document."""
    text = f"{header}\n\nLavrov _ _ B-PERSON\n\n{header}\n\nManila _ _ B-GPE\n\n"
    assert read_conll(text) == [
        [ConllSentence(("Lavrov",), ("B-PERSON",))],
        [ConllSentence(("Manila",), ("B-GPE",))],
    ]


def test_document_without_sentences_uses_paragraphs() -> None:
    doc = dataclasses.replace(
        fixture(),
        annotated_layers=(),
        sentences=(),
        mentions=(),
        entities=(),
        quotes=(),
        events=(),
        stance=(),
    )
    text, _ = conll_text([doc], "ontonotes")
    (sentences,) = read_conll(text)
    assert len(sentences) == 1 and len(sentences[0].words) == 27
    assert not_carried(doc)[1].reason == "no sentences: the text is split per paragraph"


def test_misaligned_mention_fails(tmp_path: Path) -> None:
    doc = fixture()
    mentions = tuple(
        dataclasses.replace(m, end=33, text="U.S") if m.id == "m3" else m for m in doc.mentions
    )
    with pytest.raises(ConversionError, match=r'NAM mention "m3" 30-33 "U\.S" does not align'):
        write_conll([dataclasses.replace(doc, mentions=mentions)], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_read_conll_refuses_other_layouts() -> None:
    with pytest.raises(ConversionError, match="line 3: 2 columns, not 4"):
        read_conll(f"{DOCSTART}\n\nLavrov B-PERSON\n")


def test_cli_label_sets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert (
        main(["convert", "--to", "conll", "--labels", "conll", "--out", str(out), str(FIXTURE)])
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == [FILE_NAMES["conll"], "not-carried.tsv"]
    printed = capsys.readouterr().out
    assert "not carried: 14" in printed
    assert "1 x DATE mention (conll2003.conll tags it O) (dropped)" in printed
    assert main(["convert", "--to", "conll", "--out", str(out), str(FIXTURE)]) == 0
    names = ["conll2003.conll", "not-carried.tsv", "ontonotes.conll"]
    assert sorted(p.name for p in out.iterdir()) == names
    assert main(["convert", "--to", "docbin", "--labels", "conll", "--out", str(out)]) == 2
