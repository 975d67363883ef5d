"""The quotes layer: attributions (PARC style) with content, cue, source and speaker."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsgold.columns import CONTEXT_DOC, SENTENCE, SPAN, d, span_rows
from newsgold.issues import pointer
from newsgold.labels import inventory
from newsgold.layers.agreement_part import AgreementPart, fields_dict
from newsgold.layers.base import Config, Context, IdKind, Layer, counts, dicts, short
from newsgold.layers.entities import participant
from newsgold.layers.evaluation import (
    NOWHERE,
    Aligner,
    ErrorRecord,
    Errors,
    Evaluation,
    Key,
    PredictionContext,
    Run,
    Side,
    Spn,
    side,
)
from newsgold.layers.formats import (
    ConllPart,
    DocbinPart,
    DocbinSource,
    DocbinSpan,
    HtmlKit,
    HtmlPart,
    Mark,
    PageRecord,
    each_record,
)
from newsgold.layers.mentions import entity_referents, mention_spans, same_entity
from newsgold.layers.parts import (
    BratConf,
    BratPart,
    BratReading,
    BratRelation,
    BratType,
    BratWriting,
)
from newsgold.records import field_names, make, read
from newsgold.scoring import (
    OVERLAP_MEASURE,
    OVERLAP_THRESHOLD,
    PRF,
    Agreement,
    Counted,
    LabelAgreement,
    Row,
    equality_agreement,
    exact_pairs,
    label_agreement,
    overlap_candidates,
    overlap_pairs,
    span_prf,
)
from newsgold.spans import Range, Span, greedy_pairs, merge, spans_from

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
        return read(cls, d, _PARTICIPANT_FIELDS) or make(
            cls, entity_id=d["entity_id"], mention_id=d["mention_id"]
        )


_PARTICIPANT_FIELDS = field_names(Participant)
"""The keys of a Participant object in canonical order: :func:`newsgold.records.read`
takes such an object at once."""


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
        return make(
            cls,
            id=d["id"],
            type=d["type"],
            content=spans_from(d["content"]),
            cue=spans_from(d["cue"]),
            source=d["source"],
            speaker=d["speaker"],
            addressee=None if addressee is None else Participant.from_dict(addressee),
            parent=d["parent"],
        )


def _participants(ck: Context, i: int, q: dict[str, Any]) -> None:
    if q.get("source") is not None:
        ck.ref(MENTIONS, q.get("source"), NAME, i, "source")
    if q.get("speaker") is not None and ck.ref(ENTITIES, q.get("speaker"), NAME, i, "speaker"):
        same_entity(ck, q.get("source"), q.get("speaker"), NAME, i, "source")
        participant(ck, q.get("speaker"), "speaker", NAME, i, "speaker")
    addressee = q.get("addressee")
    if not isinstance(addressee, dict):
        return
    where = (NAME, i, "addressee")
    ck.ref(ENTITIES, addressee.get("entity_id"), *where, "entity_id")
    mention_id = addressee.get("mention_id")
    if mention_id is not None and ck.ref(MENTIONS, mention_id, *where, "mention_id"):
        same_entity(ck, mention_id, addressee.get("entity_id"), *where, "mention_id")


def _outside_content(ck: Context, i: int, q: dict[str, Any], content: list[Range]) -> None:
    """The cue and the source of an attribution lie outside its own content."""
    parts: list[tuple[tuple[str | int, ...], Range | None]] = [
        ((NAME, i, "cue", j), ck.span_of(cue)) for j, cue in dicts(q.get("cue"))
    ]
    source = ck.record(MENTIONS, q.get("source"))
    if source is not None:
        parts.append(((NAME, i, "source"), ck.span_of(source)))
    for path, span in parts:
        if span is not None and any(s <= span[0] and span[1] <= e for s, e in content):
            ck.add(
                pointer(*path),
                "cue-inside-content",
                f"{path[2]} {span[0]}-{span[1]} {short(ck.text[span[0] : span[1]])} lies inside "
                "the attribution's own content",
                "the content is what is attributed: end it before the cue and the source",
            )


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
        _outside_content(ck, i, q, content)
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
    """The quotes whose spans are usable (every part checked; the quotes made only for
    this view's scorer)."""
    out = []
    build = ck.builds(NAME)
    for i, q in dicts(value.get(NAME)):
        content = ck.checked_spans(q["content"], NAME, i, "content")
        cue = ck.checked_spans(q.get("cue"), NAME, i, "cue")
        source = ck.referent(MENTIONS, q.get("source"), NAME, i, "source")
        speaker = ck.referent(ENTITIES, q.get("speaker"), NAME, i, "speaker")
        if build and content is not None and cue is not None:
            out.append(
                PQuote(q.get("type"), content, cue, min(source) if source else None, speaker)
            )
    return out


def _quotes_from_record(
    ck: PredictionContext, value: dict[str, Any], items: list[Any], labels: str
) -> list[Any]:
    content = ck.checked_spans(value["content"], "content")
    cue = ck.checked_spans(value.get("cue"), "cue")
    source, speaker = value.get("source"), value.get("speaker")
    source_span = None if source is None else ck.span(source, "source")
    speaker_spans = None if speaker is None else ck.checked_spans(speaker, "speaker")
    if (
        content is None
        or cue is None
        or (source is not None and source_span is None)
        or (speaker is not None and speaker_spans is None)
    ):
        return []
    said_by = None if speaker_spans is None else frozenset(speaker_spans)
    return [PQuote(value.get("type"), content, cue, source_span, said_by)]


@dataclass(frozen=True)
class QuoteScore(Counted):
    """Attribution P/R/F1 of one content match, with the measures on its matched quotes.

    ``speaker_strict`` and ``speaker_lenient`` are speaker accuracies on the matched
    quotes; ``end_to_end_*`` P/R/F1 of quotes matched with the speaker right; ``cue``
    and ``source`` P/R/F1 of the cues and sources right on their matched quote.
    """

    speaker_strict: Agreement
    speaker_lenient: Agreement
    end_to_end_strict: Counted
    end_to_end_lenient: Counted
    cue: Counted
    source: Counted

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "speaker_strict": self.speaker_strict.observed or 0.0,
            "speaker_lenient": self.speaker_lenient.observed or 0.0,
            "end_to_end_strict": self.end_to_end_strict.to_dict(),
            "end_to_end_lenient": self.end_to_end_lenient.to_dict(),
            "cue": self.cue.to_dict(),
            "source": self.source.to_dict(),
        }


_STOP_HEAD = frozenset(
    ("of", "in", "at", "for", "from", "with", "on", "to", "by", "about", "into", "over",
     "under", "between", "among", "against", "without", "within", "during", "after",
     "before", "as", "who", "whom", "whose", "which", "that", "where", "when")
)  # fmt: skip
"""Words that end a head-word search: prepositions and relative words."""
_WORD = re.compile("[^\\W_]+(?:['\u2019.-][^\\W_]+)*")
_CLAUSE_END = re.compile("[,;:()\\[\\]\u2013\u2014]| - ")


def head_word(text: str) -> str | None:
    """The head word of a mention's text, by rule: the last word before the first
    comma, semicolon, colon, parenthesis, dash, preposition or relative word (after
    the first word), case-folded; None when the text has no word.

    "the Ministry" and "Ministry" -> "ministry"; "the Ministry of Foreign Affairs"
    -> "ministry"; "Sergei Lavrov, who met Tillerson" -> "lavrov".
    """
    clause = _CLAUSE_END.split(text, maxsplit=1)[0]
    words = _WORD.findall(clause)
    for k, w in enumerate(words):
        if k > 0 and w.casefold() in _STOP_HEAD:
            words = words[:k]
            break
    return words[-1].casefold() if words else None


@dataclass(frozen=True)
class QuoteGold:
    """A gold quote as the scorer compares it."""

    type: str
    content: tuple[Spn, ...]
    cue: tuple[Spn, ...]
    source: Spn | None
    speaker: str | None


@dataclass(frozen=True)
class QuotePair:
    """One matched pair (gold index, predicted index) and what is right on it."""

    gold: int
    pred: int
    speaker_strict: bool
    speaker_lenient: bool
    cue: bool
    source: bool


@dataclass(frozen=True)
class QuoteMatch:
    """The matching of one document's quotes in one mode: the gold and predicted quotes
    considered (indices into the document's lists) and the matched pairs."""

    gold: tuple[int, ...]
    pred: tuple[int, ...]
    pairs: tuple[QuotePair, ...]


def _gold_quotes(doc: Document) -> list[QuoteGold]:
    spans = mention_spans(doc)
    quotes: tuple[Quote, ...] = doc.layer(NAME)
    return [
        QuoteGold(
            q.type,
            tuple((s.start, s.end) for s in q.content),
            tuple((s.start, s.end) for s in q.cue),
            None if q.source is None else spans[q.source],
            q.speaker,
        )
        for q in quotes
    ]


class _Speakers:
    """Strict and lenient speaker checks against one gold document."""

    def __init__(self, doc: Document) -> None:
        self.text = doc.text
        self.entities = entity_referents(doc)
        self._aligner = Aligner(self.entities)
        self._aligned: dict[frozenset[Spn] | None, Key] = {}

    def aligned(self, pred: frozenset[Spn] | None) -> Key:
        """The gold entity a predicted speaker aligns to (:meth:`Aligner.align`), found once for
        each predicted speaker of the document (every matching asks again)."""
        try:
            return self._aligned[pred]
        except KeyError:
            found = self._aligned[pred] = self._aligner.align(pred)
            return found

    def strict(self, gold: str | None, pred: frozenset[Spn] | None) -> bool:
        return self.aligned(pred) == gold

    def lenient(self, gold: str | None, pred: frozenset[Spn] | None) -> bool:
        if self.strict(gold, pred):
            return True
        if gold is None or not pred or self.aligned(pred) != NOWHERE:
            return False
        mentions = self.entities.get(gold, frozenset())
        if any(s < me and ms < t for s, t in pred for ms, me in mentions):
            return True
        heads = {head_word(self.text[ms:me]) for ms, me in mentions} - {None}
        return any(head_word(self.text[s:t]) in heads for s, t in pred)


@dataclass(frozen=True)
class _Merged:
    """The content and the cue of each quote of one side, merged (:func:`merge`) once for
    all the matchings of a document."""

    content: list[tuple[Spn, ...]]
    cue: list[tuple[Spn, ...]]

    @classmethod
    def of(cls, quotes: Sequence[QuoteGold | PQuote]) -> _Merged:
        return cls([merge(q.content) for q in quotes], [merge(q.cue) for q in quotes])


class _Matcher:
    """The quotes of one document, gold and predicted, for all the matchings made of
    them: the contents and cues merged, the overlap candidates of every gold quote with
    every predicted one, and the checks of each pair, each made once."""

    def __init__(self, doc: Document, pred: Sequence[PQuote]) -> None:
        self.gold = _gold_quotes(doc)
        self.pred = pred
        self.speakers = _Speakers(doc)
        self.gold_merged = _Merged.of(self.gold)
        self.merged = _Merged.of(pred)
        self._candidates: list[tuple[tuple[float], int, int]] | None = None
        self._pairs: dict[tuple[int, int], QuotePair] = {}

    def match(self, mode: str, typ: str | None = None) -> QuoteMatch:
        """The gold and predicted quotes (of type ``typ``, or all) matched by content,
        ``exact`` or ``overlap``, with cue, source and speaker checked on each pair."""
        gold, pred = self.gold, self.pred
        gi = tuple(i for i, q in enumerate(gold) if typ is None or q.type == typ)
        pj = tuple(j for j, q in enumerate(pred) if typ is None or q.type == typ)
        if mode == "exact":
            gs = [self.gold_merged.content[i] for i in gi]
            ps = [self.merged.content[j] for j in pj]
            found = [(gi[a], pj[b]) for a, b in exact_pairs(gs, ps)]
        else:
            if self._candidates is None:
                self._candidates = overlap_candidates(self.gold_merged.content, self.merged.content)
            found = greedy_pairs(
                c
                for c in self._candidates
                if typ is None or (gold[c[1]].type == typ and pred[c[2]].type == typ)
            )
        return QuoteMatch(gi, pj, tuple(self._pair(i, j) for i, j in found))

    def _pair(self, i: int, j: int) -> QuotePair:
        made = self._pairs.get((i, j))
        if made is None:
            g, p = self.gold[i], self.pred[j]
            made = self._pairs[i, j] = QuotePair(
                i,
                j,
                self.speakers.strict(g.speaker, p.speaker),
                self.speakers.lenient(g.speaker, p.speaker),
                bool(p.cue) and self.merged.cue[j] == self.gold_merged.cue[i],
                p.source is not None and p.source == g.source,
            )
        return made


@dataclass
class _QuoteTally:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    strict: int = 0
    lenient: int = 0
    cue: list[int] = dataclasses.field(default_factory=lambda: [0, 0, 0])
    source: list[int] = dataclasses.field(default_factory=lambda: [0, 0, 0])

    def add(self, m: QuoteMatch, gold: Sequence[QuoteGold], pred: Sequence[PQuote]) -> None:
        self.gold += len(m.gold)
        self.predicted += len(m.pred)
        self.matched += len(m.pairs)
        self.strict += sum(p.speaker_strict for p in m.pairs)
        self.lenient += sum(p.speaker_lenient for p in m.pairs)
        self.cue[0] += sum(p.cue for p in m.pairs)
        self.cue[1] += sum(1 for j in m.pred if pred[j].cue)
        self.cue[2] += sum(1 for i in m.gold if gold[i].cue)
        self.source[0] += sum(p.source for p in m.pairs)
        self.source[1] += sum(1 for j in m.pred if pred[j].source is not None)
        self.source[2] += sum(1 for i in m.gold if gold[i].source is not None)

    def scores(self) -> QuoteScore:
        return QuoteScore(
            self.gold,
            self.matched,
            self.predicted,
            self.matched,
            Agreement(self.matched, self.strict),
            Agreement(self.matched, self.lenient),
            Counted.of(self.strict, self.predicted, self.gold),
            Counted.of(self.lenient, self.predicted, self.gold),
            Counted.of(*self.cue),
            Counted.of(*self.source),
        )


_MODES = ("exact", "overlap")


def _score_quotes(run: Run) -> dict[str, Any]:
    overall = {m: _QuoteTally() for m in _MODES}
    per_type = {t: {m: _QuoteTally() for m in _MODES} for t in inventory().quote_types}
    for doc, pred in run.pairs:
        matcher = _Matcher(doc, pred)
        for typ in (None, *per_type):
            slot = overall if typ is None else per_type[typ]
            for mode in _MODES:
                slot[mode].add(matcher.match(mode, typ), matcher.gold, pred)
    return {
        **{m: overall[m].scores() for m in _MODES},
        "per_type": {
            t: {m: per_type[t][m].scores() for m in _MODES}
            for t in per_type
            if per_type[t]["overlap"].gold or per_type[t]["overlap"].predicted
        },
        "overlap_threshold": OVERLAP_THRESHOLD,
    }


def _quote_rows(s: Mapping[str, Any]) -> list[Row]:
    rows = []
    for mode in _MODES:
        rows.append(Row(f"attribution, {mode}", s[mode]))
        rows.append(Row("  end to end, speaker strict", s[mode].end_to_end_strict))
        rows.append(Row("  end to end, speaker lenient", s[mode].end_to_end_lenient))
        rows.append(Row("  cue (per matched quote)", s[mode].cue))
        rows.append(Row("  source (per matched quote)", s[mode].source))
    return rows + [Row(f"{typ}, overlap", v["overlap"]) for typ, v in s["per_type"].items()]


def _quote_notes(s: Mapping[str, Any]) -> tuple[str, list[str]]:
    ex, ov = s["exact"], s["overlap"]
    return "", [
        f"speaker accuracy on matched quotes: strict {ex['speaker_strict']:.4f} exact, "
        f"{ov['speaker_strict']:.4f} overlap; lenient {ex['speaker_lenient']:.4f} exact, "
        f"{ov['speaker_lenient']:.4f} overlap (overlap = {OVERLAP_MEASURE} >= "
        f"{s['overlap_threshold']})"
    ]


_EVALUATION_DOC = """\
Quotes (``--layer quotes``). Gold and predicted quotes are matched one to one by
their content, in two modes: ``exact`` (the same characters) and ``overlap``
(character Dice of the contents at least the threshold, best pairs first). Each
mode reports:
- attribution P/R/F1: matched quotes / predicted quotes, matched / gold.
- ``speaker_strict``: the share of matched quotes whose predicted speaker is
  right: both null, or the predicted speaker (the set of its spans) aligned to
  the gold speaker entity (it shares an exact span with a gold mention of that
  entity, and more spans with it than with any other entity; see Referents).
- ``speaker_lenient``: as strict, and a predicted speaker that shares no exact
  span with any gold mention is also right when one of its spans overlaps (shares
  a character with) a gold mention of the gold speaker, or has the same head
  word as one. The head word of a span is, by rule, its last word before the
  first comma, semicolon, colon, parenthesis, dash, preposition or relative word
  (who, which, that, ...) after its first word, compared case-insensitively:
  "Ministry" and "the Ministry" share the head "ministry", as do "the Ministry
  of Foreign Affairs" and "Russia's Foreign Ministry".
- ``end_to_end_strict`` / ``end_to_end_lenient``: P/R/F1 of the quotes matched
  with the speaker right (strict, lenient): correct / predicted quotes,
  correct / gold quotes.
- ``cue``: per matched quote, the predicted cue is right when its spans cover
  the same characters as the gold cue of the quote it is matched to. P = right
  cues / predicted quotes that give a cue; R = right cues / gold quotes with a
  cue. A right cue on an unmatched quote earns nothing.
- ``source``: likewise, the predicted source span equals the span of the gold
  source mention of the matched quote. P = right sources / predicted quotes
  that give a source; R = right sources / gold quotes with a source.
``per_type`` scores each quote type on the quotes of that type alone (matched
among themselves).
"""


# The records of ``newsgold evaluate --layer quotes --errors``.

_QUOTE_CATEGORIES = {
    "correct": "content matched; cue, source and speaker (strict) right",
    "attribution-error": "content matched; the cue, source or speaker is wrong",
    "missed": "a gold quote no prediction is matched to",
    "spurious": "a predicted quote matched to no gold quote",
}

_QUOTE_ERRORS_DOC = """\
Errors of ``--layer quotes``: one record per pair of the overlap matching of the
contents (the pairs the ``overlap`` figures count), per unmatched gold quote
(missed) and per unmatched predicted quote (spurious). A matched quote is
correct when its cue, its source (both given and equal, or both null) and its
speaker (strict) are right; else an attribution error. ``checks`` gives each
measure on the pair: content_exact (the same characters), type, cue, source,
speaker_strict, speaker_lenient, as the ``overlap`` figures count them.
"""


def _quote_side(doc: Document, q: QuoteGold | PQuote, **named: Any) -> Side:
    return side(doc.text, q.content, q.type, **named)


def _quote_records(run: Run) -> list[ErrorRecord]:
    out = []
    for doc, pred in run.pairs:
        matcher = _Matcher(doc, pred)
        gold = matcher.gold
        ids = [q.id for q in doc.layer(NAME)]
        m = matcher.match("overlap")
        paired_g = {p.gold for p in m.pairs}
        paired_p = {p.pred for p in m.pairs}
        for p in m.pairs:
            g, q = gold[p.gold], pred[p.pred]
            source_ok = p.source or (g.source is None and q.source is None)
            cue_ok = p.cue or (not g.cue and not q.cue)
            right = p.speaker_strict and source_ok and cue_ok
            checks = {
                "content_exact": matcher.gold_merged.content[p.gold]
                == matcher.merged.content[p.pred],
                "type": g.type == q.type,
                "cue": p.cue,
                "source": p.source,
                "speaker_strict": p.speaker_strict,
                "speaker_lenient": p.speaker_lenient,
            }
            out.append(
                ErrorRecord(
                    doc.id,
                    "quote",
                    "correct" if right else "attribution-error",
                    _quote_side(doc, g, ident=ids[p.gold]),
                    _quote_side(doc, q, index=p.pred),
                    checks,
                )
            )
        for i in m.gold:
            if i not in paired_g:
                g = gold[i]
                out.append(
                    ErrorRecord(doc.id, "quote", "missed", _quote_side(doc, g, ident=ids[i]), None)
                )
        for j in m.pred:
            if j not in paired_p:
                out.append(
                    ErrorRecord(
                        doc.id, "quote", "spurious", None, _quote_side(doc, pred[j], index=j)
                    )
                )
    return out


def _quote_tally(records: Sequence[ErrorRecord]) -> dict[str, int]:
    matched = [r for r in records if r.gold is not None and r.pred is not None]
    out = {
        "matched": len(matched),
        "gold": sum(r.gold is not None for r in records),
        "predicted": sum(r.pred is not None for r in records),
    }
    for check in ("cue", "source", "speaker_strict", "speaker_lenient"):
        out[check] = sum(bool(r.checks[check]) for r in matched)
    return out


def _quote_expected(s: Mapping[str, Any]) -> dict[str, int]:
    ov = s["overlap"]
    matched = ov["correct"]
    return {
        "matched": matched,
        "gold": ov["gold"],
        "predicted": ov["predicted"],
        "cue": ov["cue"]["correct"],
        "source": ov["source"]["correct"],
        "speaker_strict": ov["end_to_end_strict"]["correct"],
        "speaker_lenient": ov["end_to_end_lenient"]["correct"],
    }


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
        errors=Errors(
            _quote_records, _QUOTE_CATEGORIES, _quote_tally, _quote_expected, _QUOTE_ERRORS_DOC
        ),
    ),
)


# ---------------------------------------------------------------- agreement
# How ``newsgold agreement`` compares two annotations of this layer.


@dataclass(frozen=True)
class QuoteAgreement:
    attributions: Mapping[str, PRF]
    roles: Mapping[str, Mapping[str, PRF]]
    matched_attributions: int
    speaker: Agreement
    type: LabelAgreement
    parent: Agreement

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


def _content(q: Quote) -> list[Range]:
    return [(s.start, s.end) for s in q.content]


def _text_order_quotes(doc: Document) -> list[Quote]:
    return sorted(doc.layer(NAME), key=lambda q: (sorted(_content(q)), q.id))


def _role_units(doc: Document, quotes: Sequence[Quote], role: str) -> list[list[Range]]:
    out = []
    for q in quotes:
        if role == "content":
            out.append(_content(q))
        elif role == "cue":
            out.append([(s.start, s.end) for s in q.cue])
        elif q.source is not None:
            source = doc.record(MENTIONS, q.source)
            out.append([(source.start, source.end)])
    return out


def quote_agreement(a: Document, b: Document) -> QuoteAgreement:
    """Agreement on the quote layer (see the docs below)."""
    qa, qb = _text_order_quotes(a), _text_order_quotes(b)
    attributions = span_prf([_content(q) for q in qa], [_content(q) for q in qb])
    roles = {
        role: span_prf(_role_units(a, qa, role), _role_units(b, qb, role))
        for role in ("content", "cue", "source")
    }
    pairs = overlap_pairs([_content(q) for q in qa], [_content(q) for q in qb])
    a_to_b = {qa[i].id: qb[j].id for i, j in pairs}
    parent_agrees = []
    for i, j in pairs:
        pa, pb = qa[i].parent, qb[j].parent
        parent_agrees.append(pb is None if pa is None else pa in a_to_b and a_to_b[pa] == pb)
    return QuoteAgreement(
        attributions=attributions,
        roles=roles,
        matched_attributions=len(pairs),
        speaker=equality_agreement([(qa[i].speaker, qb[j].speaker) for i, j in pairs]),
        type=label_agreement([(qa[i].type, qb[j].type) for i, j in pairs]),
        parent=Agreement(len(parent_agrees), sum(parent_agrees)),
    )


_AGREEMENT_DOCS = """\
- Attributions: a quote of A and one of B match when their content spans match
  exactly, or by overlap (the threshold above). P/R/F1 for both.
- Roles: each quote gives one unit per role: its content spans, its cue spans,
  and the span of its source mention (none when the source is null). Units of
  a role are pooled over the document and matched exactly and by overlap.
- On the attributions matched by overlap: speaker (entity ids are shared by
  both annotators; two nulls agree), type (observed and kappa over direct,
  indirect, mixed) and parent (both null, or B's parent is the quote matched
  to A's parent).
"""

AGREEMENT = AgreementPart(
    requires=(NAME,),
    compare=quote_agreement,
    docs=_AGREEMENT_DOCS,
    labels={
        "attributions": "Attributions (content)",
        "roles": "Role spans",
        "matched_attributions": "Attributions matched by overlap",
        "speaker": "Speaker (matched attributions)",
        "type": "Type (matched attributions)",
        "parent": "Parent (matched attributions)",
    },
)


# ---------------------------------------------------------------- brat
# This layer's part in the brat standoff export and import: the content
# (``Quote``) and the cue (``Cue``) are spans, discontinuous ones as fragments;
# relations ``HasCue`` (named apart from the span type: brat keeps one namespace
# of types), ``Source``, ``Speaker`` (the first mention of the entity),
# ``Addressee``/``AddresseeEntity`` and ``Parent``; a ``QuoteType`` attribute.

QUOTE, CUE, HAS_CUE = "Quote", "Cue", "HasCue"


def _brat_conf() -> BratConf:
    inv = inventory()
    labels = "|".join(inv.entity_types)
    return BratConf(
        about=("Quote content and cue are spans of their own.",),
        span_types=(
            BratType(QUOTE, ("Quote content", "Quote"), "bgColor:#fff3b0"),
            BratType(CUE, ("Quote cue", "Cue"), "bgColor:#e07050, fgColor:white"),
        ),
        relation_types=(
            BratRelation(HAS_CUE, QUOTE, CUE, "the cue of the quote"),
            BratRelation(
                "Source", QUOTE, labels, "the mention that expresses the source in the sentence"
            ),
            BratRelation(
                "Speaker", QUOTE, labels, "the real-world source (first mention of the entity)"
            ),
            BratRelation("Addressee", QUOTE, labels, "the mention that expresses the addressee"),
            BratRelation(
                "AddresseeEntity", QUOTE, labels, "the addressee when no mention expresses it"
            ),
            BratRelation("Parent", QUOTE, QUOTE, "the enclosing attribution of a nested one"),
        ),
        attributes=(f"QuoteType\tArg:{QUOTE}, Value:{'|'.join(inv.quote_types)}",),
    )


def _brat_relations(w: BratWriting, q: Quote, cue: str) -> None:
    qt = w.brat[q.id]
    w.relation(HAS_CUE, qt, cue)
    if q.source is not None:
        w.relation("Source", qt, w.brat[q.source])
    if q.speaker is not None and q.speaker in w.brat:
        w.relation("Speaker", qt, w.brat[q.speaker])
    if q.addressee is not None:
        if q.addressee.mention_id is not None:
            w.relation("Addressee", qt, w.brat[q.addressee.mention_id])
        elif q.addressee.entity_id in w.brat:
            w.relation("AddresseeEntity", qt, w.brat[q.addressee.entity_id])
    if q.parent is not None:
        w.relation("Parent", qt, w.brat[q.parent])


def _brat_write(w: BratWriting) -> None:
    records: tuple[Quote, ...] = w.doc.layer(NAME)
    cues = {}
    for q in records:
        w.span(QUOTE, q.content, q.id)
        cues[q.id] = w.span(CUE, q.cue)
    for q in records:
        _brat_relations(w, q, cues[q.id])
    for q in records:
        w.add("A", f"QuoteType {w.brat[q.id]} {q.type}")


def _brat_quote(r: BratReading, bid: str, quote_id: dict[str, str]) -> dict[str, Any]:
    t = r.ann.t[bid]
    cue = r.one(HAS_CUE, bid)
    if cue is None or cue not in r.ann.t:
        r.fail(t.line, f"quote {bid} has no {HAS_CUE} relation to a {CUE} span; add one")
    addressee = None
    if (a := r.one("Addressee", bid)) is not None:
        addressee = {"entity_id": r.resolve(ENTITIES, a), "mention_id": r.resolve(MENTIONS, a)}
    elif (a := r.one("AddresseeEntity", bid)) is not None:
        addressee = {"entity_id": r.resolve(ENTITIES, a), "mention_id": None}
    parent = r.one("Parent", bid)
    return {
        "id": quote_id[bid],
        "type": r.attr("QuoteType", bid, t.line),
        "content": r.spans(t),
        "cue": r.spans(r.ann.t[cue]) if cue is not None and cue in r.ann.t else [],
        "source": r.resolve(MENTIONS, r.one("Source", bid)),
        "speaker": r.resolve(ENTITIES, r.one("Speaker", bid)),
        "addressee": addressee,
        "parent": None if parent is None else quote_id.get(parent),
    }


def _brat_read(r: BratReading) -> list[dict[str, Any]]:
    quote_t = [bid for bid, t in r.ann.t.items() if t.type == QUOTE]
    quote_id = {bid: r.canonical(bid, "q") for bid in quote_t}
    r.resolver(NAME, lambda bid: None if bid is None else quote_id.get(bid))
    return [_brat_quote(r, bid, quote_id) for bid in quote_t]


BRAT = BratPart(read=_brat_read, conf=_brat_conf, write=_brat_write)


# ---------------------------------------------------------------- DocBin
# This layer's part in the spaCy DocBin export and import.

DOCBIN_CONTENT, DOCBIN_CUE, DOCBIN_SOURCE = "quote_content", "quote_cue", "quote_source"


def _docbin_spans(document: Document) -> list[DocbinSpan]:
    """One span per fragment of content (label the quote type, ``kb_id_`` the speaker) and
    cue, and the source mention (``kb_id_`` the speaker); ``id_`` the quote id."""
    out = []
    for i, q in enumerate(document.layer(NAME)):
        for j, s in enumerate(q.content):
            where = pointer(NAME, i, "content", j)
            out.append(DocbinSpan(DOCBIN_CONTENT, q.id, s.start, s.end, q.type, q.speaker, where))
        for j, s in enumerate(q.cue):
            out.append(
                DocbinSpan(
                    DOCBIN_CUE, q.id, s.start, s.end, "cue", None, pointer(NAME, i, "cue", j)
                )
            )
        if q.source is not None:
            src = document.record(MENTIONS, q.source)
            where = pointer(NAME, i, "source")
            out.append(
                DocbinSpan(DOCBIN_SOURCE, q.id, src.start, src.end, "source", q.speaker, where)
            )
    return out


def _docbin_read(source: DocbinSource) -> list[dict[str, Any]]:
    by_span = {(m["start"], m["end"]): m["id"] for m in source.records[MENTIONS]}
    out = []
    for rec in source.data[NAME]:
        content = source.spans(DOCBIN_CONTENT, rec["id"])
        src = source.spans(DOCBIN_SOURCE, rec["id"], required=False)
        out.append(
            {
                "id": rec["id"],
                "type": content[0]["label"] if content else None,
                "content": [source.span(s) for s in content],
                "cue": [source.span(s) for s in source.spans(DOCBIN_CUE, rec["id"])],
                "source": by_span.get((src[0]["start"], src[0]["end"])) if src else None,
                "speaker": rec["speaker"],
                "addressee": rec["addressee"],
                "parent": rec["parent"],
            }
        )
    return out


DOCBIN = DocbinPart(
    groups=(DOCBIN_CONTENT, DOCBIN_CUE, DOCBIN_SOURCE),
    store=lambda document: [
        {
            "id": q.id,
            "speaker": q.speaker,
            "addressee": None if q.addressee is None else q.addressee.to_dict(),
            "parent": q.parent,
        }
        for q in document.layer(NAME)
    ],
    read=_docbin_read,
    spans=_docbin_spans,
)


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.


def _html_marks(document: Document, kit: HtmlKit) -> list[Mark]:
    """Content shaded, labelled at its end with the quote id, type and speaker; cues in
    bold with the quote id."""
    entities = {e.id: e for e in document.layer(ENTITIES)}
    out = []
    for q in document.layer(NAME):
        speaker = entities[q.speaker].name if q.speaker in entities else "unknown speaker"
        for i, s in enumerate(q.content):
            label = f"{q.id} {q.type} · {speaker}" if i == len(q.content) - 1 else ""
            out.append(Mark(0, s.start, s.end, q.id, f"a q q-{q.type}", label=label))
        for s in q.cue:
            out.append(Mark(3, s.start, s.end, q.id, "a c", label=f"cue {q.id}"))
    return out


def _html_row(document: Document, kit: HtmlKit, q: Quote) -> list[str]:
    addressee = (
        kit.entity_chip(document, q.addressee.entity_id)
        + (f" via {kit.chip(q.addressee.mention_id)}" if q.addressee.mention_id else "")
        if q.addressee
        else kit.none()
    )
    return [
        f"<code>{kit.escape(q.id)}</code>",
        kit.escape(q.type),
        kit.entity_chip(document, q.speaker),
        kit.chip(q.source, document.record(MENTIONS, q.source).text) if q.source else kit.none(),
        f'<span class="cue">{kit.spans_text(q.cue)}</span>',
        f"“{kit.spans_text(q.content)}”",
        addressee,
        kit.chip(q.parent) if q.parent else kit.none(),
    ]


def _html_records(document: Document) -> list[PageRecord]:
    out = []
    for q in document.layer(NAME):
        addressee = q.addressee.entity_id if q.addressee else None
        out.append(
            PageRecord(q.id, "quote", q.to_dict(), [q.source, q.speaker, addressee, q.parent])
        )
    return out


HTML = HtmlPart(
    records=_html_records,
    marks=_html_marks,
    table=lambda document, kit: kit.table(
        "Quotes",
        ["id", "type", "speaker", "source", "cue", "content", "addressee", "parent"],
        [(q.id, _html_row(document, kit, q)) for q in document.layer(NAME)],
    ),
    legend=lambda documents, kit: '<span class="q">quote content</span> <span class="c">cue</span>',
    toggle="q",
    counted=NAME,
)


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.

CONLL = ConllPart(not_carried=each_record(NAME, "quote"))


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
    labels=("quote_type",),
)
