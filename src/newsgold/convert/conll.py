"""IOB2 files in the CoNLL-2003 layout, for the OntoNotes and the CoNLL-2003 label sets.

One file per label set holds every document::

    -DOCSTART- -X- -X- O
    <blank line>
    <token> _ _ <tag>        one token per line, four space-separated columns
    ...
    <blank line>             after every sentence, each document's last one included

The second and third columns (part of speech and chunk in CoNLL-2003) are ``_``:
the corpus does not annotate them. Tokens and tags come from
:mod:`newsgold.tokens` (``spacy.blank("en")``'s tokenizer per sentence; IOB2
over the spans the layers contribute, :attr:`~newsgold.layers.formats.ConllPart.tags`;
:data:`newsgold.tokens.CONLL_MAPPING` for CoNLL-2003). The document header is
CoNLL-2003's, as in its ``eng.train`` and as the readers made for those files expect;
:func:`read_conll` also accepts the ``-DOCSTART- -X- O O`` that spaCy's ``ner``
converter writes and splits on.

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
DOCSTART = "-DOCSTART- -X- -X- O"
"""The document header of CoNLL-2003 (token, part of speech and chunk ``-X-``, tag ``O``)."""
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


def _check_label_set(labels: str) -> None:
    if labels not in LABEL_SETS:
        message = f'label set "{labels}" is not one of {", ".join(LABEL_SETS)}'
        raise ConversionError([problem("label-set-unknown", "", "", message, "choose one of them")])


def _whitespace_problems(document: Document, tagged: list[TaggedSentence]) -> list[Problem]:
    return [
        problem(
            "token-whitespace",
            document.id,
            "/text",
            f"token {token.start}-{token.end} {token.text!r} holds whitespace "
            "and cannot be one column",
            "IOB2 columns are split at spaces: a token must hold no whitespace",
        )
        for sent in tagged
        for token in sent.tokens
        if token.text.split() != [token.text]
    ]


def _conll_sentences(tagged: list[TaggedSentence], labels: str) -> list[ConllSentence]:
    return [
        ConllSentence(
            tuple(t.text for t in sent.tokens),
            tuple(sent.tags if labels == "ontonotes" else to_conll(sent.tags)),
        )
        for sent in tagged
    ]


Tagged = dict[str, list[list[ConllSentence]]]
"""Label set -> one list of sentences per document."""


def _tag(documents: Iterable[Document], labels: tuple[str, ...]) -> tuple[list[Document], Tagged]:
    """The documents read, and the sentences of each under every label set, in one pass
    over ``documents`` (each tokenised once); :class:`ConversionError` with every problem."""
    for label_set in labels:
        _check_label_set(label_set)
    out: Tagged = {label_set: [] for label_set in labels}
    errors: list[Problem] = []
    docs: list[Document] = []
    for document in documents:
        docs.append(document)
        try:
            tagged = tagged_sentences(document)
        except ConversionError as err:
            errors.extend(err.problems)
            continue
        errors += _whitespace_problems(document, tagged)
        for label_set in labels:
            out[label_set].append(_conll_sentences(tagged, label_set))
    if errors:
        raise ConversionError(errors)
    return docs, out


def conll_text(documents: Iterable[Document], labels: str) -> tuple[str, int]:
    """The IOB2 file for ``documents`` under ``labels`` ("ontonotes" or "conll")."""
    sentences = _tag(documents, (labels,))[1][labels]
    return format_conll(sentences), len(sentences)


def format_conll(documents: Iterable[Iterable[ConllSentence]]) -> str:
    """The file text for ``documents`` (each a list of sentences): :data:`DOCSTART` and a
    blank line per document, one ``<token> _ _ <tag>`` line per token, a blank line after
    every sentence. :func:`read_conll` of the result gives ``documents`` back."""
    lines: list[str] = []
    for sentences in documents:
        lines += [DOCSTART, ""]
        for sent in sentences:
            lines += [
                f"{w} {PLACEHOLDER} {PLACEHOLDER} {t}"
                for w, t in zip(sent.words, sent.tags, strict=True)
            ]
            lines.append("")
    return "".join(line + "\n" for line in lines)


def write_conll(
    documents: Iterable[Document], out: Path, labels: Iterable[str] = LABEL_SETS
) -> ConversionResult:
    """Write ``ontonotes.conll`` and/or ``conll2003.conll`` into ``out``.

    ``documents`` is read once, one document at a time (a progress wrapper advances as
    each is tokenised)."""
    labels = tuple(labels)
    docs, tagged = _tag(documents, labels)
    lost = tuple(item for d in docs for item in not_carried(d, labels))
    with staged_output(out) as tmp:
        for label_set, sentences in tagged.items():
            (tmp / FILE_NAMES[label_set]).write_bytes(format_conll(sentences).encode("utf-8"))
        files = written_files(tmp)
    return ConversionResult("conll", out, files, len(docs), lost)


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
