"""spaCy ``DocBin`` (``.spacy``), both ways.

One ``Doc`` per document, tokenised like the ``ner`` config (:mod:`newsgold.tokens`:
``spacy.blank("en")``'s tokenizer per sentence; per paragraph when a document
has no sentences), with the whitespace between sentences as whitespace
tokens, so that ``doc.text`` is the document text. Sentence starts are set
from the sentences layer.

``doc.ents``
    The NAM mentions (flat): ``label_`` the OntoNotes type, ``kb_id_`` the
    entity id, ``id_`` the mention id.
``doc.spans``
    ``mentions`` (every mention: label, ``kb_id_`` entity, ``id_`` mention),
    ``quote_content`` and ``quote_cue`` (one span per fragment, ``id_`` the
    quote id; content spans are labelled with the quote type), ``quote_source``
    (the source mention, ``id_`` the quote id, ``kb_id_`` the speaker),
    ``event_triggers`` (label the event type, ``id_`` the trigger id,
    ``kb_id_`` the event id), ``stance_evidence`` (label the polarity,
    ``id_`` the stance id, ``kb_id_`` the holder).
``doc.user_data["newsgold"]``
    What spans cannot hold: document id and metadata, sentence ids, mention
    types, entity records, speakers, addressees, parents, event types, modes,
    contexts, arguments, realis and time, stance holders, targets, quote ids
    and basis; and every span that does not fall on token boundaries (listed
    as not carried as a spaCy span).

:func:`read_docbin` turns the ``Doc`` objects back into canonical documents.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from newsgold.convert import (
    ConversionError,
    ConversionResult,
    NotCarried,
    staged_output,
    tagged_for_conversion,
    written_files,
)
from newsgold.issues import Problem, pointer, problem
from newsgold.model import Document, Span
from newsgold.tokens import Token, tokenize

DOCBIN_NAME = "newsgold.spacy"
USER_DATA_KEY = "newsgold"
USER_DATA_FORMAT = "newsgold-docbin"
USER_DATA_VERSION = 1
GROUPS = (
    "mentions",
    "quote_content",
    "quote_cue",
    "quote_source",
    "event_triggers",
    "stance_evidence",
)


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
    """All tokens, the offsets where sentences start, and whether the sentences are its own."""
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


def to_spacy_doc(
    document: Document, vocab: Any | None = None
) -> tuple[Any, tuple[NotCarried, ...]]:
    """The spaCy ``Doc`` of one document and the spans it could not hold as spaCy spans."""
    from spacy.tokens import Doc, SpanGroup

    vocab = vocab if vocab is not None else _vocab()
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

    unaligned: list[dict[str, Any]] = []
    lost: list[NotCarried] = []
    groups: dict[str, list[Any]] = defaultdict(list)

    def add(
        group: str, ident: str, start: int, end: int, label: str, kb_id: str | None, where: str
    ) -> None:
        span = doc.char_span(
            start, end, label=label, kb_id=kb_id or "", span_id=ident, alignment_mode="strict"
        )
        if span is None:
            unaligned.append(
                {
                    "group": group,
                    "id": ident,
                    "start": start,
                    "end": end,
                    "label": label,
                    "kb_id": kb_id or "",
                }
            )
            lost.append(
                NotCarried(
                    document.id,
                    where,
                    f"{group} span {start}-{end} does not fall on token boundaries: "
                    "not a spaCy span",
                    "doc.user_data",
                )
            )
        else:
            groups[group].append(span)

    for i, m in enumerate(document.mentions):
        add("mentions", m.id, m.start, m.end, m.label, m.entity_id, pointer("mentions", i))
    for i, q in enumerate(document.quotes):
        for j, s in enumerate(q.content):
            add(
                "quote_content",
                q.id,
                s.start,
                s.end,
                q.type,
                q.speaker,
                pointer("quotes", i, "content", j),
            )
        for j, s in enumerate(q.cue):
            add("quote_cue", q.id, s.start, s.end, "cue", None, pointer("quotes", i, "cue", j))
        if q.source is not None:
            src = document.mention(q.source)
            add(
                "quote_source",
                q.id,
                src.start,
                src.end,
                "source",
                q.speaker,
                pointer("quotes", i, "source"),
            )
    for i, ev in enumerate(document.events):
        for j, t in enumerate(ev.triggers):
            add(
                "event_triggers",
                t.id,
                t.start,
                t.end,
                ev.type,
                ev.id,
                pointer("events", i, "triggers", j),
            )
    for i, st in enumerate(document.stance):
        for j, s in enumerate(st.evidence):
            add(
                "stance_evidence",
                st.id,
                s.start,
                s.end,
                st.polarity,
                st.holder,
                pointer("stance", i, "evidence", j),
            )
    for group in GROUPS:
        doc.spans[group] = SpanGroup(doc, name=group, spans=groups[group])

    ents = []
    for m in document.mentions:
        if m.mention_type == "NAM":
            span = doc.char_span(
                m.start,
                m.end,
                label=m.label,
                kb_id=m.entity_id,
                span_id=m.id,
                alignment_mode="strict",
            )
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
        "sentences": [s.id for s in document.sentences],
        "mentions": [{"id": m.id, "mention_type": m.mention_type} for m in document.mentions],
        "entities": [e.to_dict() for e in document.entities],
        "quotes": [
            {
                "id": q.id,
                "speaker": q.speaker,
                "addressee": None if q.addressee is None else q.addressee.to_dict(),
                "parent": q.parent,
            }
            for q in document.quotes
        ],
        "events": [
            {
                "id": ev.id,
                "type": ev.type,
                "modes": list(ev.modes),
                "contexts": list(ev.contexts),
                "triggers": [t.id for t in ev.triggers],
                "arguments": [a.to_dict() for a in ev.arguments],
                "realis": ev.realis,
                "time": None if ev.time is None else ev.time.to_dict(),
            }
            for ev in document.events
        ],
        "stance": [
            {
                "id": st.id,
                "holder": st.holder,
                "target": st.target.to_dict(),
                "quote_ids": list(st.quote_ids),
                "basis": st.basis,
            }
            for st in document.stance
        ],
        "unaligned": unaligned,
    }
    return doc, tuple(lost)


def _plain(value: Any) -> Any:
    """msgpack gives tuples for arrays; JSON values use lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def from_spacy_doc(doc: Any) -> Document:
    """The canonical document of a ``Doc`` made by :func:`to_spacy_doc`."""
    data = doc.user_data.get(USER_DATA_KEY)
    if not isinstance(data, dict) or data.get("format") != USER_DATA_FORMAT:
        key = f'doc.user_data["{USER_DATA_KEY}"] of format {USER_DATA_FORMAT}'
        message = f"a Doc without {key}: not written by newsgold"
        hint = "read only DocBin files that `newsgold convert --to docbin` wrote"
        raise ConversionError([problem("docbin-foreign", "", "", message, hint)])
    data = _plain(data)
    text: str = doc.text
    errors: list[Problem] = []
    spans: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for group in GROUPS:
        if group not in doc.spans:
            continue
        for s in doc.spans[group]:
            spans[(group, s.id_)].append(
                {"start": s.start_char, "end": s.end_char, "label": s.label_, "kb_id": s.kb_id_}
            )
    for u in data["unaligned"]:
        spans[(u["group"], u["id"])].append(u)

    def of(group: str, ident: str) -> list[dict[str, Any]]:
        found = sorted(spans.get((group, ident), []), key=lambda s: (s["start"], s["end"]))
        if not found and group not in ("quote_source",):
            message, hint = f'no {group} span with id "{ident}"', "keep the spans newsgold wrote"
            errors.append(problem("docbin-span-missing", data["id"], "", message, hint))
        return found

    def span(s: dict[str, Any]) -> dict[str, Any]:
        return Span(s["start"], s["end"], text[s["start"] : s["end"]]).to_dict()

    sentences = []
    if data["sentences"]:
        sents = list(doc.sents)
        if len(sents) != len(data["sentences"]):
            message = f"{len(sents)} sentences in the Doc but {len(data['sentences'])} sentence ids"
            hint = "keep the sentence starts newsgold wrote"
            errors.append(problem("docbin-sentence-count", data["id"], "/sentences", message, hint))
        for ident, sent in zip(data["sentences"], sents, strict=False):
            words = [t for t in sent if not t.is_space]
            start, end = words[0].idx, words[-1].idx + len(words[-1].text)
            sentences.append({"id": ident, "start": start, "end": end, "text": text[start:end]})

    mentions = []
    by_span: dict[tuple[int, int], str] = {}
    for rec in data["mentions"]:
        for s in of("mentions", rec["id"])[:1]:
            mentions.append(
                {
                    **span(s),
                    "id": rec["id"],
                    "label": s["label"],
                    "mention_type": rec["mention_type"],
                    "entity_id": s["kb_id"],
                }
            )
            by_span[(s["start"], s["end"])] = rec["id"]
    mentions = [
        {k: m[k] for k in ("id", "start", "end", "text", "label", "mention_type", "entity_id")}
        for m in mentions
    ]

    quotes = []
    for rec in data["quotes"]:
        content = of("quote_content", rec["id"])
        source = of("quote_source", rec["id"])
        quotes.append(
            {
                "id": rec["id"],
                "type": content[0]["label"] if content else None,
                "content": [span(s) for s in content],
                "cue": [span(s) for s in of("quote_cue", rec["id"])],
                "source": by_span.get((source[0]["start"], source[0]["end"])) if source else None,
                "speaker": rec["speaker"],
                "addressee": rec["addressee"],
                "parent": rec["parent"],
            }
        )

    events = []
    for rec in data["events"]:
        triggers = []
        for tid in rec["triggers"]:
            for s in of("event_triggers", tid)[:1]:
                triggers.append({"id": tid, **span(s)})
        events.append({**rec, "triggers": triggers})

    stance = []
    for rec in data["stance"]:
        evidence = of("stance_evidence", rec["id"])
        stance.append(
            {
                "id": rec["id"],
                "holder": rec["holder"],
                "target": rec["target"],
                "polarity": evidence[0]["label"] if evidence else None,
                "evidence": [span(s) for s in evidence],
                "quote_ids": rec["quote_ids"],
                "basis": rec["basis"],
            }
        )
    if errors:
        raise ConversionError(errors)
    value = {
        "id": data["id"],
        "schema_version": data["schema_version"],
        "metadata": data["metadata"],
        "text": text,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "annotated_layers": data["annotated_layers"],
        "sentences": sentences,
        "mentions": mentions,
        "entities": data["entities"],
        "quotes": quotes,
        "events": events,
        "stance": stance,
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
