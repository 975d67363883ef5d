"""The mentions layer: spans that refer to an entity, typed NAM, NOM or PRO."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from newsgold.columns import d
from newsgold.issues import pointer
from newsgold.labels import inventory
from newsgold.layers.agreement_part import AgreementPart, coref_pair, counter_prf, fields_dict
from newsgold.layers.base import (
    Config,
    Context,
    IdKind,
    Layer,
    SummaryRow,
    as_str,
    counts,
    dicts,
    short,
)
from newsgold.layers.entities import norm_title
from newsgold.layers.evaluation import (
    HEADER,
    ErrorRecord,
    Errors,
    Evaluation,
    Iob2,
    PredictionContext,
    Run,
    Spn,
    Tagged,
    count_by,
    side,
)
from newsgold.layers.formats import (
    ENTITY_COLOURS,
    Conll2012Part,
    ConllPart,
    DocbinPart,
    DocbinSource,
    DocbinSpan,
    HtmlKit,
    HtmlPart,
    Mark,
    PageRecord,
    TagSpan,
)
from newsgold.layers.parts import (
    BratConf,
    BratPart,
    BratReading,
    BratRelation,
    BratType,
    BratWriting,
)
from newsgold.records import field_names, make, read
from newsgold.scoring import PRF, Agreement, Cluster, CorefScores, Counted, Row
from newsgold.spans import Range, greedy_pairs, offsets

if TYPE_CHECKING:
    from newsgold.layers.base import Column, Lookup
    from newsgold.layers.base import DocumentView as Document
    from newsgold.layers.entities import Entity

NAME = "mentions"
ENTITIES = "entities"
SENTENCES = "sentences"


@dataclass(frozen=True)
class Mention:
    id: str
    start: int
    end: int
    text: str
    label: str
    mention_type: str
    entity_id: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "mention_type": self.mention_type,
            "entity_id": self.entity_id,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mention:
        start, end = offsets(d)
        return read(cls, d, _MENTION_FIELDS) or make(
            cls,
            id=d["id"],
            start=start,
            end=end,
            text=d["text"],
            label=d["label"],
            mention_type=d["mention_type"],
            entity_id=d["entity_id"],
        )


_MENTION_FIELDS = field_names(Mention)
"""The keys of a Mention object in canonical order: :func:`newsgold.records.read`
takes such an object at once."""


PRONOUNS = frozenset(
    [
        "i",
        "me",
        "my",
        "mine",
        "myself",
        "we",
        "us",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "both",
    ]
)
"""The closed class a PRO mention is drawn from (personal, possessive and reflexive
pronouns, and ``both`` used as a pronoun; see guidelines/entities.md), compared in
lower case; an all-capital word of two letters or more ("US") is an abbreviation, not a
pronoun. A NAM mention is never one of them."""


def is_pronoun(text: str) -> bool:
    """Whether a mention's text is a pronoun of :data:`PRONOUNS`. "US" (the United States)
    is not: an all-capital word of two letters or more is an abbreviation."""
    return text.lower() in PRONOUNS and not (len(text) > 1 and text.isupper())


def same_entity(ck: Context, mention_id: Any, entity_id: Any, *path: str | int) -> None:
    """A mention given beside an entity must be a mention of that entity."""
    mention = ck.record(NAME, mention_id)
    linked = None if mention is None else as_str(mention.get("entity_id"))
    if linked is None or not isinstance(entity_id, str) or linked == entity_id:
        return
    ck.add(
        pointer(*path),
        "mention-entity-mismatch",
        f'mention "{mention_id}" refers to "{linked}", not to "{entity_id}"',
        f'give a mention of "{entity_id}", or set the entity to "{linked}"',
    )


def mention_label(ck: Context, mention_id: Any) -> str | None:
    """The label of a mention, or None."""
    mention = ck.record(NAME, mention_id)
    return None if mention is None else as_str(mention.get("label"))


def _label_matches(
    ck: Context, i: int, m: dict[str, Any], entity: dict[str, Any], types: frozenset[str]
) -> None:
    label = m.get("label")
    etype = entity.get("type")
    if etype != label and as_str(label) in types and as_str(etype) in types:
        ck.add(
            pointer(NAME, i, "label"),
            "label-type-mismatch",
            f'label {label} != type {etype} of entity "{m.get("entity_id")}"',
            "link the mention to an entity of its type or correct the label",
        )


def _nam_overlaps(ck: Context, nam_spans: list[tuple[int, int, int]]) -> None:
    text = ck.text
    reach: tuple[int, int, int] | None = None  # the earlier NAM mention that ends last
    for s2, e2, i2 in sorted(nam_spans):
        if reach is not None and s2 < reach[1]:
            s1, e1, i1 = reach
            ck.add(
                pointer(NAME, i2),
                "nam-overlap",
                f"NAM mention {s2}-{e2} {short(text[s2:e2])} overlaps NAM mention "
                f"/{NAME}/{i1} {s1}-{e1} {short(text[s1:e1])}",
                "NAM mentions are flat: keep the longest name",
            )
        if reach is None or e2 > reach[1]:
            reach = (s2, e2, i2)


def _form(ck: Context, i: int, m: dict[str, Any], kind: Any) -> None:
    """A NAM mention is no pronoun, and a PRO mention is one (``kind``: its type)."""
    text = as_str(m.get("text"))
    if text is None:
        return
    if kind == "NAM" and is_pronoun(text):
        message, hint = f'NAM mention "{text}" is a pronoun', 'set mention_type to "PRO"'
    elif kind == "PRO" and text.lower() not in PRONOUNS:  # "WE" in a headline is one
        message = f'PRO mention "{text}" is not a pronoun of the closed class'
        hint = 'set mention_type to "NAM" or "NOM" (see guidelines/entities.md)'
    else:
        return
    ck.add(pointer(NAME, i, "mention_type"), "mention-type-form", message, hint)


def _in_one_sentence(ck: Context, nam_spans: list[tuple[int, int, int]]) -> None:
    """A NAM mention lies inside one sentence (where the sentences are usable)."""
    sentences = [ck.span_of(s) for _, s in ck.items(SENTENCES)]
    if SENTENCES not in ck.listed or not sentences or None in sentences:
        return
    bounds = sorted(r for r in sentences if r is not None)
    starts = [s for s, _ in bounds]
    reach = list(accumulate((e for _, e in bounds), max))  # the furthest end so far
    for start, end, i in nam_spans:
        # some sentence holds the span: one that starts at or before it reaches its end
        before = bisect_right(starts, start)
        if not (before and reach[before - 1] >= end):
            ck.add(
                pointer(NAME, i),
                "nam-crosses-sentence",
                f"NAM mention {start}-{end} {short(ck.text[start:end])} crosses a sentence "
                "boundary",
                "correct the mention or the sentence boundary: a name lies in one sentence",
            )


def check(ck: Context) -> None:
    """Spans, links to entities, one mention per span, the form of NAM and PRO mentions,
    flat NAM mentions inside one sentence."""
    nam_spans: list[tuple[int, int, int]] = []
    spans_seen: dict[tuple[int, int], int] = {}
    types = frozenset(inventory().entity_types)
    entities = ck.ids.get(ENTITIES, {})
    for i, m in ck.items(NAME):
        r = ck.span(m, NAME, i)
        eid = m.get("entity_id")
        if isinstance(eid, str):
            entity = entities.get(eid)
            if entity is None:  # a dangling reference: reported
                ck.ref(ENTITIES, eid, NAME, i, "entity_id")
            elif entity.get("type") != m.get("label"):
                _label_matches(ck, i, m, entity, types)
        if r is None:
            continue
        if r in spans_seen:
            ck.add(
                pointer(NAME, i),
                "mention-duplicate-span",
                f"same span {r[0]}-{r[1]} as /{NAME}/{spans_seen[r]}",
                "keep one mention per span",
            )
        else:
            spans_seen[r] = i
        kind = m.get("mention_type")
        if kind == "NAM" or kind == "PRO":
            _form(ck, i, m, kind)
        if kind == "NAM":
            nam_spans.append((r[0], r[1], i))
    _nam_overlaps(ck, nam_spans)
    _in_one_sentence(ck, nam_spans)


# ---------------------------------------------------------------- Hugging Face configs


def _columns() -> list[Column]:
    return [
        ("doc_id", "string", d("document.id")),
        ("id", "string", d("mention.id")),
        ("start", "int32", d("mention.start")),
        ("end", "int32", d("mention.end")),
        ("text", "string", d("mention.text")),
        ("label", ("label", "entity_type"), d("mention.label")),
        ("mention_type", ("label", "mention_type"), d("mention.mention_type")),
        ("entity_id", "string", d("mention.entity_id")),
        ("entity_name", "string", "Canonical name of the entity (`entities[].name`)."),
        ("sentence_id", "string", "Id of the sentence that holds the mention's start."),
        (
            "sentence_index",
            "int32",
            "0-based index of that sentence in the document (-1 when the document "
            "has no sentences layer).",
        ),
    ]


def _rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    rows = []
    for m in doc.layer(NAME):
        index, sid = look.sentence(m.start)
        rows.append(
            {
                "doc_id": doc.id,
                **m.to_dict(),
                "entity_name": look.entity_name(m.entity_id),
                "sentence_id": sid,
                "sentence_index": index,
            }
        )
    return rows


def _tag_columns(config: str, scheme: str) -> list[Column]:
    return [
        ("doc_id", "string", d("document.id")),
        ("sentence_id", "string", d("sentence.id")),
        ("sentence_index", "int32", "0-based index of the sentence in the document."),
        ("start", "int32", d("sentence.start")),
        ("end", "int32", d("sentence.end")),
        ("text", "string", d("sentence.text")),
        ("tokens", ("list", "string"), 'Tokens of spaCy\'s `spacy.blank("en")` tokenizer.'),
        ("token_starts", ("list", "int32"), "Document offset of each token's first character."),
        ("token_ends", ("list", "int32"), "Document offset after each token's last character."),
        ("ner_tags", ("list", ("label", config)), scheme),
    ]


def _ner_columns() -> list[Column]:
    return _tag_columns(
        "ner",
        "IOB2 tags of the NAM mentions over the 18 OntoNotes 5.0 types, names in the "
        "order of `conll2012_ontonotesv5` `named_entities`.",
    )


def _conll_columns() -> list[Column]:
    return _tag_columns(
        "ner_conll",
        "IOB2 tags of the NAM mentions mapped to the four CoNLL-2003 types "
        "(see Label sets), names in the order of `conll2003` `ner_tags`.",
    )


def _conll_tags(document: Document) -> list[TagSpan]:
    """The NAM mentions as tagged spans."""
    return [
        TagSpan(m.start, m.end, m.label, m.id, pointer(NAME, i), "NAM mention")
        for i, m in enumerate(document.layer(NAME))
        if m.mention_type == "NAM"
    ]


def _tag_rows(doc: Document, look: Lookup, conll: bool) -> list[dict[str, Any]]:
    from newsgold import tokens

    rows = []
    tagged = look.once("tagged", lambda: tokens.tag_document(doc, _conll_tags(doc)))
    for sent in tagged:
        tags = tokens.to_conll(sent.tags) if conll else sent.tags
        rows.append(
            {
                "doc_id": doc.id,
                "sentence_id": sent.sentence_id,
                "sentence_index": sent.sentence_index,
                "start": sent.start,
                "end": sent.end,
                "text": sent.text,
                "tokens": [t.text for t in sent.tokens],
                "token_starts": [t.start for t in sent.tokens],
                "token_ends": [t.end for t in sent.tokens],
                "ner_tags": list(tags),
            }
        )
    return rows


def _ner_rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    return _tag_rows(doc, look, conll=False)


def _conll_rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    return _tag_rows(doc, look, conll=True)


def _tags_an_entity(row: dict[str, Any]) -> bool:
    """The card shows the first sentence with an entity as the example of a tag config."""
    return any(tag != "O" for tag in row["ner_tags"])


def _summary(records: tuple[Mention, ...]) -> list[SummaryRow]:
    names = [m for m in records if m.mention_type == "NAM"]
    return [
        (NAME, len(records), counts(m.mention_type for m in records)),
        ("  NAM labels", len(names), counts(m.label for m in names)),
    ]


# ---------------------------------------------------------------- evaluation
# The views ``newsgold evaluate --layer`` scores: prediction normaliser and scorer.
#
# NER (``--layer ner``) is a view of this layer: the NAM mentions, with entity-level
# micro P/R/F1 (seqeval strict) and the SemEval-2013 Task 9.1 views (nervaluate).

NER_MIN_OVERLAP_PERCENT = 1.0
"""Least share of a gold span, in percent, that counts as an overlap (nervaluate's default)."""

CONLL_TYPE_NAMES: tuple[str, ...] = ("PER", "ORG", "LOC", "MISC")
SEMEVAL_VIEWS: tuple[str, ...] = ("strict", "exact", "partial", "type")
_HALF_CREDIT = {"strict": False, "exact": False, "partial": True, "type": True}

Ent = tuple[int, int, str]
"""(start, end exclusive, type)."""


def entity_referents(doc: Document) -> dict[str, frozenset[Spn]]:
    """Each gold entity as the set of the spans of its mentions, in entity order."""
    ents: dict[str, set[Spn]] = {e.id: set() for e in doc.layer(ENTITIES)}
    for m in doc.layer(NAME):
        ents.setdefault(m.entity_id, set()).add((m.start, m.end))
    return {k: frozenset(v) for k, v in ents.items()}


def mention_spans(doc: Document) -> dict[str, Spn]:
    """Each gold mention's span by id."""
    return {m.id: (m.start, m.end) for m in doc.layer(NAME)}


@dataclass
class SemEvalCounts:
    """SemEval-2013 Task 9.1 counts for one view."""

    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0

    def scores(self, half_credit: bool) -> SemEvalScore:
        actual = self.correct + self.incorrect + self.partial + self.spurious
        possible = self.correct + self.incorrect + self.partial + self.missed
        credit = self.correct + (0.5 * self.partial if half_credit else 0.0)
        return SemEvalScore(possible, credit, actual, credit, dataclasses.replace(self))


@dataclass(frozen=True)
class SemEvalScore(Counted):
    """One SemEval view: P/R/F1 of the credit against actual and possible, with the counts."""

    counts: SemEvalCounts

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.scores(),
            **dataclasses.asdict(self.counts),
            "actual": self.b_total,
            "possible": self.a_total,
        }

    def count_cells(self) -> str:
        return f"{self.counts.correct:>7} {self.b_total:>6} {self.a_total:>6}"


def _overlaps(p: Ent, t: Ent) -> bool:
    if p[0] >= t[1] or p[1] <= t[0]:
        return False
    overlap = min(p[1], t[1]) - max(p[0], t[0])
    return (overlap / (t[1] - t[0])) * 100.0 >= NER_MIN_OVERLAP_PERCENT


class _Near:
    """The gold spans of a unit by start, to find those a predicted span meets: the only
    ones the views look at (each needs an overlap or the same bounds)."""

    def __init__(self, true: Sequence[Ent]) -> None:
        self.true = true
        self.order = sorted(range(len(true)), key=lambda i: true[i][0])
        self.starts = [true[i][0] for i in self.order]
        self.longest = max((t[1] - t[0] for t in true), default=0)

    def meeting(self, p: Ent) -> list[int]:
        """Indexes, in index order, of the gold spans that share a character with ``p``
        (each starts before ``p`` ends and, being at most ``longest`` long, after
        ``p.start - longest``)."""
        lo = bisect_right(self.starts, p[0] - self.longest)
        hi = bisect_left(self.starts, p[1])
        return sorted(i for i in self.order[lo:hi] if self.true[i][1] > p[0])


_Pair = tuple[int, bool, bool, bool, int]
"""A gold span a prediction meets: (gold index, same bounds, same type, overlaps by
:data:`NER_MIN_OVERLAP_PERCENT`, distance of the bounds)."""

Outcome = tuple[str, int | None, int | None]
"""(correct, incorrect, partial, spurious or missed; gold index; predicted index)."""


def _pairs(true: Sequence[Ent], pred: Sequence[Ent]) -> list[list[_Pair]]:
    """For each prediction, the gold spans it shares a character with, in gold order
    (any other span can be neither a hit nor a near miss in any view)."""
    index = _Near(true)
    out = []
    for p in pred:
        found = []
        for i in index.meeting(p):
            t = true[i]
            found.append(
                (
                    i,
                    p[0] == t[0] and p[1] == t[1],
                    p[2] == t[2],
                    _overlaps(p, t),
                    abs(p[0] - t[0]) + abs(p[1] - t[1]),
                )
            )
        out.append(found)
    return out


OUTCOMES: tuple[str, ...] = ("correct", "incorrect", "partial", "missed", "spurious")
"""The SemEval outcomes, in the order of the fields of :class:`SemEvalCounts`: an
outcome is given by its place here."""
_CORRECT, _INCORRECT, _PARTIAL, _MISSED, _SPURIOUS = range(5)


def _greedy(
    view: str, pairs: list[list[_Pair]], matched: set[int]
) -> tuple[list[int], list[int | None]]:
    """Each prediction's outcome in one view (its place in :data:`OUTCOMES`) and the
    gold span it is matched to, greedy in prediction order as nervaluate matches
    (``matched`` gets the gold indexes taken). Strict and exact: the first free span
    with the same bounds (and type, strict), else the first free overlapping one
    (incorrect). Partial: the first free overlapping span with the same bounds, else
    the first free overlapping one (partial). Type: the nearest free overlapping span
    of the type (first on a tie), else the first free overlapping one of another type
    (incorrect)."""
    outcomes: list[int] = []
    golds: list[int | None] = []
    near_outcome = _PARTIAL if view == "partial" else _INCORRECT
    by_type = view == "type"
    need_type = view == "strict"
    need_overlap = view == "partial"
    for found in pairs:
        hit: int | None = None
        near: int | None = None
        if by_type:
            best = -1
            for i, _, same_type, overlaps, dist in found:
                if i in matched or not overlaps:
                    continue
                if same_type:
                    if best < 0 or dist < best:
                        hit, best = i, dist
                elif near is None:
                    near = i
        else:
            for i, same_bounds, same_type, overlaps, _ in found:
                if i in matched or (need_overlap and not overlaps):
                    continue
                if same_bounds and (same_type or not need_type):
                    hit = i
                    break
                if near is None and overlaps:
                    near = i
        if hit is not None:
            outcomes.append(_CORRECT)
            golds.append(hit)
            matched.add(hit)
        elif near is not None:
            outcomes.append(near_outcome)
            golds.append(near)
            matched.add(near)
        else:
            outcomes.append(_SPURIOUS)
            golds.append(None)
    return outcomes, golds


def semeval_matches(true: Sequence[Ent], pred: Sequence[Ent]) -> dict[str, list[Outcome]]:
    """The four views on one unit, greedy in the given order as nervaluate matches: each
    prediction's outcome with the gold span it is matched to, then each missed gold span
    (:func:`_greedy`)."""
    pairs = _pairs(true, pred)
    out = {}
    for view in SEMEVAL_VIEWS:
        matched: set[int] = set()
        outcomes, golds = _greedy(view, pairs, matched)
        found: list[Outcome] = [
            (OUTCOMES[k], i, j) for j, (k, i) in enumerate(zip(outcomes, golds, strict=True))
        ]
        found += [("missed", i, None) for i in range(len(true)) if i not in matched]
        out[view] = found
    return out


def decode_iob2_strict(tags: Sequence[str]) -> tuple[list[Ent], int]:
    """Chunks of a tag sequence as seqeval's strict IOB2 mode reads them, as token spans.

    A chunk is a ``B-T`` and the ``I-T`` tags right after it. Returns the
    chunks and the number of ``I-`` tags that belong to no chunk.
    """
    spans: list[Ent] = []
    stray = 0
    i, n = 0, len(tags)
    while i < n:
        tag = tags[i]
        if tag.startswith("B-"):
            label = tag[2:]
            j = i + 1
            while j < n and tags[j] == "I-" + label:
                j += 1
            spans.append((i, j, label))
            i = j
            continue
        if tag.startswith("I-"):
            stray += 1
        i += 1
    return spans, stray


def _add_unit(
    overall: dict[str, list[int]],
    by_type: dict[str, dict[str, list[int]]],
    micro: dict[str, list[int]],
    true: Sequence[Ent],
    pred: Sequence[Ent],
) -> None:
    """Add one unit's tallies (by place in :data:`OUTCOMES`): the SemEval outcomes of
    the four views over all its spans, and per type its exact (correct, predicted,
    gold) names and the outcomes of the type's spans alone (a type absent from the unit
    adds 0).

    Matching the spans of one type alone is matching with only the gold spans of the
    prediction's type (the types share no gold span), so one pass over the unit gives
    every type's. Among spans of one type the exact view matches as the strict one;
    and when every gold span a prediction meets has its type, matching over all spans
    is matching by type: a pass made once serves each view that makes the same."""
    for x in (*true, *pred):
        if x[2] not in micro:
            micro[x[2]] = [0, 0, 0]
            by_type[x[2]] = {v: [0] * 5 for v in SEMEVAL_VIEWS}
    gold, ps = set(true), set(pred)
    for x in gold & ps:
        micro[x[2]][0] += 1
    for x in ps:
        micro[x[2]][1] += 1
    for x in gold:
        micro[x[2]][2] += 1
    pairs = _pairs(true, pred)
    same_type = [[c for c in found if c[2]] for found in pairs]
    uniform = same_type == pairs
    true_types = [t[2] for t in true]
    pred_types = [p[2] for p in pred]
    passes: dict[tuple[str, bool], tuple[list[int], set[int]]] = {}
    for view in SEMEVAL_VIEWS:
        for typed in (False, True):
            as_typed = typed or uniform
            key = ("strict" if view == "exact" and as_typed else view, as_typed)
            if key not in passes:
                matched: set[int] = set()
                found = _greedy(key[0], same_type if as_typed else pairs, matched)[0]
                passes[key] = (found, matched)
            outcomes, matched = passes[key]
            if not typed:
                tally = overall[view]
                for k, n in Counter(outcomes).items():
                    tally[k] += n
                tally[_MISSED] += len(true) - len(matched)
                continue
            for (typ, k), n in Counter(zip(pred_types, outcomes, strict=True)).items():
                by_type[typ][view][k] += n
            missed = [t for i, t in enumerate(true_types) if i not in matched]
            for typ, n in Counter(missed).items():
                by_type[typ][view][_MISSED] += n


def _semeval_scores(tally: list[int], view: str) -> SemEvalScore:
    return SemEvalCounts(*tally).scores(_HALF_CREDIT[view])


def score_ner_units(units: Iterable[tuple[Sequence[Ent], Sequence[Ent]]]) -> dict[str, Any]:
    """NER scores over units of (gold spans, predicted spans), each list in text order;
    the units are gone through once, their counts added up (none is kept)."""
    overall = {v: [0] * 5 for v in SEMEVAL_VIEWS}
    by_type: dict[str, dict[str, list[int]]] = {}
    micro: dict[str, list[int]] = {}
    for true, pred in units:
        _add_unit(overall, by_type, micro, true, pred)
    per_type: dict[str, Any] = {
        typ: {
            "micro": Counted.of(*micro[typ]),
            **{v: _semeval_scores(by_type[typ][v], v) for v in SEMEVAL_VIEWS},
        }
        for typ in sorted(micro)
    }
    return {
        "micro": Counted.of(*(sum(c[k] for c in micro.values()) for k in range(3))),
        "semeval": {v: _semeval_scores(overall[v], v) for v in SEMEVAL_VIEWS},
        "per_type": per_type,
    }


def _gold_ner(doc: Document, labels: str) -> list[Ent]:
    from newsgold.tokens import CONLL_MAPPING

    out = []
    for m in doc.layer(NAME):
        if m.mention_type != "NAM":
            continue
        label: str | None = m.label if labels == "ontonotes" else CONLL_MAPPING[m.label]
        if label is not None:
            out.append((m.start, m.end, label))
    return sorted(out)


def _map_pred_label(label: str, labels: str) -> str | None:
    from newsgold.tokens import CONLL_MAPPING

    if labels == "ontonotes" or label in CONLL_TYPE_NAMES:
        return label
    return CONLL_MAPPING[label]


def _tag_names(labels: str) -> tuple[str, ...]:
    from newsgold import tokens

    return tokens.conll_tags() if labels == "conll" else tokens.ontonotes_tags()


def _gold_sentences(docs: Sequence[Document], labels: str) -> dict[tuple[str, str], Tagged]:
    from newsgold import tokens

    out: dict[tuple[str, str], Tagged] = {}
    for doc in docs:
        if "sentences" not in doc.annotated_layers:
            continue
        for sent in tokens.tag_document(doc, _conll_tags(doc)):
            tags = sent.tags if labels == "ontonotes" else tokens.to_conll(sent.tags)
            out[(doc.id, sent.sentence_id)] = Tagged(
                sent.sentence_index,
                tuple(t.text for t in sent.tokens),
                tuple(tags),
                tuple((t.start, t.end) for t in sent.tokens),
            )
    return out


def _ner_from_document(ck: PredictionContext, value: dict[str, Any]) -> list[Any]:
    """The NAM (or untyped) mentions; each mention's span joins its entity's referent."""
    out: list[Ent] = []
    seen: dict[Ent, int] = {}
    for i, m in dicts(value.get(NAME)):
        sp = ck.span(m, NAME, i)
        if sp is None:
            continue
        ident = m.get("id")
        if isinstance(ident, str):
            ck.add_referent(NAME, ident, (sp,))
        eid = m.get("entity_id")
        if eid is not None and ck.ref(ENTITIES, eid, NAME, i, "entity_id"):
            ck.add_referent(ENTITIES, eid, (sp,))
        if m.get("mention_type", "NAM") != "NAM":
            continue
        key = (sp[0], sp[1], str(m["label"]))
        if key in seen:
            ck.add(
                pointer(NAME, i),
                "duplicate-span",
                f"span {sp[0]}-{sp[1]} {m['label']} is also /{NAME}/{seen[key]}",
                "predict each entity once",
            )
        else:
            seen[key] = i
            out.append(key)
    return out


def _ner_from_record(
    ck: PredictionContext, value: dict[str, Any], items: list[Any], labels: str
) -> list[Any]:
    sp = ck.span(value)
    if sp is None:
        return []
    label = str(value["label"])
    if labels == "ontonotes" and label in ("PER", "MISC"):
        ck.add(
            pointer("label"),
            "label-set-mismatch",
            f'"{label}" is a CoNLL-2003 type but OntoNotes types are scored',
            "give an OntoNotes type or score with --labels conll",
        )
        return []
    return [(sp[0], sp[1], label)]


@dataclass(frozen=True)
class NerUnit:
    """One scored unit: a document (characters) or a sentence (tokens) with its gold and
    predicted spans; ``offsets`` are the token offsets of a sentence."""

    doc: Document
    true: list[Ent]
    pred: list[Ent]
    sentence_id: str | None = None
    offsets: tuple[Spn, ...] = ()

    def chars(self, e: Ent) -> Spn:
        """The character span of ``e`` in the document."""
        if not self.offsets:
            return (e[0], e[1])
        return (self.offsets[e[0]][0], self.offsets[e[1] - 1][1])


def _each_ner_unit(run: Run, stray: list[int]) -> Iterator[NerUnit]:
    """The units of ``run`` one at a time (``stray[0]`` counts the IOB2 tags outside
    chunks): a unit per tagged sentence for IOB2 rows (a sentence with no row is all O),
    else per document."""
    for doc, items in run.pairs:
        if not run.iob2:
            mapped = [(s, e, _map_pred_label(t, run.labels)) for s, e, t in items]
            pred = sorted({(s, e, t) for s, e, t in mapped if t is not None})
            yield NerUnit(doc, _gold_ner(doc, run.labels), pred)
            continue
        for sid, tagged, tags in items:
            true, _ = decode_iob2_strict(tagged.tags)
            found, n = decode_iob2_strict(tags if tags is not None else ["O"] * len(tagged.tokens))
            stray[0] += n
            yield NerUnit(doc, true, found, sid, tagged.offsets)


def _ner_unit_kind(run: Run) -> str:
    return "sentence-token" if run.iob2 else "document-character"


def _ner_records(run: Run) -> list[ErrorRecord]:
    """One record per outcome of the SemEval strict view (the scorer's matching): a
    prediction with the gold span it is matched to, or a missed gold span."""
    out = []
    for u in _each_ner_unit(run, [0]):
        ids = {(m.start, m.end): m.id for m in u.doc.layer(NAME) if m.mention_type == "NAM"}
        text = u.doc.text
        for outcome, i, j in semeval_matches(u.true, u.pred)["strict"]:
            g = None if i is None else u.true[i]
            p = None if j is None else u.pred[j]
            category = outcome
            if g is not None and p is not None and outcome == "incorrect" and g[:2] != p[:2]:
                category = "partial"
            gold = None if g is None else side(text, [u.chars(g)], g[2], ident=ids.get(u.chars(g)))
            pred = None if p is None else side(text, [u.chars(p)], p[2], index=j)
            checks = {"semeval_strict": outcome}
            out.append(ErrorRecord(u.doc.id, "entity", category, gold, pred, checks, u.sentence_id))
    return out


_NER_CATEGORIES = {
    "correct": "same span, same type",
    "incorrect": "same span, another type",
    "partial": "overlapping span (other boundaries), either type",
    "missed": "a gold name no prediction overlaps (or all that do are matched)",
    "spurious": "a predicted name that overlaps no free gold name",
}

_NER_ERRORS_DOC = """\
Errors of ``--layer ner``: one record per outcome of the SemEval strict view, the
matching that gives the ``semeval.strict`` counts: each prediction with the gold
span it is matched to (correct, or incorrect when it is matched by overlap) and
each gold span no prediction is matched to (missed); a prediction matched to none
is spurious. An incorrect match whose boundaries differ from the gold span's is
reported as partial (the SemEval-2013 / nervaluate category of an overlapping
span); ``checks.semeval_strict`` keeps the strict outcome, so incorrect + partial
records equal the strict incorrect count. IOB2 predictions give token spans,
written as the characters of their tokens, with the sentence id.
"""


def _ner_tally(records: Sequence[ErrorRecord]) -> dict[str, int]:
    return count_by(records, lambda r: r.checks["semeval_strict"])


def _ner_expected(s: Mapping[str, Any]) -> dict[str, int]:
    strict = s["semeval"]["strict"]
    names = ("correct", "incorrect", "missed", "spurious")
    return {k: strict[k] for k in names if strict[k]}


def _score_ner(run: Run) -> dict[str, Any]:
    """The scores, keeping of each unit its gold and predicted names (not its document)."""
    stray = [0]
    scores = score_ner_units((u.true, u.pred) for u in _each_ner_unit(run, stray))
    return {
        "labels": run.labels,
        "unit": _ner_unit_kind(run),
        "iob2_tags_outside_chunks": stray[0],
        **scores,
    }


def _ner_table_rows(s: Mapping[str, Any]) -> list[Row]:
    rows = [Row("entity-level micro (seqeval strict)", s["micro"])]
    rows += [Row(f"SemEval {v}", s["semeval"][v]) for v in SEMEVAL_VIEWS]
    rows += [Row("per type (entity-level micro)", heading=True), Row(HEADER, heading=True)]
    return rows + [Row(t, v["micro"]) for t, v in s["per_type"].items()]


def _ner_notes(s: Mapping[str, Any]) -> tuple[str, list[str]]:
    foot = []
    if s["iob2_tags_outside_chunks"]:
        foot.append(
            f"{s['iob2_tags_outside_chunks']} I- tag(s) outside any chunk "
            "were read as O (seqeval strict)"
        )
    return f"; labels {s['labels']}; units {s['unit']}", foot


_EVALUATION_DOC = """\
NER (``--layer ner``). Gold: the NAM mentions; with ``--labels conll`` their
types mapped by :data:`newsgold.tokens.CONLL_MAPPING` (types mapped to nothing
are dropped). Predicted: mentions whose ``mention_type`` is NAM or not given,
``ner`` layer records, or IOB2 rows. ``micro`` is entity-level micro P/R/F1 over
(unit, start, end, type) sets, which equals ``seqeval`` in strict IOB2 mode;
IOB2 tags are decoded like seqeval's strict mode (a chunk is a B-T and the I-T
that follow it; any other I- tag is no entity and is counted in
``iob2_tags_outside_chunks``). ``semeval`` gives the SemEval-2013 Task 9.1
views as ``nervaluate`` computes them: strict (boundaries and type), exact
(boundaries), partial (boundaries, half credit for an overlap) and type (type,
any overlap), with correct/incorrect/partial/missed/spurious counts; ``per_type``
scores each type on the spans of that type alone. The overall SemEval counts are
therefore not the sums of the per-type counts: overall, a prediction is matched
to a gold span it overlaps whatever the types, and a gold span is matched once;
per type, spans of other types are not seen. Against gold 102-115 PERSON, the
predictions 99-110 ORG and 102-115 PERSON count overall (strict) 1 incorrect and
1 spurious, 0 correct, but per type PERSON 1 correct and ORG 1 spurious; so does
``nervaluate``. Overlap means at least 1% of the gold span (nervaluate's
default). Units are documents and characters for span predictions, sentences and
tokens for IOB2 rows.
"""


NER = Evaluation(
    name="ner",
    needs=(NAME,),
    from_document=_ner_from_document,
    from_record=_ner_from_record,
    score=_score_ner,
    rows=_ner_table_rows,
    notes=_ner_notes,
    iob2=Iob2(_tag_names, _gold_sentences),
    description=_EVALUATION_DOC,
    duplicate_code="duplicate-span",
    describe=lambda key: f"span {key[0]}-{key[1]} {key[2]}",
    errors=Errors(_ner_records, _NER_CATEGORIES, _ner_tally, _ner_expected, _NER_ERRORS_DOC),
)

EVALUATIONS: tuple[Any, ...] = (NER,)


# ---------------------------------------------------------------- agreement
# How ``newsgold agreement`` compares two annotations of this layer.


def _norm_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def _same_referent_single(ea: Entity, eb: Entity) -> bool:
    if ea.wikipedia and eb.wikipedia:
        return norm_title(ea.wikipedia) == norm_title(eb.wikipedia)
    return _norm_name(ea.name) == _norm_name(eb.name)


def same_referent(ea: Entity, eb: Entity, a: Document, b: Document) -> bool:
    """Whether entity ``ea`` of A and ``eb`` of B are the same referent (see the docs below)."""
    if ea.members and eb.members:
        ma = [a.record(ENTITIES, x) for x in ea.members]
        mb = [b.record(ENTITIES, x) for x in eb.members]
        pairs = greedy_pairs(
            ((0,), i, j)
            for i, x in enumerate(ma)
            for j, y in enumerate(mb)
            if _same_referent_single(x, y)
        )
        return len(ma) == len(mb) == len(pairs)
    return _same_referent_single(ea, eb)


def _span(m: Mention) -> Range:
    return (m.start, m.end)


@dataclass(frozen=True)
class MentionAgreement:
    nam_strict: PRF
    nam_exact_span: PRF
    nam_strict_by_type: Mapping[str, PRF]
    nam_exact_span_by_type: Mapping[str, PRF]
    nom: PRF
    pro: PRF
    entity_linking: Agreement
    coreference: CorefScores
    coreference_without_singletons: CorefScores

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


def _entity_clusters(doc: Document) -> list[Cluster]:
    clusters: dict[str, set[Hashable]] = {}
    for m in doc.layer(NAME):
        clusters.setdefault(m.entity_id, set()).add(_span(m))
    return [frozenset(clusters[k]) for k in sorted(clusters)]


def _by_label(nam_a: list[Mention], nam_b: list[Mention]) -> tuple[dict[str, PRF], ...]:
    """NAM mentions by label: strict, and exact span over the spans either side gave it."""
    labels = sorted({m.label for m in nam_a} | {m.label for m in nam_b})
    strict_by_type: dict[str, PRF] = {}
    span_by_type: dict[str, PRF] = {}
    for label in labels:
        strict_by_type[label] = counter_prf(
            Counter(_span(m) for m in nam_a if m.label == label),
            Counter(_span(m) for m in nam_b if m.label == label),
        )
        spans = {_span(m) for m in (*nam_a, *nam_b) if m.label == label}
        span_by_type[label] = counter_prf(
            Counter(_span(m) for m in nam_a if _span(m) in spans),
            Counter(_span(m) for m in nam_b if _span(m) in spans),
        )
    return strict_by_type, span_by_type


def _linking(a: Document, b: Document) -> Agreement:
    spans_b = {_span(m): m for m in b.layer(NAME)}
    linking = []
    for ma in sorted(a.layer(NAME), key=lambda m: (m.start, m.end, m.id)):
        mb = spans_b.get(_span(ma))
        if mb is not None:
            linking.append(
                same_referent(
                    a.record(ENTITIES, ma.entity_id), b.record(ENTITIES, mb.entity_id), a, b
                )
            )
    return Agreement(len(linking), sum(linking))


def mention_agreement(a: Document, b: Document) -> MentionAgreement:
    """Agreement on the mention and entity layers (see the docs below)."""
    nam_a = [m for m in a.layer(NAME) if m.mention_type == "NAM"]
    nam_b = [m for m in b.layer(NAME) if m.mention_type == "NAM"]
    strict_by_type, span_by_type = _by_label(nam_a, nam_b)

    def by_type(kind: str, doc: Document) -> Counter[Range]:
        return Counter(_span(m) for m in doc.layer(NAME) if m.mention_type == kind)

    coref, coref_ns = coref_pair(_entity_clusters(a), _entity_clusters(b))
    return MentionAgreement(
        nam_strict=counter_prf(
            Counter((m.start, m.end, m.label) for m in nam_a),
            Counter((m.start, m.end, m.label) for m in nam_b),
        ),
        nam_exact_span=counter_prf(Counter(map(_span, nam_a)), Counter(map(_span, nam_b))),
        nam_strict_by_type=strict_by_type,
        nam_exact_span_by_type=span_by_type,
        nom=counter_prf(by_type("NOM", a), by_type("NOM", b)),
        pro=counter_prf(by_type("PRO", a), by_type("PRO", b)),
        entity_linking=_linking(a, b),
        coreference=coref,
        coreference_without_singletons=coref_ns,
    )


_AGREEMENT_DOCS = """\
- NAM mentions, strict: a mention matches when span and label are equal.
  Exact span: span alone. Micro figures over all NAM mentions. By type,
  strict: the mentions of that label on each side. By type, exact span: the
  NAM spans that either annotator labelled with the type, compared by span.
- NOM and PRO mentions: exact span, each mention type on its own.
- Entity linking, on the mentions whose span both sides have (any mention
  type): the two files have their own entity ids, so the linked entities are
  compared by Wikipedia title when both have one (underscores read as spaces,
  case-folded), else by canonical name (NFKC, case-folded, every run of
  punctuation and space read as one space). Two group entities (with members)
  agree when their members agree one for one by the same rule.
- Coreference over all mentions (NAM, NOM and PRO) keyed by span; an entity is
  the cluster of the mentions linked to it; a group entity is one more
  cluster (its members do not change it).
"""

AGREEMENT = AgreementPart(
    requires=(NAME, ENTITIES),
    compare=mention_agreement,
    docs=_AGREEMENT_DOCS,
    labels={
        "nam_strict": "NAM mentions, strict (span + label)",
        "nam_exact_span": "NAM mentions, exact span",
        "nam_strict_by_type": "NAM mentions by type, strict",
        "nam_exact_span_by_type": "NAM mentions by type, exact span",
        "nom": "NOM mentions, exact span",
        "pro": "PRO mentions, exact span",
        "entity_linking": "Entity linking (exact-span-matched mentions)",
    },
    clusters=ENTITIES,
)


# ---------------------------------------------------------------- brat
# This layer's part in the brat standoff export and import: a ``T`` span per
# mention, typed by its OntoNotes label, with a ``MentionType`` attribute. An
# entity is represented by its *first mention* (lowest start, then end): a
# ``Coref`` relation links every other mention to it, and the entity's note sits
# on it (see the entities layer).


def _brat_conf() -> BratConf:
    inv = inventory()
    labels = "|".join(inv.entity_types)
    return BratConf(
        about=("Mentions are typed by their OntoNotes label.",),
        span_types=tuple(BratType(t, (t,), f"bgColor:{_colour(t)}") for t in inv.entity_types),
        relation_types=(
            BratRelation(
                "Coref",
                labels,
                labels,
                "a mention refers to the entity of the first mention",
                "color:#888888, dashArray:3-3",
            ),
        ),
        attributes=(f"MentionType\tArg:{labels}, Value:{'|'.join(inv.mention_types)}",),
    )


def _colour(label: str) -> str:

    return ENTITY_COLOURS[label]


def _brat_write(w: BratWriting) -> None:
    records: tuple[Mention, ...] = w.doc.layer(NAME)
    for m in records:
        w.span(m.label, (m,), m.id)
    order = {m.id: i for i, m in enumerate(records)}
    chains: dict[str, list[Mention]] = defaultdict(list)
    for m in records:
        chains[m.entity_id].append(m)
    for eid, chain in chains.items():
        first = min(chain, key=lambda x: (x.start, x.end, order[x.id]))
        w.brat[eid] = w.brat[first.id]
    for m in records:
        if w.brat[m.entity_id] != w.brat[m.id]:
            w.relation("Coref", w.brat[m.id], w.brat[m.entity_id])
    for m in records:
        w.add("A", f"MentionType {w.brat[m.id]} {m.mention_type}")


def _brat_entities(r: BratReading, mention_t: list[str]) -> dict[str, str | None]:
    """The entity each mention reaches: its own note, or a ``Coref`` to a first mention.

    A mention added in brat (:meth:`BratReading.is_new`) with neither starts an entity of
    its own, and its ``Coref`` may lead through other mentions to its entity."""
    for bid in mention_t:
        note = r.note(bid)
        if "entity" in note:
            r.anchors[bid] = str(note["entity"])
    for bid in mention_t:
        if r.is_new(bid) and bid not in r.anchors and not r.targets("Coref", bid):
            r.anchors[bid] = r.canonical(f"{bid}/entity", "e")
    entity_of: dict[str, str | None] = {}
    for bid in mention_t:
        h: str | None = bid
        seen: set[str] = set()
        while (
            h is not None and h not in r.anchors and h not in seen and (r.is_new(bid) or h == bid)
        ):
            seen.add(h)
            h = r.one("Coref", h)
        if h is None or h not in r.anchors:
            r.fail(
                r.ann.t[bid].line,
                f"mention {bid} reaches no entity: add a Coref relation to the first "
                "mention of its entity, or an entity note",
            )
            entity_of[bid] = None
        else:
            entity_of[bid] = r.anchors[h]
    for bid in mention_t:
        if bid not in r.anchors and bid in r.ann.notes:
            r.fail(
                r.ann.notes[bid][1],
                f"the note on {bid} is read by no layer: an entity's note goes on the first "
                "mention of the entity, the one the Coref relations lead to",
            )
    return entity_of


def _brat_read(r: BratReading) -> list[dict[str, Any]]:
    labels = set(inventory().entity_types)
    mention_t = [bid for bid, t in r.ann.t.items() if t.type in labels]
    entity_of = _brat_entities(r, mention_t)
    r.resolver(ENTITIES, lambda bid: None if bid is None else entity_of.get(bid))
    r.resolver(
        NAME, lambda bid: None if bid is None or bid not in entity_of else r.canonical(bid, "m")
    )
    mentions = []
    for bid in mention_t:
        t = r.ann.t[bid]
        if len(t.fragments) != 1:
            r.fail(
                t.line,
                f"mention {bid} has {len(t.fragments)} fragments; a mention is one continuous span",
            )
            continue
        ((start, end),) = t.fragments
        mentions.append(
            {
                "id": r.canonical(bid, "m"),
                "start": start,
                "end": end,
                "text": r.text[start:end],
                "label": t.type,
                "mention_type": r.attr("MentionType", bid, t.line),
                "entity_id": entity_of[bid],
            }
        )
    return mentions


BRAT = BratPart(read=_brat_read, conf=_brat_conf, write=_brat_write)


# ---------------------------------------------------------------- DocBin
# This layer's part in the spaCy DocBin export and import.


def _docbin_spans(document: Document, nam_only: bool = False) -> list[DocbinSpan]:
    """Every mention in the ``mentions`` group (label the type, ``kb_id_`` the entity,
    ``id_`` the mention); ``nam_only``: the NAM mentions, for ``doc.ents``."""
    return [
        DocbinSpan(NAME, m.id, m.start, m.end, m.label, m.entity_id, pointer(NAME, i))
        for i, m in enumerate(document.layer(NAME))
        if not nam_only or m.mention_type == "NAM"
    ]


def _docbin_read(source: DocbinSource) -> list[dict[str, Any]]:
    out = []
    for rec in source.data[NAME]:
        for s in source.spans(NAME, rec["id"])[:1]:
            out.append(
                {
                    "id": rec["id"],
                    **source.span(s),
                    "label": s["label"],
                    "mention_type": rec["mention_type"],
                    "entity_id": s["kb_id"],
                }
            )
    return out


DOCBIN = DocbinPart(
    groups=(NAME,),
    store=lambda document: [
        {"id": m.id, "mention_type": m.mention_type} for m in document.layer(NAME)
    ],
    read=_docbin_read,
    spans=_docbin_spans,
    ents=lambda document: _docbin_spans(document, nam_only=True),
)


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.


def _depths(mentions: tuple[Mention, ...]) -> dict[str, int]:
    """Nesting depth of each mention: 0 when no other mention lies inside it."""
    spans = sorted(mentions, key=lambda m: (m.end - m.start, m.start))
    depth: dict[str, int] = {}
    for m in spans:
        inner = [
            depth[o.id]
            for o in spans
            if o.id in depth and m.start <= o.start and o.end <= m.end and o.id != m.id
        ]
        depth[m.id] = 1 + max(inner) if inner else 0
    return depth


def _html_marks(document: Document, kit: HtmlKit) -> list[Mark]:
    """Underlined in the colour of their type, stacked when nested; NAM mentions shaded and
    labelled with the type, NOM and PRO mentions labelled with the name of their entity."""
    entities = {e.id: e for e in document.layer(ENTITIES)}
    mentions: tuple[Mention, ...] = document.layer(NAME)
    depth = _depths(mentions)
    out = []
    for m in mentions:
        label = (
            m.label
            if m.mention_type == "NAM"
            else (entities[m.entity_id].name if m.entity_id in entities else m.entity_id)
        )
        style = f"--c:{kit.colour(m.label)};--d:{depth[m.id] * 4 + 1}px"
        css = f"a m m-{m.mention_type.lower()}"
        out.append(Mark(2, m.start, m.end, m.id, css, style=style, label=label))
    return out


def _html_legend(documents: Sequence[Document], kit: HtmlKit) -> str:
    types = [
        t
        for t in inventory().entity_types
        if any(m.label == t for d in documents for m in d.layer(NAME))
    ]
    chips = " ".join(kit.type_chip(t) for t in types)
    return f"{NAME}: {chips or kit.none()} &nbsp;"


HTML = HtmlPart(
    records=lambda document: [
        PageRecord(m.id, "mention", m.to_dict(), [m.entity_id]) for m in document.layer(NAME)
    ],
    marks=_html_marks,
    legend=_html_legend,
    toggle="m",
    counted=NAME,
)


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.


def _conll_not_carried(
    document: Document, labels: tuple[str, ...], files: Mapping[str, str]
) -> list[tuple[str, str]]:
    """NOM and PRO mentions; under CoNLL-2003 the NAM mentions of the types it tags O."""
    from newsgold.tokens import CONLL_MAPPING

    out = []
    for i, m in enumerate(document.layer(NAME)):
        if m.mention_type != "NAM":
            reason = f"{m.mention_type} mention (IOB2 tags NAM mentions only)"
            out.append((pointer(NAME, i), reason))
        elif "conll" in labels and CONLL_MAPPING[m.label] is None:
            out.append((pointer(NAME, i), f"{m.label} mention ({files['conll']} tags it O)"))
    return out


CONLL = ConllPart(
    not_carried=_conll_not_carried,
    tags=_conll_tags,
)
CONLL2012 = Conll2012Part(
    not_carried=lambda document: (
        [(pointer(NAME), "mention ids, labels and types (spans are in the coreference column)")]
        if document.layer(NAME)
        else []
    )
)


LAYER = Layer(
    name=NAME,
    record=Mention,
    ids=(IdKind(NAME, "m"),),
    depends_on=(ENTITIES,),
    check=check,
    configs=(
        Config(NAME, "mention", (NAME, ENTITIES), _columns, _rows),
        Config(
            "ner",
            "sentence, OntoNotes IOB2 tags",
            (SENTENCES, NAME),
            _ner_columns,
            _ner_rows,
            _tags_an_entity,
        ),
        Config(
            "ner_conll",
            "sentence, CoNLL-2003 IOB2 tags",
            (SENTENCES, NAME),
            _conll_columns,
            _conll_rows,
            _tags_an_entity,
        ),
    ),
    summary=_summary,
    evaluations=EVALUATIONS,
    agreement=AGREEMENT,
    formats={
        "brat": BRAT,
        "docbin": DOCBIN,
        "html": HTML,
        "conll": CONLL,
        "conll2012": CONLL2012,
    },
    description="Spans that refer to an entity (NAM, NOM, PRO).",
    labels=("entity_type", "mention_type"),
)
