"""spaCy ``DocBin`` (``.spacy``), both ways.

One ``Doc`` per document, tokenised like the ``ner`` config (:mod:`newsgold.tokens`:
``spacy.blank("en")``'s tokenizer per sentence; per paragraph when a document
has none), with the whitespace between them as whitespace tokens, so that
``doc.text`` is the document text. Sentence starts are set from the units of
the tagged view (:func:`newsgold.convert.tagging_view`).

Each registered layer with a part in the DocBin
(:class:`~newsgold.layers.formats.DocbinPart`, in the layer's module) adds
its span groups to ``doc.spans``, its flat spans to ``doc.ents`` and, under
its name in ``doc.user_data["newsgold"]``, what spans cannot hold; the
document id and metadata are kept there too, and every span that does not
fall on token boundaries (listed as not carried as a spaCy span). A layer
without a part is listed as not carried.

:func:`read_docbin` turns the ``Doc`` objects back into canonical documents.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

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
from newsgold.layers.base import Layer
from newsgold.layers.formats import DocbinPart, DocbinSpan
from newsgold.model import Document, Span
from newsgold.tokens import Token, tokenize

DOCBIN_NAME = "newsgold.spacy"
USER_DATA_KEY = "newsgold"
USER_DATA_FORMAT = "newsgold-docbin"
USER_DATA_VERSION = 1


def _vocab() -> Any:
    import spacy

    return spacy.blank("en").vocab


def _words(text: str, tokens: Sequence[Token]) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags whose concatenation is ``text`` exactly."""
    words: list[str] = []
    spaces: list[bool] = []

    def gap(stretch: str) -> None:
        if not stretch:
            return
        if stretch.startswith(" ") and words and not spaces[-1]:
            spaces[-1] = True
            stretch = stretch[1:]
        if stretch:
            words.append(stretch)
            spaces.append(False)

    pos = 0
    for tok in tokens:
        gap(text[pos : tok.start])
        words.append(tok.text)
        spaces.append(False)
        pos = tok.end
    gap(text[pos:])
    return words, spaces


def _tokens(document: Document) -> tuple[list[Token], set[int], bool]:
    """All tokens, the offsets where the tagged units start, and whether they are the
    document's own sentence records."""
    tagged, own = tagged_for_conversion(document)
    tokens = [t for s in tagged for t in s.tokens]
    starts = {s.tokens[0].start for s in tagged if s.tokens}
    # Text outside every sentence that is not whitespace (not in a valid document)
    # is tokenised as it stands.
    covered = 0
    extra: list[Token] = []
    for s in tagged:  # one per sentence of the tagged view, with its span
        if document.text[covered : s.start].strip():
            extra.extend(tokenize(document.text[covered : s.start], covered))
        covered = max(covered, s.end)
    if document.text[covered:].strip():
        extra.extend(tokenize(document.text[covered:], covered))
    return sorted(tokens + extra, key=lambda t: t.start), starts, own


def _parts() -> list[tuple[Layer, DocbinPart]]:
    """The registered layers that have a part in the DocBin, with their part."""
    return [(x, x.formats["docbin"]) for x in registry.layers() if x.formats.get("docbin")]


def _groups() -> tuple[str, ...]:
    """The span groups of every layer, in registry order."""
    return tuple(group for _, part in _parts() for group in part.groups)


def _blank_doc(document: Document, vocab: Any) -> Any:
    """The tokenised ``Doc`` of the document text, with its sentence starts."""
    from spacy.tokens import Doc

    tokens, starts, own = _tokens(document)
    words, spaces = _words(document.text, tokens)
    doc = Doc(vocab, words=words, spaces=spaces)
    if doc.text != document.text:  # pragma: no cover - a converter bug
        message = "the spaCy Doc text differs from the document text"
        hint = "a converter bug: report it with the document"
        raise ConversionError([problem("round-trip-mismatch", document.id, "/text", message, hint)])
    if own:
        for i, token in enumerate(doc):
            token.is_sent_start = i == 0 or token.idx in starts
    return doc


def _char_span(doc: Any, s: DocbinSpan) -> Any:
    return doc.char_span(
        s.start, s.end, label=s.label, kb_id=s.kb_id or "", span_id=s.ident, alignment_mode="strict"
    )


def _span_groups(doc: Any, document: Document) -> tuple[list[dict[str, Any]], list[NotCarried]]:
    """Fill ``doc.spans``; return the spans that do not fall on token boundaries."""
    from spacy.tokens import SpanGroup

    unaligned: list[dict[str, Any]] = []
    lost: list[NotCarried] = []
    groups: dict[str, list[Any]] = defaultdict(list)
    for _, part in _parts():
        for s in part.spans(document) if part.spans else ():
            span = _char_span(doc, s)
            if span is not None:
                groups[s.group].append(span)
                continue
            unaligned.append(
                {
                    "group": s.group,
                    "id": s.ident,
                    "start": s.start,
                    "end": s.end,
                    "label": s.label,
                    "kb_id": s.kb_id or "",
                }
            )
            reason = f"{s.group} span {s.start}-{s.end} does not fall on token boundaries: "
            lost.append(
                NotCarried(document.id, s.where, reason + "not a spaCy span", "doc.user_data")
            )
    for group in _groups():
        doc.spans[group] = SpanGroup(doc, name=group, spans=groups[group])
    return unaligned, lost


def _unsupported(document: Document) -> list[NotCarried]:
    """The records of layers without a part in the DocBin."""
    return [
        NotCarried(document.id, pointer(layer.name, i), f"{layer.name} record (no DocBin part)")
        for layer in registry.layers()
        if not layer.formats.get("docbin")
        for i in range(len(document.layer(layer.name)))
    ]


def to_spacy_doc(
    document: Document, vocab: Any | None = None
) -> tuple[Any, tuple[NotCarried, ...]]:
    """The spaCy ``Doc`` of one document and the spans it could not hold as spaCy spans."""
    doc = _blank_doc(document, vocab if vocab is not None else _vocab())
    unaligned, lost = _span_groups(doc, document)
    ents = []
    for _, part in _parts():
        for s in part.ents(document) if part.ents else ():
            span = _char_span(doc, s)
            if span is not None:  # every NAM mention aligns: tag_document checked it
                ents.append(span)
    doc.ents = sorted(ents, key=lambda s: s.start)
    doc.user_data[USER_DATA_KEY] = {
        "format": USER_DATA_FORMAT,
        "version": USER_DATA_VERSION,
        "id": document.id,
        "schema_version": document.schema_version,
        "metadata": document.metadata.to_dict(),
        "annotated_layers": list(document.annotated_layers),
        **{layer.name: part.store(document) for layer, part in _parts()},
        "unaligned": unaligned,
    }
    return doc, (*lost, *_unsupported(document))


def _plain(value: Any) -> Any:
    """msgpack gives tuples for arrays; JSON values use lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class _Source:
    """A ``Doc`` being read back (:class:`~newsgold.layers.formats.DocbinSource`)."""

    def __init__(self, doc: Any, data: dict[str, Any]) -> None:
        self.doc = doc
        self.data = data
        self.text: str = doc.text
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.errors: list[Problem] = []
        self._spans: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for group in _groups():
            if group not in doc.spans:
                continue
            for s in doc.spans[group]:
                self._spans[(group, s.id_)].append(
                    {"start": s.start_char, "end": s.end_char, "label": s.label_, "kb_id": s.kb_id_}
                )
        for u in data["unaligned"]:
            self._spans[(u["group"], u["id"])].append(u)

    def spans(self, group: str, ident: str, required: bool = True) -> list[dict[str, Any]]:
        found = sorted(self._spans.get((group, ident), []), key=lambda s: (s["start"], s["end"]))
        if not found and required:
            message, hint = f'no {group} span with id "{ident}"', "keep the spans newsgold wrote"
            self.error("docbin-span-missing", "", message, hint)
        return found

    def span(self, found: dict[str, Any]) -> dict[str, Any]:
        start, end = found["start"], found["end"]
        return Span(start, end, self.text[start:end]).to_dict()

    def error(self, code: str, where: str, message: str, hint: str) -> None:
        self.errors.append(problem(code, self.data["id"], where, message, hint))


def from_spacy_doc(doc: Any) -> Document:
    """The canonical document of a ``Doc`` made by :func:`to_spacy_doc`."""
    data = doc.user_data.get(USER_DATA_KEY)
    if not isinstance(data, dict) or data.get("format") != USER_DATA_FORMAT:
        key = f'doc.user_data["{USER_DATA_KEY}"] of format {USER_DATA_FORMAT}'
        message = f"a Doc without {key}: not written by newsgold"
        hint = "read only DocBin files that `newsgold convert --to docbin` wrote"
        raise ConversionError([problem("docbin-foreign", "", "", message, hint)])
    source = _Source(doc, _plain(data))
    for layer, part in _parts():
        source.records[layer.name] = part.read(source)
    if source.errors:
        raise ConversionError(source.errors)
    data, text = source.data, source.text
    value = {
        "id": data["id"],
        "schema_version": data["schema_version"],
        "metadata": data["metadata"],
        "text": text,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "annotated_layers": data["annotated_layers"],
        **source.records,
    }
    from newsgold.validate import validate_document_value

    problems = validate_document_value(value, f"{data['id']} (DocBin)")
    if problems:
        raise ConversionError(problems)
    return Document.from_dict(value)


def docbin_bytes(documents: Iterable[Document]) -> tuple[bytes, int, tuple[NotCarried, ...]]:
    """The ``DocBin`` as bytes, the number of documents, and what was not carried as spans."""
    from spacy.tokens import DocBin

    vocab = _vocab()
    db = DocBin(store_user_data=True)
    lost: list[NotCarried] = []
    errors: list[Problem] = []
    n = 0
    for document in documents:
        try:
            doc, not_carried = to_spacy_doc(document, vocab)
        except ConversionError as err:
            errors.extend(err.problems)
            continue
        db.add(doc)
        lost.extend(not_carried)
        n += 1
    if errors:
        raise ConversionError(errors)
    data: bytes = db.to_bytes()
    return data, n, tuple(lost)


def write_docbin(documents: Iterable[Document], out: Path) -> ConversionResult:
    """Write ``out/newsgold.spacy`` with one ``Doc`` per document."""
    data, n, lost = docbin_bytes(documents)
    with staged_output(out) as tmp:
        (tmp / DOCBIN_NAME).write_bytes(data)
        files = written_files(tmp)
    return ConversionResult("docbin", out, files, n, lost)


def docs_from_bytes(data: bytes) -> list[Any]:
    """The spaCy ``Doc`` objects of a serialised ``DocBin`` (blank English vocab)."""
    from spacy.tokens import DocBin

    return list(DocBin(store_user_data=True).from_bytes(data).get_docs(_vocab()))


def read_docbin(path: Path) -> list[Document]:
    """The canonical documents of a ``.spacy`` file written by :func:`write_docbin`."""
    return [from_spacy_doc(doc) for doc in docs_from_bytes(path.read_bytes())]
