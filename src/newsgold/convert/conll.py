"""IOB2 files in the CoNLL-2003 layout, for the OntoNotes and the CoNLL-2003 label sets.

One file per label set holds every document::

    -DOCSTART- -X- O O
    <blank line>
    <token> _ _ <tag>        one token per line, four space-separated columns
    ...
    <blank line>             after every sentence, each document's last one included

The second and third columns (part of speech and chunk in CoNLL-2003) are ``_``:
the corpus does not annotate them. Tokens and tags come from
:mod:`newsgold.tokens` (``spacy.blank("en")``'s tokenizer per sentence; IOB2
over the spans the layers contribute, :attr:`~newsgold.layers.formats.ConllPart.tags`;
:data:`newsgold.tokens.CONLL_MAPPING` for CoNLL-2003). The document delimiter
is the one spaCy's ``ner`` converter splits on.

IOB2 holds those spans and nothing else: the metadata is listed as not
carried, and so is what each layer's part lists
(:attr:`~newsgold.layers.formats.ConllPart.not_carried`; every record of a
layer without a part).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newsgold import layers as registry
from newsgold.convert import (
    ConversionError,
    ConversionResult,
    NotCarried,
    staged_output,
    tagged_for_conversion,
    written_files,
)
from newsgold.issues import Problem, pointer, problem
from newsgold.model import Document
from newsgold.tokens import TaggedSentence, to_conll

LABEL_SETS = ("ontonotes", "conll")
FILE_NAMES = {"ontonotes": "ontonotes.conll", "conll": "conll2003.conll"}
DOCSTART = "-DOCSTART- -X- O O"
PLACEHOLDER = "_"


@dataclass(frozen=True)
class ConllSentence:
    """A sentence read from a CoNLL file: its tokens and their tags."""

    words: tuple[str, ...]
    tags: tuple[str, ...]


def tagged_sentences(document: Document) -> list[TaggedSentence]:
    """The tokens and OntoNotes IOB2 tags of every sentence (every paragraph without any)."""
    return tagged_for_conversion(document)[0]


def not_carried(document: Document, labels: Iterable[str] = LABEL_SETS) -> list[NotCarried]:
    """What the IOB2 files of ``document`` under the label sets ``labels`` do not hold:
    the metadata, what each layer's part lists, and every record of a layer without one."""
    labels = tuple(labels)
    doc_id = document.id
    out = [NotCarried(doc_id, "/metadata", "document metadata")]
    for layer in registry.layers():
        part = layer.formats.get("conll")
        if part is None:
            reason = f"{layer.name} record (no CoNLL part)"
            records = document.layer(layer.name)
            out += [NotCarried(doc_id, pointer(layer.name, i), reason) for i in range(len(records))]
            continue
        for where, reason in part.not_carried(document, labels, FILE_NAMES):
            out.append(NotCarried(doc_id, where, reason))
    return out


def conll_text(documents: Iterable[Document], labels: str) -> tuple[str, int]:
    """The IOB2 file for ``documents`` under ``labels`` ("ontonotes" or "conll")."""
    if labels not in LABEL_SETS:
        message = f'label set "{labels}" is not one of {", ".join(LABEL_SETS)}'
        raise ConversionError([problem("label-set-unknown", "", "", message, "choose one of them")])
    lines: list[str] = []
    errors: list[Problem] = []
    n = 0
    for document in documents:
        try:
            tagged = tagged_sentences(document)
        except ConversionError as err:
            errors.extend(err.problems)
            continue
        n += 1
        lines += [DOCSTART, ""]
        for sent in tagged:
            tags = sent.tags if labels == "ontonotes" else to_conll(sent.tags)
            for token, tag in zip(sent.tokens, tags, strict=True):
                if token.text.split() != [token.text]:
                    errors.append(
                        problem(
                            "token-whitespace",
                            document.id,
                            "/text",
                            f"token {token.start}-{token.end} {token.text!r} holds whitespace "
                            "and cannot be one column",
                            "IOB2 columns are split at spaces: a token must hold no whitespace",
                        )
                    )
                lines.append(f"{token.text} {PLACEHOLDER} {PLACEHOLDER} {tag}")
            lines.append("")
    if errors:
        raise ConversionError(errors)
    return "".join(line + "\n" for line in lines), n


def write_conll(
    documents: Iterable[Document], out: Path, labels: Iterable[str] = LABEL_SETS
) -> ConversionResult:
    """Write ``ontonotes.conll`` and/or ``conll2003.conll`` into ``out``."""
    docs = list(documents)
    labels = tuple(labels)
    texts: dict[str, str] = {}
    n = 0
    for label_set in labels:
        texts[label_set], n = conll_text(docs, label_set)
    lost = tuple(item for d in docs for item in not_carried(d, labels))
    with staged_output(out) as tmp:
        for label_set, text in texts.items():
            (tmp / FILE_NAMES[label_set]).write_bytes(text.encode("utf-8"))
        files = written_files(tmp)
    return ConversionResult("conll", out, files, n, lost)


def read_conll(text: str) -> list[list[ConllSentence]]:
    """The documents of an IOB2 file in this layout: one :class:`ConllSentence` list per
    ``-DOCSTART-``."""
    docs: list[list[ConllSentence]] = []
    words: list[str] = []
    tags: list[str] = []
    errors: list[Problem] = []

    def flush() -> None:
        if words:
            if not docs:
                docs.append([])
            docs[-1].append(ConllSentence(tuple(words), tuple(tags)))
            words.clear()
            tags.clear()

    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            flush()
            continue
        if line.startswith("-DOCSTART-"):
            flush()
            docs.append([])
            continue
        cols = line.split(" ")
        if len(cols) != 4:
            errors.append(
                problem(
                    "conll-columns",
                    "",
                    "",
                    f"line {lineno}: {len(cols)} columns, not 4 (token, _, _, tag)",
                    "separate the four columns with one space each",
                )
            )
            continue
        words.append(cols[0])
        tags.append(cols[3])
    flush()
    if errors:
        raise ConversionError(errors)
    return docs
