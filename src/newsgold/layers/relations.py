"""The relations layer: ACE 2005 relation mentions between two mentions of one sentence.

A record is a relation mention: two mentions (``arg1``, ``arg2``, in ACE's
argument order) of one sentence that states a lasting relationship between
their referents, with its ACE type and subtype, tense and syntactic class. The
types, subtypes, the entity labels each argument of a subtype admits and the
symmetric subtypes are the table ``relation_subtypes`` of ``schema/labels.json``.
The entity-level view (one relation per type, subtype and pair of entities) is
derived, never stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from newsgold.columns import SPAN, d
from newsgold.issues import pointer
from newsgold.labels import const, enum
from newsgold.layers.agreement_part import AgreementPart, fields_dict
from newsgold.layers.base import Config, Context, IdKind, Layer, as_int, as_str, counts, dicts
from newsgold.layers.evaluation import (
    NOWHERE,
    Aligner,
    Evaluation,
    Key,
    PredictionContext,
    Run,
    Spn,
)
from newsgold.layers.formats import (
    ConllPart,
    DocbinPart,
    DocbinSource,
    HtmlKit,
    HtmlPart,
    PageRecord,
    each_record,
)
from newsgold.layers.parts import BratConf, BratPart, BratReading, BratRelation, BratWriting
from newsgold.records import field_names, make, read
from newsgold.scoring import PRF, Counted, LabelAgreement, Row, exact_pairs, label_agreement

if TYPE_CHECKING:
    from newsgold.layers.base import Column, Lookup
    from newsgold.layers.base import DocumentView as Document

NAME = "relations"
MENTIONS = "mentions"
ENTITIES = "entities"
SENTENCES = "sentences"


@dataclass(frozen=True)
class Relation:
    """A relation mention: type, subtype, the two argument mention ids, tense and class."""

    id: str
    type: str
    subtype: str
    arg1: str
    arg2: str
    tense: str
    syntactic_class: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "subtype": self.subtype,
            "arg1": self.arg1,
            "arg2": self.arg2,
            "tense": self.tense,
            "syntactic_class": self.syntactic_class,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Relation:
        return read(cls, d, _RELATION_FIELDS) or make(
            cls,
            id=d["id"],
            type=d["type"],
            subtype=d["subtype"],
            arg1=d["arg1"],
            arg2=d["arg2"],
            tense=d["tense"],
            syntactic_class=d["syntactic_class"],
        )


_RELATION_FIELDS = field_names(Relation)
"""The keys of a Relation object in canonical order: :func:`newsgold.records.read`
takes such an object at once."""


@dataclass(frozen=True)
class Subtype:
    """A subtype's row of ``relation_subtypes``: its type, the labels each argument admits,
    and whether the order of the arguments matters."""

    type: str
    arg1: tuple[str, ...]
    arg2: tuple[str, ...]
    symmetric: bool


@cache
def subtypes() -> dict[str, Subtype]:
    """Every ACE subtype by name, from ``schema/labels.json``."""
    return {
        name: Subtype(row["type"], tuple(row["arg1"]), tuple(row["arg2"]), bool(row["symmetric"]))
        for name, row in const("relation_subtypes").items()
    }


def ordered(subtype: str, a: Any, b: Any) -> tuple[Any, Any]:
    """The pair of arguments as compared: as given, or sorted for a symmetric subtype."""
    found = subtypes().get(subtype)
    if found is not None and found.symmetric and repr(b) < repr(a):
        return b, a
    return a, b


# ---------------------------------------------------------------- checks


def _mention(ck: Context, value: Any, i: int, arg: str) -> dict[str, Any] | None:
    """The argument's mention (a dangling id is reported)."""
    if not ck.ref(MENTIONS, value, NAME, i, arg):
        return None
    return ck.record(MENTIONS, value)


def _types(ck: Context, i: int, rel: dict[str, Any], args: Sequence[dict[str, Any]]) -> bool:
    """The subtype belongs to the type, and each argument's label is one the subtype admits;
    False when the subtype is another type's."""
    sub = subtypes().get(str(rel.get("subtype")))
    if sub is None or not isinstance(rel.get("type"), str):
        return False  # an unknown label: reported at L2
    if sub.type != rel["type"]:
        ck.add(
            pointer(NAME, i, "subtype"),
            "relation-subtype-type",
            f'subtype "{rel["subtype"]}" is a subtype of {sub.type}, not of {rel["type"]}',
            f'set type to "{sub.type}" or choose a subtype of {rel["type"]}',
        )
        return False
    for arg, mention, allowed in zip(("arg1", "arg2"), args, (sub.arg1, sub.arg2), strict=True):
        label = as_str(mention.get("label"))
        if label is not None and label not in allowed:
            ck.add(
                pointer(NAME, i, arg),
                "relation-argument-type",
                f'{arg} "{mention.get("id")}" is a {label} mention; {rel["type"]}.'
                f"{rel['subtype']} takes {' or '.join(allowed)} as {arg}",
                "choose another subtype, swap the arguments if the order is wrong, or give a "
                "mention of an admitted type",
            )
    return True


def _sentence_spans(ck: Context) -> list[tuple[int, int, str]]:
    """(start, end, id) of each sentence with usable offsets and id, in document order."""
    found = []
    for _, s in ck.items(SENTENCES):
        s_start, s_end, ident = as_int(s.get("start")), as_int(s.get("end")), as_str(s.get("id"))
        if s_start is not None and s_end is not None and ident is not None:
            found.append((s_start, s_end, ident))
    return found


def _sentences_of(
    sentences: Sequence[tuple[int, int, str]], mention: dict[str, Any]
) -> list[str] | None:
    """The ids of the sentences the mention overlaps (None: no usable offsets)."""
    start, end = as_int(mention.get("start")), as_int(mention.get("end"))
    if start is None or end is None:
        return None
    return [ident for s_start, s_end, ident in sentences if start < s_end and s_start < end]


def _sentence(
    ck: Context,
    sentences: Sequence[tuple[int, int, str]],
    i: int,
    args: Sequence[dict[str, Any]],
) -> None:
    """Both arguments lie in one sentence (nothing to check without sentences)."""
    first, second = (_sentences_of(sentences, m) for m in args)
    if not first or not second or (first == second and len(first) == 1):
        return
    ck.add(
        pointer(NAME, i, "arg2"),
        "relation-cross-sentence",
        f'arg1 "{args[0].get("id")}" is in sentence {", ".join(first)}, arg2 '
        f'"{args[1].get("id")}" in {", ".join(second)}',
        "relate two mentions of one sentence (a relation mention is stated in a sentence)",
    )


def _distinct(ck: Context, i: int, rel: dict[str, Any], args: Sequence[dict[str, Any]]) -> None:
    if rel.get("arg1") == rel.get("arg2"):
        ck.add(
            pointer(NAME, i, "arg2"),
            "relation-self",
            f'arg1 and arg2 are both "{rel.get("arg1")}"',
            "relate two different mentions",
        )
        return
    entity = as_str(args[0].get("entity_id"))
    if entity is not None and entity == as_str(args[1].get("entity_id")):
        ck.add(
            pointer(NAME, i, "arg2"),
            "relation-same-entity",
            f'arg1 "{rel.get("arg1")}" and arg2 "{rel.get("arg2")}" are both mentions of '
            f'"{entity}"',
            "a relation holds between two entities: relate mentions of different entities",
        )


def _duplicate(ck: Context, i: int, rel: dict[str, Any], seen: dict[tuple[Any, ...], int]) -> None:
    subtype = rel.get("subtype")
    key = (rel.get("type"), subtype, *ordered(str(subtype), rel.get("arg1"), rel.get("arg2")))
    if not all(isinstance(x, str) for x in key):
        return
    if key in seen:
        ck.add(
            pointer(NAME, i),
            "relation-duplicate",
            f"{key[0]}.{key[1]} between {key[2]} and {key[3]} is already /{NAME}/{seen[key]}",
            "keep one record per type, subtype and pair of mentions",
        )
    else:
        seen[key] = i


def check(ck: Context) -> None:
    """References, subtype of the type, argument types, one sentence, two entities, no
    duplicate."""
    seen: dict[tuple[Any, ...], int] = {}
    sentences = _sentence_spans(ck) if ck.doc.get(NAME) else []
    for i, rel in ck.items(NAME):
        args = [_mention(ck, rel.get(arg), i, arg) for arg in ("arg1", "arg2")]
        _duplicate(ck, i, rel, seen)
        found = [m for m in args if m is not None]
        if len(found) != 2:
            continue
        if _types(ck, i, rel, found):
            _sentence(ck, sentences, i, found)
        _distinct(ck, i, rel, found)


# ---------------------------------------------------------------- Hugging Face configs


def _arg_columns(arg: str) -> list[Column]:
    return [
        (f"{arg}_mention_id", "string", d(f"relation.{arg}")),
        (f"{arg}", SPAN, f"The span of the {arg} mention."),
        (f"{arg}_label", ("label", "entity_type"), f"The {arg} mention's OntoNotes type."),
        (f"{arg}_entity_id", "string", f"Id of the entity the {arg} mention refers to."),
        (f"{arg}_entity_name", "string", "Canonical name of that entity."),
    ]


def _columns() -> list[Column]:
    return [
        ("doc_id", "string", d("document.id")),
        ("id", "string", d("relation.id")),
        ("type", ("label", "relation_type"), d("relation.type")),
        ("subtype", ("label", "relation_subtype"), d("relation.subtype")),
        *_arg_columns("arg1"),
        *_arg_columns("arg2"),
        ("tense", ("label", "relation_tense"), d("relation.tense")),
        ("syntactic_class", ("label", "relation_syntactic_class"), d("relation.syntactic_class")),
        ("sentence_id", "string", "Id of the sentence that holds both arguments."),
    ]


def _arg_row(look: Lookup, arg: str, mention_id: str) -> dict[str, Any]:
    m = look.get(MENTIONS, mention_id)
    return {
        f"{arg}_mention_id": mention_id,
        arg: {"start": m.start, "end": m.end, "text": m.text},
        f"{arg}_label": m.label,
        f"{arg}_entity_id": m.entity_id,
        f"{arg}_entity_name": look.entity_name(m.entity_id),
    }


def _rows(doc: Document, look: Lookup) -> list[dict[str, Any]]:
    out = []
    for rel in doc.layer(NAME):
        first = look.get(MENTIONS, rel.arg1)
        out.append(
            {
                "doc_id": doc.id,
                "id": rel.id,
                "type": rel.type,
                "subtype": rel.subtype,
                **_arg_row(look, "arg1", rel.arg1),
                **_arg_row(look, "arg2", rel.arg2),
                "tense": rel.tense,
                "syntactic_class": rel.syntactic_class,
                "sentence_id": look.sentence(first.start)[1],
            }
        )
    return out


# ---------------------------------------------------------------- evaluation
# Mention level (ACE): type, subtype and both argument spans exact. Entity level (DocRED):
# the set of (type, subtype, entity of arg1, entity of arg2) of each document.


@dataclass(frozen=True)
class PRelation:
    """A predicted relation mention: labels, argument spans, and each argument's entity as
    the spans of its mentions (a mention with no entity stands alone)."""

    type: str
    subtype: str
    arg1: Spn
    arg2: Spn
    entity1: frozenset[Spn]
    entity2: frozenset[Spn]


def predicted(
    type_: str, subtype: str, arg1: Spn, arg2: Spn, e1: frozenset[Spn], e2: frozenset[Spn]
) -> PRelation:
    """A predicted relation mention, its arguments in the order they are compared in."""
    if ordered(subtype, arg1, arg2) != (arg1, arg2):
        arg1, arg2, e1, e2 = arg2, arg1, e2, e1
    return PRelation(type_, subtype, arg1, arg2, e1, e2)


def _pred_entity(ck: PredictionContext, mention: dict[str, Any], sp: Spn) -> frozenset[Spn]:
    eid = mention.get("entity_id")
    spans = ck.referents.get(ENTITIES, {}).get(eid) if isinstance(eid, str) else None
    return frozenset(spans) if spans else frozenset({sp})


def _pred_arg(ck: PredictionContext, value: Any, i: int, arg: str) -> tuple[Spn, Any] | None:
    if not ck.ref(MENTIONS, value, NAME, i, arg):
        return None
    mention = ck.record(MENTIONS, value) or {}
    start, end = as_int(mention.get("start")), as_int(mention.get("end"))
    if start is None or end is None:
        return None
    return (start, end), _pred_entity(ck, mention, (start, end))


def _from_document(ck: PredictionContext, value: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    seen: dict[PRelation, int] = {}
    for i, rel in dicts(value.get(NAME)):
        first, second = (_pred_arg(ck, rel.get(a), i, a) for a in ("arg1", "arg2"))
        if first is None or second is None:
            continue
        item = predicted(rel["type"], rel["subtype"], first[0], second[0], first[1], second[1])
        if item in seen:
            ck.add(
                pointer(NAME, i),
                "duplicate-prediction",
                f"{_describe(item)} is also /{NAME}/{seen[item]}",
                "predict each relation mention once",
            )
            continue
        seen[item] = i
        out.append(item)
    return out


def _describe(p: Any) -> str:
    return f"the relation {p.type}.{p.subtype} between {p.arg1} and {p.arg2}"


def _from_record(
    ck: PredictionContext, value: dict[str, Any], items: list[Any], labels: str
) -> list[Any]:
    first, second = ck.span(value["arg1"], "arg1"), ck.span(value["arg2"], "arg2")
    if first is None or second is None:
        return []
    one, two = frozenset({first}), frozenset({second})
    return [predicted(value["type"], value["subtype"], first, second, one, two)]


def mention_key(type_: str, subtype: str, arg1: Spn, arg2: Spn) -> tuple[str, str, Spn, Spn]:
    """What a relation mention is matched on (symmetric subtypes: the unordered pair)."""
    return (type_, subtype, *ordered(subtype, arg1, arg2))


def entity_key(type_: str, subtype: str, e1: Key, e2: Key) -> tuple[str, str, Key, Key]:
    """What an entity-level relation is (symmetric subtypes: the unordered pair)."""
    return (type_, subtype, *ordered(subtype, e1, e2))


def gold_mention_keys(doc: Document) -> list[tuple[str, str, Spn, Spn]]:
    out = []
    for rel in doc.layer(NAME):
        first, second = doc.record(MENTIONS, rel.arg1), doc.record(MENTIONS, rel.arg2)
        out.append(
            mention_key(rel.type, rel.subtype, (first.start, first.end), (second.start, second.end))
        )
    return out


def gold_entity_keys(doc: Document) -> set[tuple[str, str, Key, Key]]:
    """The entity-level relations of a document: one per type, subtype and entity pair."""
    out = set()
    for rel in doc.layer(NAME):
        first, second = doc.record(MENTIONS, rel.arg1), doc.record(MENTIONS, rel.arg2)
        out.add(entity_key(rel.type, rel.subtype, first.entity_id, second.entity_id))
    return out


def _entity_referents(doc: Document) -> dict[str, frozenset[Spn]]:
    spans: dict[str, set[Spn]] = {}
    for m in doc.layer(MENTIONS):
        spans.setdefault(m.entity_id, set()).add((m.start, m.end))
    return {k: frozenset(v) for k, v in spans.items()}


def _aligned(spans: frozenset[Spn], entities: Aligner) -> Key:
    """The gold entity a predicted one aligns to; one that aligns to none keeps its spans
    (two such entities stay two relations, and match nothing)."""
    found = entities.align(spans)
    return f"{NOWHERE}{sorted(spans)}" if found == NOWHERE else found


def _score(run: Run) -> dict[str, Any]:
    mention = Counter[str]()
    by_type: dict[str, Counter[str]] = {}
    entity = Counter[str]()
    for doc, pred in run.pairs:
        gold = gold_mention_keys(doc)
        guess = [mention_key(p.type, p.subtype, p.arg1, p.arg2) for p in pred]
        matched = exact_pairs(gold, guess)
        mention.update(correct=len(matched), predicted=len(guess), gold=len(gold))
        for key, side in [(g, "gold") for g in gold] + [(p, "predicted") for p in guess]:
            by_type.setdefault(key[0], Counter())[side] += 1
        for i, _ in matched:
            by_type[gold[i][0]]["correct"] += 1
        referents = Aligner(_entity_referents(doc))
        gold_e = gold_entity_keys(doc)
        guess_e = {
            entity_key(
                p.type, p.subtype, _aligned(p.entity1, referents), _aligned(p.entity2, referents)
            )
            for p in pred
        }
        entity.update(
            correct=len(gold_e & guess_e),
            predicted=len(guess_e),
            gold=len(gold_e),
        )

    def of(c: Counter[str]) -> Counted:
        return Counted.of(c["correct"], c["predicted"], c["gold"])

    return {
        "mention_strict": of(mention),
        "by_type": {t: of(by_type[t]) for t in enum("relation_type") if t in by_type},
        "entity_level": of(entity),
    }


def _rows_of(s: Mapping[str, Any]) -> list[Row]:
    return [
        Row("relation mentions, strict", s["mention_strict"]),
        *(Row(f"  {t}", v) for t, v in s["by_type"].items()),
        Row("entity pairs (DocRED)", s["entity_level"]),
    ]


_EVALUATION_DOC = """\
Relations (``--layer relations``). Mention level, strict (ACE): a predicted
relation mention is correct when its type, subtype and both argument spans equal
those of a gold relation mention, one to one; for the symmetric subtypes (PHYS
Near, every PER-SOC subtype) the order of the arguments does not matter. Rows per
type count the mentions of each gold and predicted type. Entity level (DocRED):
each document's set of (type, subtype, entity of arg1, entity of arg2); a predicted
argument's entity is the gold entity whose mentions share most spans with the
mentions of its predicted entity (a mention with no entity, or a JSONL record's
span, stands alone); an entity that aligns to none matches nothing.
"""

EVALUATIONS: tuple[Any, ...] = (
    Evaluation(
        name=NAME,
        needs=(NAME, MENTIONS),
        from_document=_from_document,
        from_record=_from_record,
        score=_score,
        rows=_rows_of,
        description=_EVALUATION_DOC,
        describe=_describe,
    ),
)


# ---------------------------------------------------------------- agreement


@dataclass(frozen=True)
class RelationAgreement:
    arguments: PRF
    arguments_and_type: PRF
    entity_level: PRF
    type: LabelAgreement
    tense: LabelAgreement
    syntactic_class: LabelAgreement

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


def _spans(doc: Document, rel: Relation) -> tuple[Spn, Spn]:
    first, second = doc.record(MENTIONS, rel.arg1), doc.record(MENTIONS, rel.arg2)
    return (first.start, first.end), (second.start, second.end)


def _text_order(doc: Document) -> list[Relation]:
    return sorted(doc.layer(NAME), key=lambda r: (sorted(_spans(doc, r)), r.id))


def _argument_key(doc: Document, rel: Relation) -> tuple[Spn, ...]:
    return tuple(sorted(_spans(doc, rel)))


def relation_agreement(a: Document, b: Document) -> RelationAgreement:
    """Agreement on the relations layer of two annotations of one text (B against A)."""
    ra, rb = _text_order(a), _text_order(b)
    pairs = exact_pairs([_argument_key(a, r) for r in ra], [_argument_key(b, r) for r in rb])
    typed = exact_pairs(
        [mention_key(r.type, r.subtype, *_spans(a, r)) for r in ra],
        [mention_key(r.type, r.subtype, *_spans(b, r)) for r in rb],
    )
    ea, eb = gold_entity_keys(a), gold_entity_keys(b)
    return RelationAgreement(
        arguments=PRF.counted(len(ra), len(rb), len(pairs)),
        arguments_and_type=PRF.counted(len(ra), len(rb), len(typed)),
        entity_level=PRF.counted(len(ea), len(eb), len(ea & eb)),
        type=label_agreement([(_label(ra[i]), _label(rb[j])) for i, j in pairs]),
        tense=label_agreement([(ra[i].tense, rb[j].tense) for i, j in pairs]),
        syntactic_class=label_agreement(
            [(ra[i].syntactic_class, rb[j].syntactic_class) for i, j in pairs]
        ),
    )


def _label(rel: Relation) -> str:
    return f"{rel.type}.{rel.subtype}"


_AGREEMENT_DOCS = """\
- Relation mentions pair when their two arguments have the same spans, in either
  order, one to one in text order. P/R/F1 of the argument pairs; P/R/F1 of the
  relation mentions that agree on type, subtype and arguments (in order, unless the
  subtype is symmetric).
- Entity level: P/R/F1 of the sets of (type, subtype, entity of arg1, entity of
  arg2) (entity ids are shared: both annotate one mention layer).
- On argument-matched pairs: type.subtype, tense and syntactic class (observed
  and kappa).
"""

AGREEMENT = AgreementPart(
    requires=(NAME, MENTIONS),
    compare=relation_agreement,
    docs=_AGREEMENT_DOCS,
    labels={
        "arguments": "Relation mentions, arguments",
        "arguments_and_type": "Relation mentions, arguments and type",
        "entity_level": "Entity-level relations",
        "type": "Type.subtype (argument-matched pairs)",
        "tense": "Tense (argument-matched pairs)",
        "syntactic_class": "Syntactic class (argument-matched pairs)",
    },
)


# ---------------------------------------------------------------- brat
# One ``R`` line per relation mention between the ``T`` lines of its two mentions, named
# ``<type>_<subtype>``; attributes ``RelationTense`` and ``SyntacticClass`` on it.

TENSE = "RelationTense"
CLASS = "SyntacticClass"


def brat_name(type_: str, subtype: str) -> str:
    """The brat relation type of a subtype."""
    return f"{type_}_{subtype}"


def _brat_conf() -> BratConf:
    relations = tuple(
        BratRelation(
            brat_name(sub.type, name),
            "|".join(sub.arg1),
            "|".join(sub.arg2),
            f"ACE {sub.type}.{name}" + (" (symmetric)" if sub.symmetric else ""),
        )
        for name, sub in subtypes().items()
    )
    return BratConf(
        about=("A relation mention is an R line between the T lines of its two mentions.",),
        relation_types=relations,
        attributes=(
            f"{TENSE}\tArg:<RELATION>, Value:{'|'.join(enum('relation_tense'))}",
            f"{CLASS}\tArg:<RELATION>, Value:{'|'.join(enum('relation_syntactic_class'))}",
        ),
    )


def _brat_write(w: BratWriting) -> None:
    records: tuple[Relation, ...] = w.doc.layer(NAME)
    for rel in records:
        body = f"{brat_name(rel.type, rel.subtype)} Arg1:{w.brat[rel.arg1]} Arg2:{w.brat[rel.arg2]}"
        w.add("R", body, rel.id)
    for rel in records:
        w.add("A", f"{TENSE} {w.brat[rel.id]} {rel.tense}")
        w.add("A", f"{CLASS} {w.brat[rel.id]} {rel.syntactic_class}")


def _brat_read(r: BratReading) -> list[dict[str, Any]]:
    names = {brat_name(sub.type, name): (sub.type, name) for name, sub in subtypes().items()}
    out = []
    for rid, (rtype, arg1, arg2, line) in r.ann.r_lines.items():
        if rtype not in names:
            continue
        r.use(line)  # the R line is this layer's (its attributes are marked by r.attr)
        type_, subtype = names[rtype]
        out.append(
            {
                "id": r.canonical(rid, "r"),
                "type": type_,
                "subtype": subtype,
                "arg1": r.resolve(MENTIONS, arg1),
                "arg2": r.resolve(MENTIONS, arg2),
                "tense": r.attr(TENSE, rid, line),
                "syntactic_class": r.attr(CLASS, rid, line),
            }
        )
    return out


BRAT = BratPart(read=_brat_read, conf=_brat_conf, write=_brat_write)


# ---------------------------------------------------------------- DocBin
# The arguments are mentions, already spans of the Doc: the records go to the user data.


def _docbin_read(source: DocbinSource) -> list[dict[str, Any]]:
    return [dict(rec) for rec in source.data.get(NAME, [])]


DOCBIN = DocbinPart(
    groups=(),
    store=lambda document: [rel.to_dict() for rel in document.layer(NAME)],
    read=_docbin_read,
)


# ---------------------------------------------------------------- HTML


def _html_row(document: Document, kit: HtmlKit, rel: Relation) -> list[str]:
    first, second = document.record(MENTIONS, rel.arg1), document.record(MENTIONS, rel.arg2)
    arrow = "↔" if subtypes()[rel.subtype].symmetric else "→"
    return [
        f"<code>{kit.escape(rel.id)}</code>",
        f"{kit.escape(rel.type)}.{kit.escape(rel.subtype)}",
        kit.chip(first.id, first.text) + f" {arrow} " + kit.chip(second.id, second.text),
        kit.entity_chip(document, first.entity_id)
        + f" {arrow} "
        + kit.entity_chip(document, second.entity_id),
        kit.escape(rel.tense),
        kit.escape(rel.syntactic_class),
    ]


HTML = HtmlPart(
    records=lambda document: [
        PageRecord(rel.id, "relation", rel.to_dict(), [rel.arg1, rel.arg2])
        for rel in document.layer(NAME)
    ],
    table=lambda document, kit: kit.table(
        "Relations",
        ["id", "type", "arguments", "entities", "tense", "syntactic class"],
        [(rel.id, _html_row(document, kit, rel)) for rel in document.layer(NAME)],
    ),
    counted=f"{NAME}",
)


CONLL = ConllPart(not_carried=each_record(NAME, "relation mention"))


CODES: dict[str, tuple[int, str]] = {
    "relation-subtype-type": (3, "a relation subtype that belongs to another type"),
    "relation-argument-type": (3, "a relation argument whose label its subtype does not admit"),
    "relation-cross-sentence": (3, "a relation whose two arguments are in different sentences"),
    "relation-self": (3, "a relation of a mention with itself"),
    "relation-same-entity": (3, "a relation between two mentions of the same entity"),
    "relation-duplicate": (3, "a second relation with the same type, subtype and arguments"),
}


def _summary(records: tuple[Any, ...]) -> list[tuple[str, int, str]]:
    return [(NAME, len(records), counts(f"{r.type}.{r.subtype}" for r in records))]


LAYER = Layer(
    name=NAME,
    record=Relation,
    ids=(IdKind(NAME, "r"),),
    depends_on=(SENTENCES, MENTIONS, ENTITIES),
    check=check,
    configs=(Config(NAME, "relation mention", (NAME, MENTIONS), _columns, _rows),),
    summary=_summary,
    evaluations=EVALUATIONS,
    agreement=AGREEMENT,
    formats={"brat": BRAT, "docbin": DOCBIN, "html": HTML, "conll": CONLL},
    codes=CODES,
    description="ACE 2005 relation mentions: two mentions of a sentence, type, subtype, "
    "tense, syntactic class.",
    labels=(
        "relation_type",
        "relation_subtype",
        "relation_tense",
        "relation_syntactic_class",
        "relation_subtypes",
    ),
)
