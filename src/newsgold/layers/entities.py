"""The entities layer: the referents of mentions, with Wikipedia links and groups."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsgold.columns import d
from newsgold.issues import pointer
from newsgold.labels import inventory
from newsgold.layers.agreement_part import coref_pair
from newsgold.layers.base import Config, Context, IdKind, Layer, as_str, counts, dicts
from newsgold.layers.evaluation import (
    ErrorRecord,
    Errors,
    Evaluation,
    PredictionContext,
    Run,
    Spn,
    side,
)
from newsgold.layers.formats import (
    Conll2012Part,
    ConllPart,
    DocbinPart,
    HtmlKit,
    HtmlPart,
    PageRecord,
    each_record,
)
from newsgold.layers.parts import (
    BratConf,
    BratNormalization,
    BratPart,
    BratReading,
    BratRelation,
    BratWriting,
)
from newsgold.records import make
from newsgold.scoring import (
    COREFERENCE,
    Agreement,
    Cluster,
    CorefScores,
    Counted,
    Row,
    ceaf_e_pairs,
    prf_header,
    summed,
)

if TYPE_CHECKING:
    from newsgold.layers.base import Column, Lookup
    from newsgold.layers.base import DocumentView as Document

NAME = "entities"
MENTIONS = "mentions"


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str
    wikipedia: str | None
    members: tuple[str, ...]
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "wikipedia": self.wikipedia,
            "members": list(self.members),
            "description": self.description,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        return make(
            cls,
            id=d["id"],
            name=d["name"],
            type=d["type"],
            wikipedia=d["wikipedia"],
            members=tuple(d["members"]),
            description=d["description"],
        )


NOT_PARTICIPANTS = frozenset(
    ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")
)
"""Entity types that cannot speak, hold a stance or act: dates, times and numbers."""


def participant(ck: Context, entity_id: Any, role: str, *path: str | int) -> None:
    """A speaker, stance holder, actor or recipient is an entity that can be one."""
    entity = ck.record(NAME, entity_id) or {}
    etype = entity.get("type")
    if isinstance(etype, str) and etype in NOT_PARTICIPANTS:
        ck.add(
            pointer(*path),
            "participant-type",
            f'{role} "{entity_id}" is a {etype} entity',
            f"a {role} is a person, organisation, GPE or group: link the entity that acts",
        )


def norm_title(title: str) -> str:
    """A Wikipedia title as titles are compared (agreement, ``evaluate --layer linking``):
    NFKC, underscores read as spaces, runs of spaces as one, case-folded."""
    return " ".join(unicodedata.normalize("NFKC", title).replace("_", " ").split()).casefold()


_URL = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _title_form(title: str) -> str | None:
    """What is wrong with the form of a Wikipedia title (None when nothing is)."""
    if _URL.match(title):
        return "is an address, not a title"
    if "_" in title:
        return "has underscores, where a title has spaces"
    if title != title.strip() or "  " in title:
        return "has spaces at its edges or two in a row"
    if title[:1].islower():
        return "starts with a lower-case letter, where a title starts with a capital"
    return None


def _titles(ck: Context) -> None:
    seen: dict[str, int] = {}
    for i, e in ck.items(NAME):
        title = as_str(e.get("wikipedia"))
        if title is None:
            continue
        where = pointer(NAME, i, "wikipedia")
        wrong = _title_form(title)
        if wrong is not None:
            hint = 'write the title as the article shows it ("Sergey Lavrov")'
            ck.add(where, "wikipedia-title-form", f'"{title}" {wrong}', hint)
        elif title in seen:
            ck.add(
                where,
                "wikipedia-title-duplicate",
                f'"{title}" is also the title of /{NAME}/{seen[title]}',
                "one referent is one entity: merge the two, or correct a title",
            )
        else:
            seen[title] = i


def _members(ck: Context) -> None:
    for i, e in ck.items(NAME):
        members = e.get("members")
        if not isinstance(members, list):
            continue
        for j, member in enumerate(members):
            if not ck.ref(NAME, member, NAME, i, "members", j):
                continue
            member_rec = ck.record(NAME, member) or {}
            if member == e.get("id") or (
                isinstance(member_rec.get("members"), list) and member_rec["members"]
            ):
                ck.add(
                    pointer(NAME, i, "members", j),
                    "group-member-invalid",
                    f'"{member}" is the group itself or another group',
                    "list the individual member entities",
                )


def check(ck: Context) -> None:
    """Group members are individual entities; titles are well formed and name one entity
    each; every entity has a mention."""
    _members(ck)
    _titles(ck)
    if MENTIONS not in ck.listed or NAME not in ck.listed:
        return
    referenced = {as_str(m.get("entity_id")) for _, m in ck.items(MENTIONS)}
    for i, e in ck.items(NAME):
        if isinstance(e.get("id"), str) and e["id"] not in referenced:
            ck.add(
                pointer(NAME, i),
                "entity-without-mention",
                f'no mention refers to entity "{e["id"]}"',
                "link a mention to it or remove it",
            )


# ---------------------------------------------------------------- Hugging Face configs


def _columns() -> list[Column]:
    chain = {
        "id": "string",
        "start": "int32",
        "end": "int32",
        "text": "string",
        "mention_type": "string",
        "sentence_index": "int32",
    }
    return [
        ("doc_id", "string", d("document.id")),
        ("entity_id", "string", d("entity.id")),
        ("name", "string", d("entity.name")),
        ("type", ("label", "entity_type"), d("entity.type")),
        ("wikipedia", "string", d("entity.wikipedia")),
        ("description", "string", d("entity.description")),
        ("members", ("list", "string"), d("entity.members")),
        (
            MENTIONS,
            ("list", chain),
            "The coreference chain: every mention of the entity, in text order.",
        ),
    ]


def _chains(doc: Document) -> dict[str, list[dict[str, Any]]]:
    """Each entity's coreference chain: its mentions in text order, read in one pass."""
    chains: dict[str, list[dict[str, Any]]] = {}
    for m in doc.layer(MENTIONS):
        chains.setdefault(m.entity_id, []).append(
            {
                "id": m.id,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "mention_type": m.mention_type,
                "sentence_index": doc.sentence_index(m.start),
            }
        )
    return chains


def _rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    chains = _chains(doc)
    return [
        {
            "doc_id": doc.id,
            "entity_id": e.id,
            "name": e.name,
            "type": e.type,
            "wikipedia": e.wikipedia,
            "description": e.description,
            "members": list(e.members),
            MENTIONS: chains.get(e.id, []),
        }
        for e in doc.layer(NAME)
    ]


# ---------------------------------------------------------------- evaluation
# The views ``newsgold evaluate --layer`` scores: prediction normaliser and scorer.


@dataclass(frozen=True)
class PMention:
    """A predicted mention: its span, its entity (the spans of all the entity's mentions)
    and the entity's Wikipedia title (``None``: NIL).

    A mention is its span: equality and hash ignore the entity, so one span given
    for two entities (two records, or a record and a prediction document) is one
    mention predicted twice.
    """

    span: Spn
    entity: frozenset[Spn] = field(compare=False)
    title: str | None = field(compare=False, default=None)


def _entity_keys(ck: PredictionContext, value: dict[str, Any], report: bool) -> dict[Spn, Any]:
    """Each predicted mention span and the entity id it links to (``("#", i)``: none).

    Mentions with one span are one mention; two different entity ids for one span
    is a problem (reported when ``report``).
    """
    owner: dict[Spn, tuple[Any, int]] = {}
    for i, m in dicts(value.get(MENTIONS)):
        sp = ck.span(m, MENTIONS, i)
        eid = m.get("entity_id")
        if sp is None or (eid is not None and not ck.ref(NAME, eid, MENTIONS, i, "entity_id")):
            continue
        first = owner.get(sp)
        if first is None or (first[0] is None and eid is not None):
            owner[sp] = (eid, i)
        elif eid is not None and first[0] != eid and report:
            ck.add(
                pointer(MENTIONS, i, "entity_id"),
                "duplicate-mention",
                f'span {sp[0]}-{sp[1]} links to "{eid}" but /{MENTIONS}/{first[1]} '
                f'with the same span links to "{first[0]}"',
                "a mention refers to one entity: link the span once",
            )
    return {sp: eid if eid is not None else ("#", i) for sp, (eid, i) in owner.items()}


def _mentions_from_document(
    ck: PredictionContext, value: dict[str, Any], report: bool
) -> list[Any]:
    """The predicted mentions of a prediction document, made once for both views of the
    layer (the first, coreference, reports what is wrong; linking reads the same list)."""
    made: list[Any] | None = ck.shared.get(NAME)
    if made is not None:
        return made
    keys = _entity_keys(ck, value, report)
    if not ck.builds(*_VIEWS):  # checked all the same, and no later view reads them
        ck.shared[NAME] = []
        return []
    spans: dict[Any, set[Spn]] = {}
    for sp, key in keys.items():
        spans.setdefault(key, set()).add(sp)
    frozen = {key: frozenset(found) for key, found in spans.items()}
    titles = {e.get("id"): e.get("wikipedia") for _, e in dicts(value.get(NAME))}
    made = [  # as PMention(...) makes them, in fewer steps (newsgold.records.make)
        make(
            PMention,
            span=sp,
            entity=frozen[key],
            title=titles.get(key) if isinstance(key, str) else None,
        )
        for sp, key in sorted(keys.items())
    ]
    if report:
        ck.shared[NAME] = made
    return made


def _mentions_from_record(
    ck: PredictionContext, value: dict[str, Any], items: list[Any], labels: str
) -> list[Any]:
    found = ck.checked_spans(value["mentions"], "mentions")
    if found is None:
        return []
    seen: dict[Spn, int] = {}
    for k, sp in enumerate(found):
        if sp in seen:
            ck.add(
                pointer("mentions", k),
                "duplicate-mention",
                f"span {sp[0]}-{sp[1]} is also /mentions/{seen[sp]}",
                "give each mention of the entity once",
            )
            return []
        seen[sp] = k
    entity = frozenset(seen)
    title = value.get("wikipedia")
    return [make(PMention, span=sp, entity=entity, title=title) for sp in sorted(entity)]


def _gold_entities(doc: Document) -> tuple[list[str], list[frozenset[Spn]]]:
    """The gold entities that have mentions, in entity order, and their clusters of spans."""
    spans: dict[str, list[Spn]] = {}
    for m in doc.layer(MENTIONS):
        spans.setdefault(m.entity_id, []).append((m.start, m.end))
    ids = [e.id for e in doc.layer(NAME) if e.id in spans]
    return ids, [frozenset(spans[i]) for i in ids]


def _pred_entities(pred: list[Any]) -> list[tuple[frozenset[Spn], str | None]]:
    """The predicted entities (cluster, title) in text order of their first mention."""
    out = {m.entity: m.title for m in pred}
    return sorted(out.items(), key=lambda kv: sorted(kv[0]))


def _score_coref(run: Run) -> dict[str, Any]:
    """Scores per document, pooled as the reference scorer pools them (added up as the
    documents come)."""
    pooled, pooled_plural = summed([]), summed([])
    found = [0, 0, 0]
    for doc, pred in run.pairs:
        gold: list[Cluster] = list(_gold_entities(doc)[1])
        every, plural = coref_pair(gold, [c for c, _ in _pred_entities(pred)])
        pooled, pooled_plural = summed([pooled, every]), summed([pooled_plural, plural])
        gold_spans = {sp for c in gold for sp in c}
        pred_spans = {m.span for m in pred}
        found = [
            found[0] + len(gold_spans & pred_spans),
            found[1] + len(pred_spans),
            found[2] + len(gold_spans),
        ]
    return {
        "mentions": Counted.of(*found),
        "coreference": pooled,
        "coreference_without_singletons": pooled_plural,
    }


def _coref_block(label: str, c: CorefScores) -> list[Row]:
    return [
        Row(label, heading=True),
        Row("  MUC", c.muc),
        Row("  B-cubed", c.b_cubed),
        Row("  CEAF-e", c.ceaf_e),
        Row("  CoNLL F1 (mean of the three F1)", c.conll_f1),
    ]


def _coref_rows(s: Mapping[str, Any]) -> list[Row]:
    return [
        Row("mentions (exact span)", s["mentions"]),
        Row(prf_header(34, "A gold: R num/den  B predicted: P num/den"), heading=True),
        *_coref_block("all entities (singletons kept)", s["coreference"]),
        *_coref_block("entities of two or more mentions", s["coreference_without_singletons"]),
    ]


def _coref_notes(s: Mapping[str, Any]) -> tuple[str, list[str]]:
    c = s["coreference"]
    return "", [
        f"clusters: gold {c['a_clusters']}, predicted {c['b_clusters']}; "
        f"mentions: gold {c['a_mentions']}, predicted {c['b_mentions']}"
    ]


def _title_key(title: str | None) -> str | None:
    """A title as titles are compared (:func:`norm_title`); NIL (None) stays None, so it
    equals NIL only."""
    return None if title is None else norm_title(title)


def _same_title(a: str | None, b: str | None) -> bool:
    """Two titles name one article; NIL equals NIL only."""
    return _title_key(a) == _title_key(b)


@dataclass(frozen=True)
class Accuracy(Agreement):
    """An accuracy of evaluate: 0.0 over no pair (the rule of ``newsgold evaluate``)."""

    @property
    def observed(self) -> float:
        return 0.0 if self.n == 0 else self.agreed / self.n


@dataclass
class _LinkTally:
    entities: list[int] = field(default_factory=lambda: [0, 0])
    mentions: list[int] = field(default_factory=lambda: [0, 0])
    pairs: list[int] = field(default_factory=lambda: [0, 0, 0])
    titles: list[int] = field(default_factory=lambda: [0, 0, 0])

    @staticmethod
    def count(slot: list[int], gold: set[Any], pred: set[Any]) -> None:
        slot[0] += len(gold & pred)
        slot[1] += len(pred)
        slot[2] += len(gold)


def _link_document(t: _LinkTally, doc: Document, pred: list[Any]) -> None:
    ids, clusters = _gold_entities(doc)
    title_of = {e.id: e.wikipedia for e in doc.layer(NAME)}
    gold_titles = [title_of[i] for i in ids]
    predicted = _pred_entities(pred)
    keys: dict[str | None, str | None] = {}  # a document names few articles, each many times

    def norm(title: str | None) -> str | None:
        """:func:`_title_key`, once per title of the document."""
        if title not in keys:
            keys[title] = _title_key(title)
        return keys[title]

    for i, j in ceaf_e_pairs(clusters, [c for c, _ in predicted]):
        t.entities[0] += 1
        t.entities[1] += norm(gold_titles[i]) == norm(predicted[j][1])
    gold_span = {sp: norm(gold_titles[i]) for i, c in enumerate(clusters) for sp in c}
    for m in pred:
        if m.span in gold_span:
            t.mentions[0] += 1
            t.mentions[1] += gold_span[m.span] == norm(m.title)
    t.count(
        t.pairs,
        {(sp, x) for sp, x in gold_span.items() if x is not None},
        {(m.span, norm(m.title)) for m in pred if m.title is not None},
    )
    t.count(
        t.titles,
        {norm(x) for x in gold_titles if x is not None},
        {norm(x) for _, x in predicted if x is not None},
    )


def _score_linking(run: Run) -> dict[str, Any]:
    t = _LinkTally()
    for doc, pred in run.pairs:
        _link_document(t, doc, pred)
    return {
        "entity_accuracy": Accuracy(*t.entities),
        "mention_accuracy": Accuracy(*t.mentions),
        "mention_title_pairs": Counted.of(*t.pairs),
        "document_titles": Counted.of(*t.titles),
    }


def _linking_rows(s: Mapping[str, Any]) -> list[Row]:
    return [
        Row("title accuracy, entities (CEAF-e)", s["entity_accuracy"]),
        Row("title accuracy, mentions (span)", s["mention_accuracy"]),
        Row("(mention span, title) pairs", s["mention_title_pairs"]),
        Row("titles per document", s["document_titles"]),
    ]


_COREF_DOC = """Coreference (``--layer coref``). Gold: every mention (NAM, NOM and PRO) of the
documents that annotate mentions and entities; an entity is the cluster of the
spans of its mentions (a group entity is a cluster of its own mentions; its
members do not change it). Predicted: the mentions of a prediction document
(several mentions with one span are one mention), each in the cluster of its
``entity_id``; a mention without ``entity_id`` is an entity of its own; or
``coref`` layer records, one entity each, given as the spans of its mentions.
One span linked to two predicted entities is the problem ``duplicate-mention``.
Mentions are aligned by exact span (the same start and end); nothing else
aligns. Twinless mentions (in one side only) are kept as they are, as in the
CoNLL-2012 reference scorer v8.01: a gold mention that was not predicted lowers
recall, a predicted mention that is not in the gold lowers precision; neither
side is changed (no Cai and Strube 2010 or Rahman and Ng 2009 adjustment).
MUC, B-cubed, CEAF-e and the CoNLL F1 (their mean) are those of
:mod:`newsgold.scoring` (quoted below), micro-averaged as the reference
scorer does over several documents: the numerators and denominators of all
documents are summed. They are given over
all entities (singletons kept, which is what the reference scorer computes on
the ``convert --to conll2012`` export, where a singleton is written ``(n)``),
and over the entities of two or more mentions on each side (singletons
removed, as in the CoNLL-2012 shared task data). ``mentions`` is exact-span
P/R/F1 of the mention spans. In the table, a metric's counts are its recall
numerator and denominator (A, the gold) and its precision numerator and
denominator (B, the prediction).
"""
_COREF_DOC += COREFERENCE + "\n"

_LINKING_DOC = """Entity linking (``--layer linking``). Gold: each entity that has mentions, with
its Wikipedia title or NIL (``wikipedia`` null). Predicted: as for ``coref``,
each predicted entity with its ``wikipedia`` (absent or null: NIL), or
``linking`` layer records (the spans of an entity's mentions and its
``wikipedia``). Titles are compared NFKC-normalised, underscores read as
spaces, case-folded; NIL agrees with NIL only. ``entity_accuracy``: gold and
predicted entities are matched by the CEAF-e alignment (the one-to-one
alignment with the largest sum of phi4 similarities, pairs that share at least
one mention span; a tie between alignments goes the way the Kuhn-Munkres
solver of :func:`newsgold.scoring.assignment` takes it, always the same);
accuracy = matched pairs whose titles agree / matched pairs, 0 over no pair.
``mention_accuracy``: each predicted mention whose span is a gold mention's,
the title of its entity against the gold entity's. ``mention_title_pairs``:
P/R/F1 of the (mention span, title) pairs of the mentions of linked entities on
each side (NIL mentions are no pair: a NIL predicted for a linked gold mention
lowers recall only, a title predicted for a NIL gold mention lowers precision
only). ``document_titles``: P/R/F1 of the set of titles per document.
"""


def _describe(m: Any) -> str:
    return f"mention span {m.span[0]}-{m.span[1]}"


# The records of ``newsgold evaluate --layer coref|linking --errors``: one per mention.

_COREF_CATEGORIES = {
    "correct": "mention span found; its predicted entity is aligned (CEAF-e) to its gold entity",
    "wrong-entity": "mention span found; its predicted entity is aligned to another gold entity, "
    "or to none",
    "missed": "a gold mention whose span no prediction has",
    "spurious": "a predicted mention whose span is no gold mention's",
}

_COREF_ERRORS_DOC = """\
Errors of ``--layer coref``: one record per mention, paired by exact span as the
``mentions`` figure counts them (matched, missed, spurious). A matched mention is
correct when its predicted entity is the one the CEAF-e alignment pairs with its
gold entity; otherwise wrong-entity. The link-based figures (MUC, B-cubed, CEAF-e)
count links and clusters, not mentions: only correct + wrong-entity equals a
report figure (the matched mentions).
"""

_LINKING_CATEGORIES = {
    "correct": "mention with a gold span; its entity's predicted title is the gold one",
    "wrong-title": "mention with a gold span; another title (or NIL for a title, or a title "
    "for NIL)",
    "missed": "a gold mention whose span no prediction has",
    "spurious": "a predicted mention whose span is no gold mention's",
}

_LINKING_ERRORS_DOC = """\
Errors of ``--layer linking``: one record per mention, paired by exact span; a
predicted mention with a gold span is correct or wrong-title as the
``mention_accuracy`` figure counts it; the others are missed or spurious.
"""


def _mention_records(doc: Document, pred: list[Any], linking: bool) -> list[ErrorRecord]:
    ids, clusters = _gold_entities(doc)
    chains = _chains(doc)
    title_of = {e.id: e.wikipedia for e in doc.layer(NAME)}
    gold = {(m["start"], m["end"]): (m["id"], eid) for eid in ids for m in chains.get(eid, [])}
    predicted = _pred_entities(pred)
    aligned = {
        predicted[j][0]: ids[i] for i, j in ceaf_e_pairs(clusters, [c for c, _ in predicted])
    }
    out = []
    for k, m in enumerate(pred):
        found = gold.get(m.span)
        label = m.title if linking else None
        p = side(doc.text, [m.span], label, index=k)
        if found is None:
            out.append(ErrorRecord(doc.id, "mention", "spurious", None, p))
            continue
        mid, eid = found
        g = side(doc.text, [m.span], title_of[eid] if linking else eid, ident=mid)
        if linking:
            right = _same_title(title_of[eid], m.title)
            category = "correct" if right else "wrong-title"
        else:
            category = "correct" if aligned.get(m.entity) == eid else "wrong-entity"
        out.append(ErrorRecord(doc.id, "mention", category, g, p))
    spans = {m.span for m in pred}
    for sp, (mid, eid) in gold.items():
        if sp not in spans:
            g = side(doc.text, [sp], title_of[eid] if linking else eid, ident=mid)
            out.append(ErrorRecord(doc.id, "mention", "missed", g, None))
    return out


def _mention_tally(records: Sequence[ErrorRecord]) -> dict[str, int]:
    return {
        "matched": sum(r.gold is not None and r.pred is not None for r in records),
        "gold": sum(r.gold is not None for r in records),
        "predicted": sum(r.pred is not None for r in records),
    }


def _coref_expected(s: Mapping[str, Any]) -> dict[str, int]:
    m = s["mentions"]
    return {"matched": m["correct"], "gold": m["gold"], "predicted": m["predicted"]}


def _linking_tally(records: Sequence[ErrorRecord]) -> dict[str, int]:
    return {
        "mentions": sum(r.category in ("correct", "wrong-title") for r in records),
        "right": sum(r.category == "correct" for r in records),
    }


def _linking_expected(s: Mapping[str, Any]) -> dict[str, int]:
    a = s["mention_accuracy"]
    return {"mentions": a["n"], "right": a["agreed"]}


COREF_ERRORS = Errors(
    lambda run: [r for doc, pred in run.pairs for r in _mention_records(doc, pred, False)],
    _COREF_CATEGORIES,
    _mention_tally,
    _coref_expected,
    _COREF_ERRORS_DOC,
)
LINKING_ERRORS = Errors(
    lambda run: [r for doc, pred in run.pairs for r in _mention_records(doc, pred, True)],
    _LINKING_CATEGORIES,
    _linking_tally,
    _linking_expected,
    _LINKING_ERRORS_DOC,
)


_VIEWS = ("coref", "linking")
"""The two views of the layer's mentions (the names of :data:`EVALUATIONS`)."""

EVALUATIONS: tuple[Any, ...] = (
    Evaluation(
        name=_VIEWS[0],
        needs=(MENTIONS, NAME),
        from_document=lambda ck, value: _mentions_from_document(ck, value, True),
        from_record=_mentions_from_record,
        score=_score_coref,
        rows=_coref_rows,
        notes=_coref_notes,
        description=_COREF_DOC,
        duplicate_code="duplicate-mention",
        describe=_describe,
        errors=COREF_ERRORS,
    ),
    Evaluation(
        name=_VIEWS[1],
        needs=(MENTIONS, NAME),
        from_document=lambda ck, value: _mentions_from_document(ck, value, False),
        from_record=_mentions_from_record,
        score=_score_linking,
        rows=_linking_rows,
        description=_LINKING_DOC,
        duplicate_code="duplicate-mention",
        describe=_describe,
        errors=LINKING_ERRORS,
    ),
)


# ---------------------------------------------------------------- agreement
# How ``newsgold agreement`` compares two annotations of this layer.

AGREEMENT: Any = None


# ---------------------------------------------------------------- brat
# This layer's part in the brat standoff export and import. An entity lives on
# its first mention (see the mentions layer): ``Member`` relations from a group
# to its members, an ``N`` line ``Wikipedia:<Title_with_underscores>`` with the
# exact title as its text, and a note holding the entity id, name and
# description. Entities that no mention refers to, and the order of the
# entities, are kept in the side file.


WIKIPEDIA = "Wikipedia"
"""The resource name of an entity's normalisation (on its first mention): the English
Wikipedia title, spaces written as underscores (``Wikipedia:Rex_Tillerson``)."""


def _brat_conf() -> BratConf:
    types = inventory().entity_types
    labels = "|".join(types)
    what = "the group (first mention) has this member (first mention)"
    wikipedia = BratNormalization(
        WIKIPEDIA, "https://en.wikipedia.org", "https://en.wikipedia.org/wiki/%s", types
    )
    return BratConf(
        relation_types=(BratRelation("Member", labels, labels, what),), normalizations=(wikipedia,)
    )


def _brat_write(w: BratWriting) -> None:
    records: tuple[Entity, ...] = w.doc.layer(NAME)
    anchored = [e for e in records if e.id in w.brat]
    for e in anchored:
        for member in e.members:
            if member in w.brat:
                w.relation("Member", w.brat[e.id], w.brat[member])
    for e in anchored:
        if e.wikipedia is not None:
            title = e.wikipedia.replace(" ", "_")
            w.add("N", f"Reference {w.brat[e.id]} {WIKIPEDIA}:{title}\t{e.wikipedia}")
    for e in anchored:
        w.note(w.brat[e.id], {"entity": e.id, "name": e.name, "description": e.description})


def _brat_side(w: BratWriting) -> dict[str, Any]:
    records: tuple[Entity, ...] = w.doc.layer(NAME)
    return {
        NAME: [e.id for e in records],
        "unanchored_entities": [e.to_dict() for e in records if e.id not in w.brat],
    }


def _brat_not_carried(doc: Document, meta: Mapping[str, Any]) -> list[tuple[str, str]]:
    unanchored = {e["id"] for e in meta["unanchored_entities"]}
    return [
        (pointer(NAME, i), "entity with no mention: brat reaches entities through mentions")
        for i, e in enumerate(doc.layer(NAME))
        if e.id in unanchored
    ]


def _brat_read(r: BratReading) -> list[dict[str, Any]]:
    wiki: dict[str, tuple[str, int]] = {}
    for target, ref, title, line in r.ann.n:
        if not ref.startswith(f"{WIKIPEDIA}:"):
            r.fail(line, f'normalisation "{ref}" is not {WIKIPEDIA}:<title>')
            continue
        from_id = ref.removeprefix(f"{WIKIPEDIA}:").replace("_", " ")
        if from_id != title:
            # In brat the ID is the normalisation and the text only shows it: an edit to
            # one of the two alone is refused, never resolved in silence.
            r.fail(line, f'Wikipedia ID "{from_id}" and its text "{title}" differ')
            continue
        wiki[target] = (title, line)
    unanchored = {e["id"]: e for e in r.meta.get("unanchored_entities", [])}
    anchored: dict[str, dict[str, Any]] = {}
    for bid, eid in r.anchors.items():
        note = r.note(bid)
        wikipedia: str | None = None
        if bid in wiki:
            wikipedia, line = wiki[bid]
            r.use(line)
        name = note.get("name")
        if r.is_new(bid) and "entity" not in note:
            name = name or " ".join(r.text[a:b] for a, b in r.ann.t[bid].fragments)
            if "description" not in note:
                r.fail(
                    r.ann.t[bid].line,
                    f"the entity of {bid} has no description: add a note (AnnotatorNotes) "
                    f"on {bid} saying in one line who or what it is",
                )
        anchored[eid] = {
            "id": eid,
            "name": name,
            "type": r.ann.t[bid].type,
            "wikipedia": wikipedia,
            "members": [r.resolve(NAME, m) for m in r.targets("Member", bid)],
            "description": note.get("description"),
        }
    order = [e for e in r.meta.get(NAME, []) if e in anchored or e in unanchored]
    order += [e for e in anchored if e not in order]
    return [anchored[e] if e in anchored else unanchored[e] for e in order]


BRAT = BratPart(
    read=_brat_read,
    conf=_brat_conf,
    write=_brat_write,
    side=_brat_side,
    not_carried=_brat_not_carried,
    reserved=lambda meta: meta.get(NAME, []),
)


# ---------------------------------------------------------------- DocBin
# This layer's part in the spaCy DocBin export and import.

DOCBIN = DocbinPart(
    groups=(),
    store=lambda document: [e.to_dict() for e in document.layer(NAME)],
    read=lambda source: list(source.data[NAME]),
)


# ---------------------------------------------------------------- HTML
# This layer's part in the HTML viewer.


def _html_table(document: Document, kit: HtmlKit) -> str:
    mentions_of: dict[str, list[str]] = {}
    for m in document.layer(MENTIONS):
        mentions_of.setdefault(m.entity_id, []).append(kit.chip(m.id, m.text))
    rows = [
        (
            e.id,
            [
                f"<code>{kit.escape(e.id)}</code>",
                kit.escape(e.name),
                kit.type_chip(e.type),
                kit.escape(e.wikipedia) if e.wikipedia else kit.none(),
                " ".join(kit.entity_chip(document, x) for x in e.members) or "",
                kit.escape(e.description),
                " ".join(mentions_of.get(e.id, [])),
            ],
        )
        for e in document.layer(NAME)
    ]
    head = ["id", "name", "type", "Wikipedia", "members", "description", "mentions"]
    return kit.table("Entities", head, rows)


HTML = HtmlPart(
    records=lambda document: [
        PageRecord(e.id, "entity", e.to_dict(), list(e.members)) for e in document.layer(NAME)
    ],
    table=_html_table,
    counted=NAME,
)


# ---------------------------------------------------------------- CoNLL
# This layer's part in the CoNLL IOB2 export.

CONLL = ConllPart(not_carried=each_record(NAME, "entity record and coreference"))


# ---------------------------------------------------------------- CoNLL-2012
# This layer's part in the CoNLL-2012 coreference file: each entity that has
# mentions is one chain, numbered by its index in /entities.


def _conll2012_chains(doc: Document) -> list[tuple[int, list[tuple[str, int, int]]]]:
    by_entity: dict[str, list[tuple[str, int, int]]] = {}
    for i, m in enumerate(doc.layer(MENTIONS)):
        by_entity.setdefault(m.entity_id, []).append((pointer(MENTIONS, i), m.start, m.end))
    return [(n, by_entity[e.id]) for n, e in enumerate(doc.layer(NAME)) if by_entity.get(e.id)]


CONLL2012 = Conll2012Part(
    not_carried=lambda doc: (
        [
            (
                pointer(NAME),
                "entity records (name, type, Wikipedia, members); an entity's chain number "
                "is its index in /entities",
            )
        ]
        if doc.layer(NAME)
        else []
    ),
    chains=_conll2012_chains,
)


LAYER = Layer(
    name=NAME,
    record=Entity,
    ids=(IdKind(NAME, "e"),),
    check=check,
    configs=(Config("coref", "entity with its mentions", (MENTIONS, NAME), _columns, _rows),),
    summary=lambda records: [(NAME, len(records), counts(e.type for e in records))],
    evaluations=EVALUATIONS,
    agreement=AGREEMENT,
    formats={
        "brat": BRAT,
        "docbin": DOCBIN,
        "html": HTML,
        "conll": CONLL,
        "conll2012": CONLL2012,
    },
    description="Referents of mentions: name, type, Wikipedia title, group members.",
)
