"""Build the Hugging Face dataset folder from the canonical documents.

``newsgold build`` writes, into ``dataset/`` (or ``--out``):

- ``data/<config>/<split>-00000-of-00001.parquet`` for every config and split;
- ``croissant.json``, Croissant 1.0 metadata of those files;
- ``README.md``, the dataset card: the YAML front matter of ``DATASET_CARD.md``
  plus the generated ``configs:`` and ``dataset_info:``, then the body of
  ``DATASET_CARD.md`` with every ``<!-- generated:NAME -->`` marker line
  replaced by the generated section NAME (see :data:`MARKERS`). A section
  whose marker is missing is appended at the end of the card.

The bytes depend only on the documents, ``dataset/splits.json``, the schema,
``DATASET_CARD.md`` and the versions of pyarrow and spaCy: rows are in a fixed
order, JSON and YAML keys in a fixed order, and Parquet files carry no
timestamp. Every file is computed before the first one is written, and each is
written atomically, so a failed build leaves the folder as it was.

Problems (a document that does not validate, a bad split file, an entity span
that does not align to tokens, a stale built file) are
:class:`~newsgold.issues.Problem` values carried by :class:`BuildError`.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from newsgold.io import parse_json_file, write_bytes_atomic
from newsgold.issues import Problem, ProblemError, pointer, problem
from newsgold.model import Document, Span
from newsgold.resources import dataset_dir, documents_dir, schema_dir

CONFIGS: tuple[str, ...] = (
    "documents",
    "mentions",
    "ner",
    "ner_conll",
    "coref",
    "quotes",
    "events",
    "stance",
)
"""The configs, in card order; the first is the default."""

DEFAULT_CONFIG = "documents"

SPLITS: tuple[str, ...] = ("train", "validation", "test")
"""Split names a split file may use, in the order they are written."""

MARKERS: tuple[str, ...] = (
    "configs",
    "fields",
    "labels",
    "splits",
    "examples",
    "checksums",
)
"""Generated card sections; ``<!-- generated:NAME -->`` on a line of its own marks the place."""

REQUIRED_CARD_KEYS: tuple[str, ...] = (
    "pretty_name",
    "language",
    "license",
    "annotations_creators",
    "language_creators",
    "multilinguality",
    "size_categories",
    "source_datasets",
    "task_categories",
    "task_ids",
)
"""Hugging Face metadata keys ``DATASET_CARD.md`` must set (``configs`` is generated)."""


class BuildError(ProblemError):
    """The build cannot be done (or ``--check`` failed); ``problems`` says why.

    Its codes are those of the "build" domain of :data:`newsgold.issues.CODES`.
    """

    empty_message = "build failed"


def data_file(config: str, split: str) -> str:
    """The path of a Parquet file inside the dataset folder."""
    return f"data/{config}/{split}-00000-of-00001.parquet"


def card_source() -> Path:
    """The hand-written card, ``DATASET_CARD.md`` beside ``pyproject.toml``."""
    return dataset_dir().parent / "DATASET_CARD.md"


def splits_file() -> Path:
    """The split file, ``dataset/splits.json``."""
    return dataset_dir() / "splits.json"


# ---------------------------------------------------------------- column specs
#
# A column type is a small spec that gives both the ``datasets`` feature and the
# type shown in the card: "string", "int32", ("label", <labels.json $def or
# "ner"/"ner_conll">), ("list", spec), or a dict of name -> spec (a struct).

Spec = Any


@cache
def _schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    root = schema_dir()
    doc = json.loads((root / "document.schema.json").read_text(encoding="utf-8"))
    labels = json.loads((root / "labels.json").read_text(encoding="utf-8"))
    return doc, labels


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    doc, labels = _schemas()
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    if ref.startswith("#/$defs/"):
        target: dict[str, Any] = doc["$defs"][ref.removeprefix("#/$defs/")]
    else:
        target = labels["$defs"][ref.split("#/$defs/")[1]]
    merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return _resolve(merged) if "$ref" in target else merged


def _schema_field(path: str) -> dict[str, Any]:
    """The schema node of ``def.property`` (``document.text`` for top-level properties)."""
    doc, _ = _schemas()
    kind, _, prop = path.partition(".")
    node = doc if kind == "document" else doc["$defs"][kind]
    return dict(_resolve(node["properties"][prop]) | {"description": _described(node, prop)})


def _described(node: dict[str, Any], prop: str) -> str:
    raw = node["properties"][prop]
    if "description" in raw:
        return str(raw["description"])
    return str(_resolve(raw).get("description", ""))


def _d(path: str) -> str:
    """The schema description of ``def.property``."""
    return str(_schema_field(path)["description"])


def _spec_from_schema(node: dict[str, Any]) -> Spec:
    """The column spec of a schema node (used for the lossless ``documents`` config)."""
    node = _resolve(node)
    if "oneOf" in node:
        options = [_resolve(o) for o in node["oneOf"] if _resolve(o).get("type") != "null"]
        return _spec_from_schema(options[0])
    typ = node.get("type")
    if isinstance(typ, list):
        typ = next(t for t in typ if t != "null")
    if typ == "object" or "properties" in node:
        return {k: _spec_from_schema(v) for k, v in node["properties"].items()}
    if typ == "array":
        return ("list", _spec_from_schema(node["items"]))
    if typ == "integer":
        return "int32"
    return "string"  # strings, enums and consts


def _schema_rows(node: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Spec, str]]:
    """(path, spec, description) for every field under a schema object, depth first."""
    node = _resolve(node)
    for name, raw in node["properties"].items():
        sub = _resolve(raw)
        if "oneOf" in sub:
            sub = next(_resolve(o) for o in sub["oneOf"] if _resolve(o).get("type") != "null")
        path = f"{prefix}{name}"
        yield path, _spec_from_schema(raw), _described(node, name)
        if "properties" in sub:
            yield from _schema_rows(sub, path + ".")
        elif sub.get("type") == "array" and "properties" in _resolve(sub["items"]):
            yield from _schema_rows(_resolve(sub["items"]), path + "[].")


SPAN: Spec = {"start": "int32", "end": "int32", "text": "string"}
SENTENCE: Spec = {"id": "string", "start": "int32", "end": "int32", "text": "string"}
CONTEXT_DOC = (
    "The sentences that hold the record's spans, in text order (empty when the "
    "document has no sentences layer)."
)


def _columns(config: str) -> list[tuple[str, Spec, str]]:
    """(column, spec, description) of a config; descriptions come from the schema where a
    column is a schema field."""
    if config == "documents":
        doc, _ = _schemas()
        return [
            (name, _spec_from_schema(raw), _described(doc, name))
            for name, raw in doc["properties"].items()
        ]
    doc_id = ("doc_id", "string", _d("document.id"))
    context = ("context", ("list", SENTENCE), CONTEXT_DOC)
    if config == "mentions":
        return [
            doc_id,
            ("id", "string", _d("mention.id")),
            ("start", "int32", _d("mention.start")),
            ("end", "int32", _d("mention.end")),
            ("text", "string", _d("mention.text")),
            ("label", ("label", "entity_type"), _d("mention.label")),
            ("mention_type", ("label", "mention_type"), _d("mention.mention_type")),
            ("entity_id", "string", _d("mention.entity_id")),
            ("entity_name", "string", "Canonical name of the entity (`entities[].name`)."),
            ("sentence_id", "string", "Id of the sentence that holds the mention's start."),
            (
                "sentence_index",
                "int32",
                "0-based index of that sentence in the document (-1 when the document "
                "has no sentences layer).",
            ),
        ]
    if config in ("ner", "ner_conll"):
        scheme = (
            "IOB2 tags of the NAM mentions over the 18 OntoNotes 5.0 types, names in the "
            "order of `conll2012_ontonotesv5` `named_entities`."
            if config == "ner"
            else "IOB2 tags of the NAM mentions mapped to the four CoNLL-2003 types "
            "(see Label sets), names in the order of `conll2003` `ner_tags`."
        )
        return [
            doc_id,
            ("sentence_id", "string", _d("sentence.id")),
            ("sentence_index", "int32", "0-based index of the sentence in the document."),
            ("start", "int32", _d("sentence.start")),
            ("end", "int32", _d("sentence.end")),
            ("text", "string", _d("sentence.text")),
            ("tokens", ("list", "string"), 'Tokens of spaCy\'s `spacy.blank("en")` tokenizer.'),
            ("token_starts", ("list", "int32"), "Document offset of each token's first character."),
            ("token_ends", ("list", "int32"), "Document offset after each token's last character."),
            ("ner_tags", ("list", ("label", config)), scheme),
        ]
    if config == "coref":
        return [
            doc_id,
            ("entity_id", "string", _d("entity.id")),
            ("name", "string", _d("entity.name")),
            ("type", ("label", "entity_type"), _d("entity.type")),
            ("wikipedia", "string", _d("entity.wikipedia")),
            ("description", "string", _d("entity.description")),
            ("members", ("list", "string"), _d("entity.members")),
            (
                "mentions",
                (
                    "list",
                    {
                        "id": "string",
                        "start": "int32",
                        "end": "int32",
                        "text": "string",
                        "mention_type": "string",
                        "sentence_index": "int32",
                    },
                ),
                "The coreference chain: every mention of the entity, in text order.",
            ),
        ]
    if config == "quotes":
        return [
            doc_id,
            ("id", "string", _d("quote.id")),
            ("type", ("label", "quote_type"), _d("quote.type")),
            ("content", ("list", SPAN), _d("quote.content")),
            ("cue", ("list", SPAN), _d("quote.cue")),
            ("source", "string", _d("quote.source")),
            ("source_text", "string", "Text of the source mention, or null."),
            ("speaker", "string", _d("quote.speaker")),
            ("speaker_name", "string", "Canonical name of the speaker entity, or null."),
            ("addressee_entity_id", "string", "Id of the addressed entity, or null."),
            ("addressee_name", "string", "Canonical name of the addressed entity, or null."),
            ("addressee_mention_id", "string", _d("participant.mention_id")),
            ("parent", "string", _d("quote.parent")),
            context,
        ]
    if config == "events":
        argument = {
            "role": "string",
            "entity_id": "string",
            "entity_name": "string",
            "mention_id": "string",
            "mention_text": "string",
        }
        return [
            doc_id,
            ("id", "string", _d("event.id")),
            ("type", ("label", "event_type"), _d("event.type")),
            ("modes", ("list", "string"), _d("event.modes")),
            ("contexts", ("list", "string"), _d("event.contexts")),
            ("triggers", ("list", {"id": "string", **SPAN}), _d("event.triggers")),
            (
                "arguments",
                ("list", argument),
                _d("event.arguments")
                + " With the entity name and the mention text beside the ids.",
            ),
            ("realis", ("label", "realis"), _d("event.realis")),
            ("time_value", "string", _d("time.value") + " Null when the event has no time."),
            ("time_mention_id", "string", _d("time.mention_id")),
            ("time_text", "string", "Text of the anchoring mention, or null."),
            ("time_reasoning", "string", _d("time.reasoning")),
            context,
        ]
    if config == "stance":
        return [
            doc_id,
            ("id", "string", _d("stance.id")),
            ("holder", "string", _d("stance.holder")),
            ("holder_name", "string", "Canonical name of the holder entity."),
            ("target_id", "string", _d("target.id")),
            ("target_description", "string", _d("target.description")),
            ("target_entity_id", "string", _d("target.entity_id")),
            ("target_entity_name", "string", "Canonical name of the target entity, or null."),
            ("target_event_id", "string", _d("target.event_id")),
            ("target_event_type", "string", "PLOVER type of the target event, or null."),
            ("polarity", ("label", "polarity"), _d("stance.polarity")),
            ("evidence", ("list", SPAN), _d("stance.evidence")),
            ("quote_ids", ("list", "string"), _d("stance.quote_ids")),
            ("basis", ("label", "stance_basis"), _d("stance.basis")),
            context,
        ]
    raise ValueError(f'unknown config "{config}"; use one of: {", ".join(CONFIGS)}')


def label_names(kind: str) -> tuple[str, ...]:
    """The ClassLabel names of a label kind (a labels.json $def, or "ner" / "ner_conll")."""
    from newsgold import tokens

    if kind == "ner":
        return tokens.ontonotes_tags()
    if kind == "ner_conll":
        return tokens.conll_tags()
    _, labels = _schemas()
    return tuple(str(v) for v in labels["$defs"][kind]["enum"])


def _to_feature(spec: Spec) -> Any:
    from datasets import ClassLabel, List, Value

    if isinstance(spec, dict):
        return {k: _to_feature(v) for k, v in spec.items()}
    if isinstance(spec, tuple) and spec[0] == "list":
        return List(_to_feature(spec[1]))
    if isinstance(spec, tuple) and spec[0] == "label":
        return ClassLabel(names=list(label_names(spec[1])))
    return Value(spec)


def _type_name(spec: Spec) -> str:
    if isinstance(spec, dict):
        return "struct"
    if isinstance(spec, tuple) and spec[0] == "list":
        inner = _type_name(spec[1])
        return f"list of {inner}"
    if isinstance(spec, tuple) and spec[0] == "label":
        return f"ClassLabel ({len(label_names(spec[1]))} names)"
    return str(spec)


def features(config: str) -> Any:
    """The ``datasets.Features`` of a config."""
    from datasets import Features

    return Features({name: _to_feature(spec) for name, spec, _ in _columns(config)})


# ---------------------------------------------------------------- rows


_NEEDS: dict[str, tuple[str, ...]] = {
    "documents": (),
    "mentions": ("mentions", "entities"),
    "ner": ("sentences", "mentions"),
    "ner_conll": ("sentences", "mentions"),
    "coref": ("mentions", "entities"),
    "quotes": ("quotes",),
    "events": ("events",),
    "stance": ("stance",),
}
"""The layers a document must list as annotated to give rows to a config."""


class _Lookup:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.entities = {e.id: e for e in doc.entities}
        self.mentions = {m.id: m for m in doc.mentions}
        self.events = {e.id: e for e in doc.events}

    def entity_name(self, entity_id: str | None) -> str | None:
        entity = self.entities.get(entity_id) if entity_id is not None else None
        return None if entity is None else entity.name

    def mention_text(self, mention_id: str | None) -> str | None:
        mention = self.mentions.get(mention_id) if mention_id is not None else None
        return None if mention is None else mention.text

    def sentence(self, offset: int) -> tuple[int, str | None]:
        index = self.doc.sentence_index(offset)
        return index, (self.doc.sentences[index].id if index >= 0 else None)

    def context(self, spans: Iterable[tuple[int, int]]) -> list[dict[str, Any]]:
        spans = list(spans)
        return [
            s.to_dict()
            for s in self.doc.sentences
            if any(start < s.end and s.start < end for start, end in spans)
        ]


def _spans(spans: Iterable[Span]) -> list[dict[str, Any]]:
    return [s.to_dict() for s in spans]


def _rows(config: str, doc: Document) -> list[dict[str, Any]]:
    """The rows of one document in one config, labels as names (encoded later)."""
    if any(layer not in doc.annotated_layers for layer in _NEEDS[config]):
        return []
    look = _Lookup(doc)
    if config == "documents":
        return [doc.to_dict()]
    if config == "mentions":
        rows = []
        for m in doc.mentions:
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
    if config in ("ner", "ner_conll"):
        from newsgold import tokens

        rows = []
        for sent in tokens.tag_document(doc):
            tags = sent.tags if config == "ner" else tokens.to_conll(sent.tags)
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
    if config == "coref":
        return [
            {
                "doc_id": doc.id,
                "entity_id": e.id,
                "name": e.name,
                "type": e.type,
                "wikipedia": e.wikipedia,
                "description": e.description,
                "members": list(e.members),
                "mentions": [
                    {
                        "id": m.id,
                        "start": m.start,
                        "end": m.end,
                        "text": m.text,
                        "mention_type": m.mention_type,
                        "sentence_index": doc.sentence_index(m.start),
                    }
                    for m in doc.mentions
                    if m.entity_id == e.id
                ],
            }
            for e in doc.entities
        ]
    if config == "quotes":
        rows = []
        for q in doc.quotes:
            addressee = q.addressee
            rows.append(
                {
                    "doc_id": doc.id,
                    "id": q.id,
                    "type": q.type,
                    "content": _spans(q.content),
                    "cue": _spans(q.cue),
                    "source": q.source,
                    "source_text": look.mention_text(q.source),
                    "speaker": q.speaker,
                    "speaker_name": look.entity_name(q.speaker),
                    "addressee_entity_id": None if addressee is None else addressee.entity_id,
                    "addressee_name": None
                    if addressee is None
                    else look.entity_name(addressee.entity_id),
                    "addressee_mention_id": None if addressee is None else addressee.mention_id,
                    "parent": q.parent,
                    "context": look.context((s.start, s.end) for s in (*q.content, *q.cue)),
                }
            )
        return rows
    if config == "events":
        rows = []
        for ev in doc.events:
            time = ev.time
            rows.append(
                {
                    "doc_id": doc.id,
                    "id": ev.id,
                    "type": ev.type,
                    "modes": list(ev.modes),
                    "contexts": list(ev.contexts),
                    "triggers": [t.to_dict() for t in ev.triggers],
                    "arguments": [
                        {
                            "role": a.role,
                            "entity_id": a.entity_id,
                            "entity_name": look.entity_name(a.entity_id),
                            "mention_id": a.mention_id,
                            "mention_text": look.mention_text(a.mention_id),
                        }
                        for a in ev.arguments
                    ],
                    "realis": ev.realis,
                    "time_value": None if time is None else time.value,
                    "time_mention_id": None if time is None else time.mention_id,
                    "time_text": None if time is None else look.mention_text(time.mention_id),
                    "time_reasoning": None if time is None else time.reasoning,
                    "context": look.context((t.start, t.end) for t in ev.triggers),
                }
            )
        return rows
    if config == "stance":
        rows = []
        for st in doc.stance:
            target = st.target
            event = look.events.get(target.event_id) if target.event_id else None
            rows.append(
                {
                    "doc_id": doc.id,
                    "id": st.id,
                    "holder": st.holder,
                    "holder_name": look.entity_name(st.holder),
                    "target_id": target.id,
                    "target_description": target.description,
                    "target_entity_id": target.entity_id,
                    "target_entity_name": look.entity_name(target.entity_id),
                    "target_event_id": target.event_id,
                    "target_event_type": None if event is None else event.type,
                    "polarity": st.polarity,
                    "evidence": _spans(st.evidence),
                    "quote_ids": list(st.quote_ids),
                    "basis": st.basis,
                    "context": look.context((s.start, s.end) for s in st.evidence),
                }
            )
        return rows
    raise ValueError(f'unknown config "{config}"')


def _encode(value: Any, spec: Spec) -> Any:
    """Label names -> ClassLabel indices, following the spec."""
    if value is None:
        return None
    if isinstance(spec, dict):
        return {k: _encode(value.get(k), v) for k, v in spec.items()}
    if isinstance(spec, tuple) and spec[0] == "list":
        return [_encode(v, spec[1]) for v in value]
    if isinstance(spec, tuple) and spec[0] == "label":
        return label_names(spec[1]).index(value)
    return value


def rows(config: str, documents: Iterable[Document]) -> list[dict[str, Any]]:
    """The rows of a config as stored (ClassLabel columns as indices), in a fixed order:
    documents in the given order, records in document order."""
    columns = _columns(config)
    out = []
    for doc in documents:
        for row in _rows(config, doc):
            out.append({name: _encode(row[name], spec) for name, spec, _ in columns})
    return out


# ---------------------------------------------------------------- Parquet


def parquet_bytes(config: str, table_rows: list[dict[str, Any]]) -> bytes:
    """The Parquet bytes of a config's rows (no timestamps; the HF features in the schema)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = features(config).arrow_schema
    table = pa.Table.from_pylist(table_rows, schema=schema)
    sink = io.BytesIO()
    # A config without rows is a file with the schema and no row group (``datasets``
    # cannot read a row group of 0 rows).
    with pq.ParquetWriter(
        sink,
        schema,
        compression="zstd",
        compression_level=9,
        version="2.6",
        data_page_version="1.0",
        use_dictionary=True,
        write_statistics=True,
        store_schema=True,
        write_page_index=False,
    ) as writer:
        if table.num_rows:
            writer.write_table(table, row_group_size=100_000)
    return sink.getvalue()


def documents_from_parquet(path: Path | str) -> list[Document]:
    """Read the ``documents`` config back into typed documents (the lossless reader)."""
    import pyarrow.parquet as pq

    return [Document.from_dict(row) for row in pq.read_table(path).to_pylist()]


def document_from_row(row: Mapping[str, Any]) -> Document:
    """A typed document from a row of the ``documents`` config as ``datasets`` returns it."""
    return Document.from_dict(dict(row))


# ---------------------------------------------------------------- inputs


def read_documents(folder: Path | None = None) -> tuple[list[Document], list[Problem]]:
    """Validate and read every document of ``folder`` (default: the corpus), in id order."""
    from newsgold.validate import validate_paths

    docs: list[Document] = []
    problems: list[Problem] = []
    for _path, found in validate_paths([folder or documents_dir()]):
        if found:
            problems.extend(found)
            continue
        value, _ = parse_json_file(_path)
        docs.append(Document.from_dict(value))
    docs.sort(key=lambda d: d.id)
    return docs, problems


def read_splits(
    path: Path, doc_ids: Sequence[str]
) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """Read the split file: ``{"test": [doc ids], ...}``.

    Every document must be in exactly one split, and every listed id must be a
    document; each violation is an L4 problem. Returns the splits in
    :data:`SPLITS` order, each with its ids sorted.
    """
    name = str(path)
    value, problems = parse_json_file(path)
    if problems:
        return {}, problems
    if not isinstance(value, dict):
        return {}, [
            problem(
                "split-file-invalid",
                name,
                "",
                f"the split file is {type(value).__name__}, not an object",
                'write {"test": ["<doc id>", ...]}',
            )
        ]
    found: dict[str, tuple[str, int]] = {}
    known = set(doc_ids)
    splits: dict[str, list[str]] = {}
    for split, ids in value.items():
        if split not in SPLITS or not isinstance(ids, list):
            problems.append(
                problem(
                    "split-file-invalid",
                    name,
                    pointer(split),
                    f'"{split}" is not a split name with a list of ids',
                    f"use the split names {', '.join(SPLITS)}, each with a list of document ids",
                )
            )
            continue
        for i, doc_id in enumerate(ids):
            where = pointer(split, i)
            if not isinstance(doc_id, str):
                problems.append(
                    problem(
                        "split-file-invalid",
                        name,
                        where,
                        f"{json.dumps(doc_id)} is not a document id",
                        "list document ids as strings",
                    )
                )
                continue
            if doc_id in found:
                first_split, first_i = found[doc_id]
                problems.append(
                    problem(
                        "split-duplicate-document",
                        name,
                        where,
                        f'"{doc_id}" is already listed at {pointer(first_split, first_i)}',
                        "list every document in exactly one split",
                    )
                )
                continue
            found[doc_id] = (split, i)
            if doc_id not in known:
                problems.append(
                    problem(
                        "split-unknown-document",
                        name,
                        where,
                        f'"{doc_id}" is not the id of any document',
                        "remove it or add the document",
                    )
                )
                continue
            splits.setdefault(split, []).append(doc_id)
    for doc_id in doc_ids:
        if doc_id not in found:
            problems.append(
                problem(
                    "split-missing-document",
                    name,
                    "",
                    f'document "{doc_id}" is in no split',
                    f'add "{doc_id}" to one split (the corpus is a benchmark: "test")',
                )
            )
    ordered = {s: tuple(sorted(splits[s])) for s in SPLITS if splits.get(s)}
    return ordered, problems


def _alignment_problems(docs: Iterable[Document], folder: Path) -> list[Problem]:
    from newsgold import tokens

    out = []
    for doc in docs:
        if not all(layer in doc.annotated_layers for layer in _NEEDS["ner"]):
            continue
        for mis in tokens.misalignments(doc):
            out.append(
                problem(
                    "span-token-misaligned",
                    str(folder / f"{doc.id}.json"),
                    mis.pointer,
                    mis.message(),
                    "the tokenizer splits differently here: check the span; the data is "
                    "not changed to fit the tokenizer",
                )
            )
    return out


# ---------------------------------------------------------------- the build


@dataclass(frozen=True)
class BuildInput:
    """Everything a build reads."""

    documents: tuple[Document, ...]
    splits: dict[str, tuple[str, ...]]
    card: str


def read_inputs(
    documents: Path | None = None, splits: Path | None = None, card: Path | None = None
) -> BuildInput:
    """Read and check the build's inputs; raise :class:`BuildError` with every problem."""
    folder = documents or documents_dir()
    split_path = splits or splits_file()
    card_path = card or card_source()
    docs, problems = read_documents(folder)
    split_map, split_problems = read_splits(split_path, [d.id for d in docs])
    problems += split_problems
    problems += _alignment_problems(docs, folder)
    card_text = ""
    try:
        card_text = card_path.read_text(encoding="utf-8")
    except OSError as err:
        problems.append(
            problem(
                "card-missing",
                str(card_path),
                "",
                f"cannot read the card: {err.strerror or err}",
                "write DATASET_CARD.md (YAML front matter and the hand-written sections)",
            )
        )
    else:
        problems += _card_problems(card_text, str(card_path))
    if problems:
        raise BuildError(problems)
    return BuildInput(tuple(docs), split_map, card_text)


def build_files(inputs: BuildInput) -> dict[str, bytes]:
    """Every built file, path (relative to the dataset folder) -> bytes, in a fixed order."""
    by_id = {d.id: d for d in inputs.documents}
    tables: dict[tuple[str, str], list[dict[str, Any]]] = {}
    files: dict[str, bytes] = {}
    for config in CONFIGS:
        for split, ids in inputs.splits.items():
            table_rows = rows(config, [by_id[i] for i in ids])
            tables[config, split] = table_rows
            files[data_file(config, split)] = parquet_bytes(config, table_rows)
    from newsgold.hub import croissant_json, render_card

    files["croissant.json"] = croissant_json(inputs, files)
    files["README.md"] = render_card(inputs, tables, files).encode("utf-8")
    return files


def _managed(folder: Path) -> list[str]:
    """Files in ``folder`` that belong to the build output (for extra-file checks)."""
    out = [name for name in ("README.md", "croissant.json") if (folder / name).is_file()]
    data = folder / "data"
    if data.is_dir():
        out += sorted(
            p.relative_to(folder).as_posix()
            for p in data.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )
    return out


def write_files(folder: Path, files: Mapping[str, bytes]) -> list[str]:
    """Write the built files into ``folder`` atomically; remove data files the build no
    longer writes. Returns the paths that changed."""
    changed = []
    for rel, data in files.items():
        target = folder / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        write_bytes_atomic(target, data)
        changed.append(rel)
    for rel in _managed(folder):
        if rel not in files:
            (folder / rel).unlink()
            changed.append(rel)
    return changed


def build(
    out: Path | None = None,
    *,
    documents: Path | None = None,
    splits: Path | None = None,
    card: Path | None = None,
) -> tuple[dict[str, bytes], list[str]]:
    """Build the dataset folder ``out`` (default ``dataset/``); return the files and the
    paths that changed. Raises :class:`BuildError`; nothing is written then."""
    files = build_files(read_inputs(documents, splits, card))
    return files, write_files(out or dataset_dir(), files)


def compare(folder: Path, files: Mapping[str, bytes]) -> list[Problem]:
    """Problems for each built file in ``folder`` that differs from ``files``."""
    problems = []
    for rel, data in files.items():
        target = folder / rel
        if not target.is_file():
            problems.append(
                problem(
                    "built-file-missing",
                    str(target),
                    "",
                    "the build writes this file but it is not there",
                    "run `newsgold build`",
                )
            )
        elif target.read_bytes() != data:
            have = hashlib.sha256(target.read_bytes()).hexdigest()[:12]
            want = hashlib.sha256(data).hexdigest()[:12]
            problems.append(
                problem(
                    "built-file-stale",
                    str(target),
                    "",
                    f"sha256 {have}... != {want}... of the fresh build",
                    "run `newsgold build` (built files are never edited by hand)",
                )
            )
    for rel in _managed(folder):
        if rel not in files:
            problems.append(
                problem(
                    "built-file-extra",
                    str(folder / rel),
                    "",
                    "the build does not write this file",
                    "remove it, or run `newsgold build`, which removes it",
                )
            )
    return problems


def check(
    folder: Path | None = None,
    *,
    documents: Path | None = None,
    splits: Path | None = None,
    card: Path | None = None,
) -> list[Problem]:
    """Rebuild into a temporary folder and compare with ``folder`` (default ``dataset/``)."""
    inputs = read_inputs(documents, splits, card)
    with tempfile.TemporaryDirectory(prefix="newsgold-build-") as tmp:
        fresh = Path(tmp)
        write_files(fresh, build_files(inputs))
        files = {rel: (fresh / rel).read_bytes() for rel in _managed(fresh)}
    return compare(folder or dataset_dir(), files)


# ---------------------------------------------------------------- card checks


def split_front_matter(text: str) -> tuple[str, str]:
    """(YAML, body) of a Markdown file with ``---`` front matter; ("", text) without."""
    if not text.startswith("---\n"):
        return "", text
    end = text.find("\n---\n", 4)
    if end < 0:
        return "", text
    return text[4 : end + 1], text[end + 5 :]


def _card_problems(text: str, name: str) -> list[Problem]:
    import yaml

    front, _ = split_front_matter(text)
    try:
        meta = yaml.safe_load(front) if front else {}
    except yaml.YAMLError as err:
        return [
            problem(
                "card-yaml-invalid",
                name,
                "",
                f"the front matter is not YAML: {err}",
                "fix the YAML between the two --- lines",
            )
        ]
    if not isinstance(meta, dict):
        return [
            problem(
                "card-yaml-invalid",
                name,
                "",
                "the front matter is not a YAML mapping",
                "start the card with ---, the metadata keys, and ---",
            )
        ]
    return [
        problem(
            "card-metadata-missing",
            name,
            pointer(key),
            f'the front matter has no "{key}"',
            "add it (see https://huggingface.co/docs/hub/datasets-cards)",
        )
        for key in REQUIRED_CARD_KEYS
        if key not in meta
    ]


# ---------------------------------------------------------------- loading


def load_config(config: str = DEFAULT_CONFIG, split: str = "test", **kwargs: Any) -> Any:
    """``datasets.load_dataset`` on the built dataset folder, for one config and split.

    Works offline and from an installed wheel; no loading script runs, and
    ``trust_remote_code`` is refused. Extra keyword arguments (``streaming=True``,
    ``cache_dir=...``) go to :func:`datasets.load_dataset`. A config with no rows yet
    gives an empty ``Dataset`` with the config's features (``datasets`` itself cannot
    load a split of 0 rows).
    """
    if config not in CONFIGS:
        raise ValueError(f'unknown config "{config}"; use one of: {", ".join(CONFIGS)}')
    if kwargs.pop("trust_remote_code", None):
        raise ValueError("newsgold data never runs code: trust_remote_code is not accepted")
    import datasets

    folder = dataset_dir()
    if not kwargs.get("streaming") and split in SPLITS:
        import pyarrow.parquet as pq

        path = folder / data_file(config, split)
        if path.is_file() and pq.read_metadata(path).num_rows == 0:
            empty = features(config)
            return datasets.Dataset.from_dict({k: [] for k in empty}, features=empty, split=split)
    return datasets.load_dataset(str(folder), config, split=split, **kwargs)


def decode_row(config: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row with ClassLabel indices turned back into names."""
    return {name: _decode(row.get(name), spec) for name, spec, _ in _columns(config)}


def _decode(value: Any, spec: Spec) -> Any:
    if value is None:
        return None
    if isinstance(spec, dict):
        return {k: _decode(value.get(k), v) for k, v in spec.items()}
    if isinstance(spec, tuple) and spec[0] == "list":
        return [_decode(v, spec[1]) for v in value]
    if isinstance(spec, tuple) and spec[0] == "label":
        return label_names(spec[1])[value]
    return value
