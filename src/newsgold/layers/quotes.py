"""The quotes layer: attributions (PARC style) with content, cue, source and speaker."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.columns import CONTEXT_DOC, SENTENCE, SPAN, d, span_rows
from newsgold.issues import pointer
from newsgold.labels import inventory
from newsgold.layers.base import Config, Context, IdKind, Layer, counts, dicts, short
from newsgold.layers.evaluation import (
    Evaluation,
    Key,
    PredictionContext,
    Run,
    Spn,
    align,
    span_of,
    spans_of,
)
from newsgold.layers.mentions import entity_referents, mention_spans, same_entity
from newsgold.scoring import (
    OVERLAP_MEASURE,
    OVERLAP_THRESHOLD,
    Counted,
    Row,
    exact_span_pairs,
    overlap_pairs,
)
from newsgold.spans import Span, spans_from

if TYPE_CHECKING:
    from newsgold.layers.base import Column, Lookup
    from newsgold.layers.base import DocumentView as Document

NAME = "quotes"
MENTIONS = "mentions"
ENTITIES = "entities"


@dataclass(frozen=True)
class Participant:
    entity_id: str
    mention_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "mention_id": self.mention_id}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Participant:
        return cls(d["entity_id"], d["mention_id"])


@dataclass(frozen=True)
class Quote:
    id: str
    type: str
    content: tuple[Span, ...]
    cue: tuple[Span, ...]
    source: str | None
    speaker: str | None
    addressee: Participant | None
    parent: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "content": [s.to_dict() for s in self.content],
            "cue": [s.to_dict() for s in self.cue],
            "source": self.source,
            "speaker": self.speaker,
            "addressee": None if self.addressee is None else self.addressee.to_dict(),
            "parent": self.parent,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Quote:
        addressee = d["addressee"]
        return cls(
            d["id"],
            d["type"],
            spans_from(d["content"]),
            spans_from(d["cue"]),
            d["source"],
            d["speaker"],
            None if addressee is None else Participant.from_dict(addressee),
            d["parent"],
        )


def _participants(ck: Context, i: int, q: dict[str, Any]) -> None:
    if q.get("source") is not None:
        ck.ref(MENTIONS, q.get("source"), NAME, i, "source")
    if q.get("speaker") is not None and ck.ref(ENTITIES, q.get("speaker"), NAME, i, "speaker"):
        same_entity(ck, q.get("source"), q.get("speaker"), NAME, i, "source")
    addressee = q.get("addressee")
    if not isinstance(addressee, dict):
        return
    where = (NAME, i, "addressee")
    ck.ref(ENTITIES, addressee.get("entity_id"), *where, "entity_id")
    mention_id = addressee.get("mention_id")
    if mention_id is not None and ck.ref(MENTIONS, mention_id, *where, "mention_id"):
        same_entity(ck, mention_id, addressee.get("entity_id"), *where, "mention_id")


def _nesting(
    ck: Context, contents: dict[str, list[tuple[int, int]]], parents: dict[str, str]
) -> None:
    for i, q in ck.items(NAME):
        qid, parent = q.get("id"), parents.get(str(q.get("id")))
        if parent is None:
            continue
        seen_chain = {qid}
        cur: str | None = parent
        while cur is not None and cur not in seen_chain:
            seen_chain.add(cur)
            cur = parents.get(cur)
        if cur is not None:
            ck.add(
                pointer(NAME, i, "parent"),
                "quote-parent-cycle",
                f'"{qid}" is, through its parents, its own ancestor',
                "a parent must enclose its child, not the other way round",
            )
            continue
        outer = contents.get(parent)
        if outer is None:
            continue  # the parent's content has problems of its own
        for cs, ce in contents.get(str(qid), []):
            if not any(ps <= cs and ce <= pe for ps, pe in outer):
                ck.add(
                    pointer(NAME, i, "content"),
                    "quote-outside-parent",
                    f"content {cs}-{ce} {short(ck.text[cs:ce])} "
                    f'is not inside the content of parent "{parent}"',
                    "nest only attributions that lie inside the parent's content, or clear parent",
                )
                break


def check(ck: Context) -> None:
    """Spans, references to mentions and entities, and nested attributions."""
    contents: dict[str, list[tuple[int, int]]] = {}
    parents: dict[str, str] = {}
    for i, q in ck.items(NAME):
        content = ck.span_list(q.get("content"), NAME, i, "content")
        usable = len(content) == len(list(dicts(q.get("content"))))
        ck.span_list(q.get("cue"), NAME, i, "cue")
        _participants(ck, i, q)
        if isinstance(q.get("id"), str):
            if usable:
                contents[q["id"]] = content
            if q.get("parent") is not None and ck.ref(NAME, q.get("parent"), NAME, i, "parent"):
                parents[q["id"]] = q["parent"]
    _nesting(ck, contents, parents)


# ---------------------------------------------------------------- Hugging Face configs


def _columns() -> list[Column]:
    return [
        ("doc_id", "string", d("document.id")),
        ("id", "string", d("quote.id")),
        ("type", ("label", "quote_type"), d("quote.type")),
        ("content", ("list", SPAN), d("quote.content")),
        ("cue", ("list", SPAN), d("quote.cue")),
        ("source", "string", d("quote.source")),
        ("source_text", "string", "Text of the source mention, or null."),
        ("speaker", "string", d("quote.speaker")),
        ("speaker_name", "string", "Canonical name of the speaker entity, or null."),
        ("addressee_entity_id", "string", "Id of the addressed entity, or null."),
        ("addressee_name", "string", "Canonical name of the addressed entity, or null."),
        ("addressee_mention_id", "string", d("participant.mention_id")),
        ("parent", "string", d("quote.parent")),
        ("context", ("list", SENTENCE), CONTEXT_DOC),
    ]


def _row(doc: Document, look: Lookup, q: Quote) -> dict[str, Any]:
    addressee = q.addressee
    return {
        "doc_id": doc.id,
        "id": q.id,
        "type": q.type,
        "content": span_rows(q.content),
        "cue": span_rows(q.cue),
        "source": q.source,
        "source_text": look.mention_text(q.source),
        "speaker": q.speaker,
        "speaker_name": look.entity_name(q.speaker),
        "addressee_entity_id": None if addressee is None else addressee.entity_id,
        "addressee_name": None if addressee is None else look.entity_name(addressee.entity_id),
        "addressee_mention_id": None if addressee is None else addressee.mention_id,
        "parent": q.parent,
        "context": look.context((s.start, s.end) for s in (*q.content, *q.cue)),
    }


def _rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    return [_row(doc, look, q) for q in doc.layer(NAME)]


# ---------------------------------------------------------------- evaluation
# The views ``newsgold evaluate --layer`` scores: prediction normaliser and scorer.


@dataclass(frozen=True)
class PQuote:
    """A predicted quote: content and cue spans, source span, speaker referent (None: null)."""

    type: str | None
    content: tuple[Spn, ...]
    cue: tuple[Spn, ...]
    source: Spn | None
    speaker: frozenset[Spn] | None


def _quotes_from_document(ck: PredictionContext, value: dict[str, Any]) -> list[Any]:
    out = []
    for i, q in dicts(value.get(NAME)):
        ok = ck.spans(q["content"], NAME, i, "content")
        ok = ck.spans(q.get("cue"), NAME, i, "cue") and ok
        source = ck.referent(MENTIONS, q.get("source"), NAME, i, "source")
        speaker = ck.referent(ENTITIES, q.get("speaker"), NAME, i, "speaker")
        if ok:
            out.append(
                PQuote(
                    q.get("type"),
                    spans_of(q["content"]),
                    spans_of(q.get("cue")),
                    min(source) if source else None,
                    speaker,
                )
            )
    return out


def _quotes_from_record(
    ck: PredictionContext, value: dict[str, Any], items: list[Any], labels: str
) -> list[Any]:
    ok = ck.spans(value["content"], "content")
    ok = ck.spans(value.get("cue"), "cue") and ok
    source = value.get("source")
    ok = (source is None or ck.span(source, "source") is not None) and ok
    speaker = value.get("speaker")
    ok = (speaker is None or ck.spans(speaker, "speaker")) and ok
    if not ok:
        return []
    return [
        PQuote(
            value.get("type"),
            spans_of(value["content"]),
            spans_of(value.get("cue")),
            None if source is None else span_of(source),
            None if speaker is None else frozenset(spans_of(speaker)),
        )
    ]


@dataclass(frozen=True)
class QuoteScore(Counted):
    """Attribution P/R/F1 with the speaker accuracy and end-to-end P/R/F1."""

    speaker_accuracy: float
    end_to_end: Counted

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "speaker_accuracy": self.speaker_accuracy,
            "end_to_end": self.end_to_end.to_dict(),
        }


@dataclass
class _QuoteTally:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_correct: int = 0

    def scores(self) -> QuoteScore:
        return QuoteScore(
            self.gold,
            self.matched,
            self.predicted,
            self.matched,
            self.speaker_correct / self.matched if self.matched else 0.0,
            Counted.of(self.speaker_correct, self.predicted, self.gold),
        )


_MODES = ("exact", "overlap")
_Item = tuple[str | None, tuple[Spn, ...], Key]


def _tally(tally: _QuoteTally, g: Sequence[_Item], p: Sequence[_Item], mode: str) -> None:
    gs, ps = [x[1] for x in g], [x[1] for x in p]
    matched = exact_span_pairs(gs, ps) if mode == "exact" else overlap_pairs(gs, ps)
    tally.gold += len(g)
    tally.predicted += len(p)
    tally.matched += len(matched)
    tally.speaker_correct += sum(1 for i, j in matched if g[i][2] == p[j][2])


def _score_quotes(run: Run) -> dict[str, Any]:
    overall = {m: _QuoteTally() for m in _MODES}
    per_type = {t: {m: _QuoteTally() for m in _MODES} for t in inventory().quote_types}
    cue = [0, 0, 0]
    source = [0, 0, 0]
    for doc, pred in run.pairs:
        entities = entity_referents(doc)
        quotes: tuple[Quote, ...] = doc.layer(NAME)
        gq = [(q.type, tuple((s.start, s.end) for s in q.content), q.speaker) for q in quotes]
        pq = [(q.type, q.content, align(q.speaker, entities)) for q in pred]
        for typ_filter in (None, *per_type):
            g = [x for x in gq if typ_filter is None or x[0] == typ_filter]
            p = [x for x in pq if typ_filter is None or x[0] == typ_filter]
            for mode in _MODES:
                slot = overall if typ_filter is None else per_type[typ_filter]
                _tally(slot[mode], g, p, mode)
        gcue = {(s.start, s.end) for q in quotes for s in q.cue}
        pcue = {s for q in pred for s in q.cue}
        cue = [cue[0] + len(gcue & pcue), cue[1] + len(pcue), cue[2] + len(gcue)]
        spans = mention_spans(doc)
        gsrc = {spans[q.source] for q in quotes if q.source is not None}
        psrc = {q.source for q in pred if q.source is not None}
        source = [source[0] + len(gsrc & psrc), source[1] + len(psrc), source[2] + len(gsrc)]
    return {
        **{m: overall[m].scores() for m in _MODES},
        "per_type": {
            t: {m: per_type[t][m].scores() for m in _MODES}
            for t in per_type
            if per_type[t]["overlap"].gold or per_type[t]["overlap"].predicted
        },
        "cue": Counted.of(*cue),
        "source": Counted.of(*source),
        "overlap_threshold": OVERLAP_THRESHOLD,
    }


def _quote_rows(s: Mapping[str, Any]) -> list[Row]:
    rows = []
    for mode in _MODES:
        rows.append(Row(f"attribution, {mode}", s[mode]))
        rows.append(Row(f"  end to end (+ speaker), {mode}", s[mode].end_to_end))
    rows += [Row(f"  {typ}, overlap", v["overlap"]) for typ, v in s["per_type"].items()]
    return [*rows, Row("cue spans", s["cue"]), Row("source spans", s["source"])]


def _quote_notes(s: Mapping[str, Any]) -> tuple[str, list[str]]:
    return "", [
        f"speaker accuracy on matched quotes: exact {s['exact']['speaker_accuracy']:.4f}, "
        f"overlap {s['overlap']['speaker_accuracy']:.4f} "
        f"(overlap = {OVERLAP_MEASURE} >= {s['overlap_threshold']})"
    ]


_EVALUATION_DOC = """\
Quotes (``--layer quotes``). Content is matched one to one, ``exact`` (the same
characters) or ``overlap`` (character Dice of the contents at least
:data:`~newsgold.scoring.OVERLAP_THRESHOLD`, best pairs first). For each: attribution
P/R/F1, speaker accuracy on the matched pairs (both speakers null, or the
predicted speaker aligned to the gold speaker) and end-to-end P/R/F1 (matched
and speaker correct). ``per_type`` scores each quote type on the quotes of that
type alone. ``cue`` and ``source`` are exact-span P/R/F1 over all cue spans and
all source-mention spans.
"""


EVALUATIONS: tuple[Any, ...] = (
    Evaluation(
        name=NAME,
        needs=(NAME,),
        from_document=_quotes_from_document,
        from_record=_quotes_from_record,
        score=_score_quotes,
        rows=_quote_rows,
        notes=_quote_notes,
        description=_EVALUATION_DOC,
    ),
)


# ---------------------------------------------------------------- agreement
# How ``newsgold agreement`` compares two annotations of this layer.

AGREEMENT: Any = None


# ---------------------------------------------------------------- brat
# This layer's part in the brat standoff export and import.

BRAT: Any = None


# ---------------------------------------------------------------- DocBin
# This layer's part in the spaCy DocBin export and import.

DOCBIN: Any = None


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.

HTML: Any = None


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.

CONLL: Any = None


LAYER = Layer(
    name=NAME,
    record=Quote,
    ids=(IdKind(NAME, "q"),),
    depends_on=(MENTIONS, ENTITIES),
    check=check,
    configs=(Config(NAME, "attribution", (NAME,), _columns, _rows),),
    summary=lambda records: [(NAME, len(records), counts(q.type for q in records))],
    evaluations=EVALUATIONS,
    agreement=AGREEMENT,
    formats={"brat": BRAT, "docbin": DOCBIN, "html": HTML, "conll": CONLL},
    description="Attributions: content, cue, source mention, speaker entity, addressee, nesting.",
)
