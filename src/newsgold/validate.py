"""The validator: L1 parse, L2 schema, L3 document integrity, L4 corpus.

Every check returns :class:`~newsgold.issues.Problem` values and never raises on
bad input. Only an L1 problem stops the checks on a file.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from newsgold.io import canonical_json, parse_json_file, structure_problems
from newsgold.issues import Problem, pointer
from newsgold.labels import inventory
from newsgold.model import Document
from newsgold.resources import documents_dir, schema_dir

_SCHEMA_CODES = {
    "type": "schema-type",
    "required": "schema-required",
    "additionalProperties": "schema-additional-property",
    "enum": "schema-enum",
    "const": "schema-const",
    "pattern": "schema-pattern",
    "minimum": "schema-minimum",
    "minLength": "schema-min-length",
    "minItems": "schema-min-items",
    "uniqueItems": "schema-unique-items",
    "oneOf": "schema-one-of",
}

_ID = re.compile(r"[a-z]+[0-9]*(?:_[A-Za-z0-9]+)*")
"""The shape of an annotation id (the schema's pattern); other ids are reported at L2."""

_SHA256 = re.compile(r"[0-9a-f]{64}")

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""The shape of a calendar date (the schema's pattern); other shapes are reported at L2."""

_PREFIX = {
    "sentences": "s",
    "mentions": "m",
    "entities": "e",
    "quotes": "q",
    "triggers": "t",
    "events": "ev",
    "stance": "st",
    "targets": "tg",
}


class CorpusError(Exception):
    """Raised by loaders when a document does not validate; carries the problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0].format() if problems else "invalid document"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator, validators
    from referencing import Registry, Resource

    root = schema_dir()
    doc_schema = json.loads((root / "document.schema.json").read_text(encoding="utf-8"))
    labels = json.loads((root / "labels.json").read_text(encoding="utf-8"))
    registry: Registry[Any] = Registry().with_resources(
        [
            (labels["$id"], Resource.from_contents(labels)),
            (doc_schema["$id"], Resource.from_contents(doc_schema)),
        ]
    )
    Draft202012Validator.check_schema(doc_schema)
    # Resolve every $ref once, here, instead of on every validation (the schema has no
    # recursion); the registry stays for anything left unresolved.
    doc_schema = _inline_refs(doc_schema, {"": doc_schema, "labels.json": labels})
    # JSON Schema counts 2.0 as an integer; an offset must be a JSON integer, not 2.0.
    types = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    )
    strict = validators.extend(
        Draft202012Validator, validators={"pattern": _ecma_pattern}, type_checker=types
    )
    return strict(doc_schema, registry=registry)


def _inline_refs(node: Any, documents: dict[str, Any]) -> Any:
    """Replace each local or labels.json ``$ref`` by the schema it points to.

    Keywords beside the ``$ref`` (its ``description``) are kept over the target's.
    """
    if isinstance(node, list):
        return [_inline_refs(item, documents) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _inline_refs(v, documents) for k, v in node.items() if k != "$ref"}
    ref = node.get("$ref")
    if isinstance(ref, str) and "#/$defs/" in ref:
        doc_name, _, name = ref.partition("#/$defs/")
        if doc_name in documents and name in documents[doc_name].get("$defs", {}):
            target = _inline_refs(documents[doc_name]["$defs"][name], documents)
            return {**target, **out}
    if isinstance(ref, str):
        out["$ref"] = ref
    return out


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    # ECMA-262 `$` matches only at the end; Python's `$` also before a final newline.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if isinstance(instance, str) and _regex(pattern).search(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _schema_hint(err: Any, schema_file: str) -> str:
    kw = err.validator
    if kw == "required":
        return f"add the missing property (see {schema_file})"
    if kw == "additionalProperties":
        return "remove the property or correct its spelling"
    if kw == "enum":
        allowed = ", ".join(str(v) for v in err.validator_value)
        return f"use one of: {allowed}"
    if kw == "const":
        return f"set it to {_short(err.validator_value)}"
    if kw == "type":
        return f"give a value of type {err.validator_value}"
    if kw == "pattern":
        return f"match the pattern {err.validator_value}"
    if kw == "oneOf":
        return "give a value of one of the allowed forms (see the schema)"
    return f"correct the value (see {schema_file})"


def _fitting_errors(errors: Iterable[Any]) -> Iterator[Any]:
    """Errors, with a ``oneOf`` that one alternative fits by type (an object where the
    schema says "object or null") replaced by that alternative's own errors: a missing
    key inside is reported at its place, not as "valid under none of the schemas"."""
    for err in errors:
        if err.validator == "oneOf" and err.context:
            branches: dict[Any, list[Any]] = {}
            for sub in err.context:
                branches.setdefault(sub.schema_path[0], []).append(sub)
            fitting = [
                subs
                for subs in branches.values()
                if not any(s.validator == "type" and not s.relative_path for s in subs)
            ]
            if len(fitting) == 1:
                yield from _fitting_errors(fitting[0])
                continue
        yield err


def schema_problems(
    errors: Iterable[Any],
    file: str,
    base: tuple[str | int, ...] = (),
    schema_file: str = "schema/document.schema.json",
) -> list[Problem]:
    """Turn JSON Schema errors into L2 problems, one per missing or unknown property.

    ``base`` is prefixed to every pointer (for a value validated inside a larger file).
    """
    out = []
    for err in _fitting_errors(errors):
        path = [*base, *err.absolute_path]
        hint = _schema_hint(err, schema_file)
        if err.validator == "required" and isinstance(err.instance, dict):
            for prop in err.validator_value:
                if prop not in err.instance:
                    out.append(
                        Problem(
                            file,
                            pointer(*path, prop),
                            2,
                            "schema-required",
                            f'required property "{prop}" is missing',
                            hint,
                        )
                    )
            continue
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = set(err.schema.get("properties", {}))
            for prop in sorted(k for k in err.instance if k not in allowed):
                out.append(
                    Problem(
                        file,
                        pointer(*path, prop),
                        2,
                        "schema-additional-property",
                        f'property "{prop}" is not allowed here',
                        hint,
                    )
                )
            continue
        code = _SCHEMA_CODES.get(str(err.validator), "schema-other")
        said = err.message if len(err.message) < 200 else err.message[:197] + "..."
        message = f"{_short(err.instance)}: {said}"
        out.append(Problem(file, pointer(*path), 2, code, message, hint))
    return sorted(set(out), key=lambda p: (p.pointer, p.code, p.message))


def _schema_problems(name: str, doc: Any) -> list[Problem]:
    return schema_problems(_validator().iter_errors(doc), name)


# ---------------------------------------------------------------- L3 helpers


def _dicts(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _is_word(ch: str) -> bool:
    return ch.isalnum()


class _Checker:
    def __init__(self, name: str, doc: dict[str, Any]) -> None:
        self.name = name
        self.doc = doc
        self.text: str = doc["text"] if isinstance(doc.get("text"), str) else ""
        self.problems: list[Problem] = []

    def add(self, where: str, code: str, message: str, hint: str) -> None:
        from newsgold.issues import CODES

        self.problems.append(Problem(self.name, where, CODES[code][0], code, message, hint))

    # spans ---------------------------------------------------------------
    def span(self, span: dict[str, Any], *path: str | int) -> tuple[int, int] | None:
        """Check one span object; return (start, end) when its offsets are usable."""
        start, end, stext = _int(span.get("start")), _int(span.get("end")), _str(span.get("text"))
        if start is None or end is None or stext is None or start < 0:
            return None  # reported at L2
        n = len(self.text)
        if start >= end:
            self.add(
                pointer(*path, "end"),
                "span-reversed",
                f"start {start} is not before end {end}",
                "set end to start + len(text)",
            )
            return None
        if end > n:
            self.add(
                pointer(*path, "end"),
                "span-out-of-range",
                f"end {end} is past the end of the text ({n} characters)",
                "correct the offsets",
            )
            return None
        actual = self.text[start:end]
        if actual != stext:
            self._mismatch(path, start, end, stext, actual)
            return None
        if actual[0].isspace() or actual[-1].isspace():
            self.add(
                pointer(*path, "text"),
                "span-whitespace-edge",
                f"{_short(actual)} starts or ends with whitespace",
                "trim the span to its first and last non-space character",
            )
        if (start > 0 and _is_word(self.text[start - 1]) and _is_word(self.text[start])) or (
            end < n and _is_word(self.text[end - 1]) and _is_word(self.text[end])
        ):
            ctx = self.text[max(0, start - 10) : min(n, end + 10)]
            self.add(
                pointer(*path),
                "span-inside-word",
                f"span {start}-{end} {_short(actual)} cuts a word in {_short(ctx)}",
                "extend the span to whole words",
            )
        return start, end

    def _mismatch(
        self, path: tuple[str | int, ...], start: int, end: int, stext: str, actual: str
    ) -> None:
        # Where the stated text occurs nearest the stated start, suggest those offsets.
        best = None
        if stext:
            lo = max(0, start - 200)
            pos = self.text.find(stext, lo, min(len(self.text), end + 200 + len(stext)))
            while pos != -1:
                if best is None or abs(pos - start) < abs(best - start):
                    best = pos
                pos = self.text.find(stext, pos + 1, min(len(self.text), end + 200 + len(stext)))
        message = f"text {_short(stext)} != text[{start}:{end}] {_short(actual)}"
        if best is not None and best != start:
            self.add(
                pointer(*path, "start"),
                "span-text-mismatch",
                message,
                f'set start to {best} and end to {best + len(stext)}, or correct "text"',
            )
        elif best is not None:
            self.add(
                pointer(*path, "end"),
                "span-text-mismatch",
                message,
                f'set end to {best + len(stext)} or correct "text"',
            )
        else:
            self.add(
                pointer(*path, "text"),
                "span-text-mismatch",
                message,
                f'set "text" to {_short(actual)} or correct the offsets',
            )

    def span_list(self, spans: Any, *path: str | int) -> list[tuple[int, int]]:
        got = []
        prev_end = -1
        for i, s in _dicts(spans):
            r = self.span(s, *path, i)
            if r is None:
                continue
            if r[0] < prev_end:
                self.add(
                    pointer(*path, i, "start"),
                    "spans-unordered",
                    f"span starts at {r[0]}, before the previous span ends ({prev_end})",
                    "list the spans in text order without overlap",
                )
            prev_end = max(prev_end, r[1])
            got.append(r)
        return got


def _collect_ids(ck: _Checker) -> dict[str, dict[str, tuple[str, ...]]]:
    """Gather ids by kind; report duplicates and wrong prefixes."""
    kinds: dict[str, dict[str, tuple[str, ...]]] = {k: {} for k in _PREFIX}
    seen: dict[str, str] = {}

    def register(kind: str, value: Any, *path: str | int) -> None:
        ident = _str(value)
        if ident is None:
            return
        where = pointer(*path)
        prefix = _PREFIX[kind]
        if _ID.fullmatch(ident) and not (
            ident.startswith(prefix)
            and (ident[len(prefix) :][:1].isdigit() or ident[len(prefix) :][:1] == "_")
        ):
            ck.add(
                where,
                "id-prefix",
                f'id "{ident}" of {kind} does not start with "{prefix}" and a digit or "_"',
                f'rename it to "{prefix}{ident.lstrip("abcdefghijklmnopqrstuvwxyz_")}" or similar',
            )
        if kind == "targets":
            return  # target ids repeat across stance records by design
        if ident in seen:
            ck.add(
                where,
                "duplicate-id",
                f'id "{ident}" is already used at {seen[ident]}',
                "give every annotation its own id",
            )
            return
        seen[ident] = where
        kinds[kind][ident] = tuple(str(p) for p in path)

    for layer in ("sentences", "mentions", "entities", "quotes", "events", "stance"):
        for i, item in _dicts(ck.doc.get(layer)):
            register(layer, item.get("id"), layer, i, "id")
            if layer == "events":
                for j, trig in _dicts(item.get("triggers")):
                    register("triggers", trig.get("id"), "events", i, "triggers", j, "id")
            if layer == "stance" and isinstance(item.get("target"), dict):
                register("targets", item["target"].get("id"), "stance", i, "target", "id")
    return kinds


def _check_integrity(name: str, doc: dict[str, Any]) -> list[Problem]:
    ck = _Checker(name, doc)
    text = ck.text
    inv = inventory()

    sha = _str(doc.get("text_sha256"))
    if sha is not None and _SHA256.fullmatch(sha) and text:
        actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if sha != actual:
            ck.add(
                "/text_sha256",
                "text-sha256-mismatch",
                f"text_sha256 {sha[:12]}... != SHA-256 of text {actual[:12]}...",
                "the text was changed: restore it, or if the change is intended set text_sha256 to "
                + actual,
            )

    listed = doc.get("annotated_layers")
    listed_set = (
        {x for x in listed if isinstance(x, str)} if isinstance(listed, list) else set(inv.layers)
    )
    for layer in inv.layers:
        value = doc.get(layer)
        if isinstance(value, list) and value and layer not in listed_set:
            ck.add(
                pointer(layer),
                "layer-not-annotated",
                f'layer "{layer}" has {len(value)} items but is not in annotated_layers',
                f'add "{layer}" to annotated_layers or empty the layer',
            )

    ids = _collect_ids(ck)

    def ref(kind: str, value: Any, *path: str | int) -> bool:
        ident = _str(value)
        if ident is None:
            return False
        if ident not in ids[kind]:
            ck.add(
                pointer(*path),
                "dangling-reference",
                f'"{ident}" is not the id of any of the {kind}',
                f"use an id from /{kind} or add the missing record",
            )
            return False
        return True

    # sentences
    prev_end = 0
    covered_to = 0
    known = True  # False right after a sentence with unusable offsets: its extent is unknown
    for i, s in _dicts(doc.get("sentences")):
        r = ck.span(s, "sentences", i)
        if r is None:
            known = False
            continue
        if r[0] < prev_end:
            ck.add(
                pointer("sentences", i, "start"),
                "sentence-overlap",
                f"sentence starts at {r[0]}, before the previous one ends ({prev_end})",
                "make sentences follow each other without overlap",
            )
        elif known:
            gap = text[covered_to : r[0]]
            if gap.strip():
                ck.add(
                    pointer("sentences", i, "start"),
                    "sentence-gap",
                    f"text[{covered_to}:{r[0]}] {_short(gap)} is in no sentence",
                    "extend a sentence or add one that covers it",
                )
        prev_end = max(prev_end, r[1])
        covered_to = max(covered_to, r[1])
        known = True
    sentences_listed = "sentences" in listed_set and isinstance(doc.get("sentences"), list)
    if sentences_listed and known and text[covered_to:].strip():
        ck.add(
            pointer("sentences"),
            "sentence-gap",
            f"text[{covered_to}:{len(text)}] {_short(text[covered_to:])} is in no sentence",
            "add a sentence that covers the end of the text",
        )

    # entities
    entity_types: dict[str, str] = {}
    for _, e in _dicts(doc.get("entities")):
        if isinstance(e.get("id"), str) and e.get("type") in inv.entity_types:
            entity_types[e["id"]] = e["type"]
    for i, e in _dicts(doc.get("entities")):
        members = e.get("members")
        if isinstance(members, list):
            for j, member in enumerate(members):
                if not ref("entities", member, "entities", i, "members", j):
                    continue
                member_rec = next(
                    (x for _, x in _dicts(doc.get("entities")) if x.get("id") == member), {}
                )
                if member == e.get("id") or (
                    isinstance(member_rec.get("members"), list) and member_rec["members"]
                ):
                    ck.add(
                        pointer("entities", i, "members", j),
                        "group-member-invalid",
                        f'"{member}" is the group itself or another group',
                        "list the individual member entities",
                    )

    # mentions
    nam_spans: list[tuple[int, int, int]] = []
    spans_seen: dict[tuple[int, int], int] = {}
    mention_labels: dict[str, str] = {}
    mention_entity: dict[str, str] = {}
    referenced: set[str] = set()
    for i, m in _dicts(doc.get("mentions")):
        r = ck.span(m, "mentions", i)
        eid = _str(m.get("entity_id"))
        if eid is not None and ref("entities", eid, "mentions", i, "entity_id"):
            referenced.add(eid)
            label = m.get("label")
            if label in inv.entity_types and entity_types.get(eid) not in (None, label):
                ck.add(
                    pointer("mentions", i, "label"),
                    "label-type-mismatch",
                    f'label {m["label"]} != type {entity_types[eid]} of entity "{eid}"',
                    "link the mention to an entity of its type or correct the label",
                )
        if isinstance(m.get("id"), str) and isinstance(m.get("label"), str):
            mention_labels[m["id"]] = m["label"]
        if isinstance(m.get("id"), str) and isinstance(eid, str):
            mention_entity[m["id"]] = eid
        if r is None:
            continue
        if r in spans_seen:
            ck.add(
                pointer("mentions", i),
                "mention-duplicate-span",
                f"same span {r[0]}-{r[1]} as /mentions/{spans_seen[r]}",
                "keep one mention per span",
            )
        else:
            spans_seen[r] = i
        if m.get("mention_type") == "NAM":
            nam_spans.append((r[0], r[1], i))
    nam_spans.sort()
    reach: tuple[int, int, int] | None = None  # the earlier NAM mention that ends last
    for s2, e2, i2 in nam_spans:
        if reach is not None and s2 < reach[1]:
            s1, e1, i1 = reach
            ck.add(
                pointer("mentions", i2),
                "nam-overlap",
                f"NAM mention {s2}-{e2} {_short(text[s2:e2])} overlaps NAM mention "
                f"/mentions/{i1} {s1}-{e1} {_short(text[s1:e1])}",
                "NAM mentions are flat: keep the longest name",
            )
        if reach is None or e2 > reach[1]:
            reach = (s2, e2, i2)
    if "mentions" in listed_set and "entities" in listed_set:
        for i, e in _dicts(doc.get("entities")):
            if isinstance(e.get("id"), str) and e["id"] not in referenced:
                ck.add(
                    pointer("entities", i),
                    "entity-without-mention",
                    f'no mention refers to entity "{e["id"]}"',
                    "link a mention to it or remove it",
                )

    def same_entity(mention_id: Any, entity_id: Any, *path: str | int) -> None:
        """A mention given beside an entity must be a mention of that entity."""
        linked = mention_entity.get(str(mention_id))
        if linked is None or not isinstance(entity_id, str) or linked == entity_id:
            return
        ck.add(
            pointer(*path),
            "mention-entity-mismatch",
            f'mention "{mention_id}" refers to "{linked}", not to "{entity_id}"',
            f'give a mention of "{entity_id}", or set the entity to "{linked}"',
        )

    # quotes
    quote_content: dict[str, list[tuple[int, int]]] = {}
    parents: dict[str, str] = {}
    for i, q in _dicts(doc.get("quotes")):
        content = ck.span_list(q.get("content"), "quotes", i, "content")
        usable = len(content) == len(list(_dicts(q.get("content"))))
        ck.span_list(q.get("cue"), "quotes", i, "cue")
        if q.get("source") is not None:
            ref("mentions", q.get("source"), "quotes", i, "source")
        if q.get("speaker") is not None and ref(
            "entities", q.get("speaker"), "quotes", i, "speaker"
        ):
            same_entity(q.get("source"), q.get("speaker"), "quotes", i, "source")
        addressee = q.get("addressee")
        if isinstance(addressee, dict):
            ref("entities", addressee.get("entity_id"), "quotes", i, "addressee", "entity_id")
            if addressee.get("mention_id") is not None and ref(
                "mentions", addressee.get("mention_id"), "quotes", i, "addressee", "mention_id"
            ):
                same_entity(
                    addressee["mention_id"],
                    addressee.get("entity_id"),
                    "quotes",
                    i,
                    "addressee",
                    "mention_id",
                )
        if isinstance(q.get("id"), str):
            if usable:
                quote_content[q["id"]] = content
            if q.get("parent") is not None and ref(
                "quotes", q.get("parent"), "quotes", i, "parent"
            ):
                parents[q["id"]] = q["parent"]
    for i, q in _dicts(doc.get("quotes")):
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
                pointer("quotes", i, "parent"),
                "quote-parent-cycle",
                f'"{qid}" is, through its parents, its own ancestor',
                "a parent must enclose its child, not the other way round",
            )
            continue
        outer = quote_content.get(parent)
        if outer is None:
            continue  # the parent's content has problems of its own
        for cs, ce in quote_content.get(str(qid), []):
            if not any(ps <= cs and ce <= pe for ps, pe in outer):
                ck.add(
                    pointer("quotes", i, "content"),
                    "quote-outside-parent",
                    f"content {cs}-{ce} {_short(text[cs:ce])} "
                    f'is not inside the content of parent "{parent}"',
                    "nest only attributions that lie inside the parent's content, or clear parent",
                )
                break

    # events
    for i, ev in _dicts(doc.get("events")):
        for j, trig in _dicts(ev.get("triggers")):
            ck.span(trig, "events", i, "triggers", j)
        etype = ev.get("type")
        modes = ev.get("modes")
        if isinstance(etype, str) and etype in inv.event_modes and isinstance(modes, list):
            for j, mode in enumerate(modes):
                if isinstance(mode, str) and mode not in inv.event_modes[etype]:
                    allowed = ", ".join(inv.event_modes[etype]) or "none"
                    ck.add(
                        pointer("events", i, "modes", j),
                        "event-mode-not-allowed",
                        f'mode "{mode}" is not a mode of {etype}',
                        f"use one of: {allowed}",
                    )
        for j, arg in _dicts(ev.get("arguments")):
            ref("entities", arg.get("entity_id"), "events", i, "arguments", j, "entity_id")
            if arg.get("mention_id") is not None and ref(
                "mentions", arg.get("mention_id"), "events", i, "arguments", j, "mention_id"
            ):
                same_entity(
                    arg["mention_id"],
                    arg.get("entity_id"),
                    "events",
                    i,
                    "arguments",
                    j,
                    "mention_id",
                )
        tm = ev.get("time")
        if (
            isinstance(tm, dict)
            and tm.get("mention_id") is not None
            and ref("mentions", tm.get("mention_id"), "events", i, "time", "mention_id")
        ):
            label = mention_labels.get(str(tm["mention_id"]))
            if label not in ("DATE", "TIME"):
                ck.add(
                    pointer("events", i, "time", "mention_id"),
                    "event-time-label",
                    f'mention "{tm["mention_id"]}" is {label}, not DATE or TIME',
                    "anchor the time to a DATE or TIME mention or set mention_id to null",
                )

    # stance
    targets: dict[str, tuple[Any, ...]] = {}
    for i, st in _dicts(doc.get("stance")):
        ref("entities", st.get("holder"), "stance", i, "holder")
        ck.span_list(st.get("evidence"), "stance", i, "evidence")
        qids = st.get("quote_ids")
        if isinstance(qids, list):
            for j, qid in enumerate(qids):
                ref("quotes", qid, "stance", i, "quote_ids", j)
        tg = st.get("target")
        if isinstance(tg, dict):
            if tg.get("entity_id") is not None:
                ref("entities", tg.get("entity_id"), "stance", i, "target", "entity_id")
            if tg.get("event_id") is not None:
                ref("events", tg.get("event_id"), "stance", i, "target", "event_id")
            tid = tg.get("id")
            key = (tg.get("description"), tg.get("entity_id"), tg.get("event_id"))
            if isinstance(tid, str):
                if tid in targets and targets[tid] != key:
                    ck.add(
                        pointer("stance", i, "target"),
                        "target-conflict",
                        f'target "{tid}" is {_short(list(key))} here '
                        f"but {_short(list(targets[tid]))} before",
                        "use one description and link per target id, or a new id",
                    )
                targets.setdefault(tid, key)

    _check_metadata_dates(ck, doc.get("metadata"))
    return ck.problems


def _check_metadata_dates(ck: _Checker, metadata: Any) -> None:
    """Every metadata date is a real day, and the document date lies within its bounds."""
    if not isinstance(metadata, dict):
        return
    found: dict[str, datetime.date] = {}

    def day(value: Any, *path: str | int) -> None:
        if not isinstance(value, str) or not _DAY.fullmatch(value):
            return  # absent, null, or a shape the schema reports
        try:
            found[pointer(*path)] = datetime.date.fromisoformat(value)
        except ValueError:
            ck.add(
                pointer(*path),
                "impossible-date",
                f'"{value}" is no calendar day',
                "give a real day (YYYY-MM-DD, month 01-12, a day the month has)",
            )

    date = metadata.get("date")
    if isinstance(date, dict):
        for key in ("value", "not_before", "not_after"):
            day(date.get(key), "metadata", "date", key)
    publication = metadata.get("publication")
    if isinstance(publication, dict):
        day(publication.get("date"), "metadata", "publication", "date")
    for i, source in _dicts(metadata.get("sources")):
        day(source.get("date"), "metadata", "sources", i, "date")

    value = found.get("/metadata/date/value")
    lo = found.get("/metadata/date/not_before")
    hi = found.get("/metadata/date/not_after")
    if lo is not None and hi is not None and lo > hi:
        ck.add(
            "/metadata/date/not_after",
            "impossible-date",
            f"not_after {hi.isoformat()} is before not_before {lo.isoformat()}",
            "correct one of the bounds",
        )
    elif value is not None and ((lo is not None and value < lo) or (hi is not None and value > hi)):
        bounds = f"{lo.isoformat() if lo else '..'} to {hi.isoformat() if hi else '..'}"
        ck.add(
            "/metadata/date/value",
            "impossible-date",
            f"value {value.isoformat()} lies outside its bounds {bounds}",
            "correct the value or the bounds",
        )


# ---------------------------------------------------------------- entry points


def validate_document_value(doc: Any, name: str) -> list[Problem]:
    """Validate a parsed document (L2 and L3; first the L1 checks of :func:`structure_problems`)."""
    hazards = structure_problems(doc, name)
    if hazards:
        return hazards
    problems = _schema_problems(name, doc)
    if isinstance(doc, dict):
        problems += _check_integrity(name, doc)
    return problems


def validate_file(
    path: Path, *, check_name: bool = True
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Validate one document file (L1 to L3, and the file-name and canonical-form checks of L4)."""
    value, problems = parse_json_file(path)
    if problems:
        return None, problems
    name = str(path)
    problems = validate_document_value(value, name)
    if isinstance(value, dict) and check_name:
        doc_id = value.get("id")
        if isinstance(doc_id, str) and path.name != f"{doc_id}.json":
            problems.append(
                Problem(
                    name,
                    "/id",
                    4,
                    "file-name-mismatch",
                    f'id "{doc_id}" but file name "{path.name}"',
                    f'rename the file to "{doc_id}.json" or correct the id',
                )
            )
    if not problems:
        canonical = canonical_json(Document.from_dict(value))
        if path.read_text(encoding="utf-8") != canonical:
            problems.append(
                Problem(
                    name,
                    "",
                    4,
                    "non-canonical-format",
                    "file is valid but not in canonical form "
                    "(key order, 2-space indent, trailing newline)",
                    f"run `newsgold format {path}`",
                )
            )
    return (value if isinstance(value, dict) else None), problems


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files to validate: each file as given, each folder's ``*.json`` in name order.

    A file reached twice (given twice, or given and inside a given folder) is listed once.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        found = sorted(p.glob("*.json")) if p.is_dir() and not p.is_symlink() else [p]
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                out.append(file)
    return out


def link_problem(path: Path, folder: Path) -> Problem | None:
    """A file of ``folder`` that is a symbolic link to a place outside it is not followed."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    if target.is_relative_to(folder.resolve()):
        return None
    return Problem(
        str(path), "", 1, "file-unreadable",
        f"is a symbolic link to {target}, outside {folder}; not followed",
        "copy the document into the folder, or give the file's own path",
    )  # fmt: skip


def validated_files(
    paths: Iterable[Path] | None = None,
) -> Iterator[tuple[Path, dict[str, Any] | None, list[Problem]]]:
    """Validate files one at a time (streaming), yielding each file's parsed value too.

    Checks L1 to L4, including duplicate ids across the files. In a folder, a symbolic
    link that leads out of the folder is reported, not followed.
    """
    given = list(paths) if paths is not None else [documents_dir()]
    folders = {p for p in given if p.is_dir() and not p.is_symlink()}
    files = expand_paths(given)
    seen: dict[str, Path] = {}
    for path in files:
        link = link_problem(path, path.parent) if path.parent in folders else None
        if link is not None:
            yield path, None, [link]
            continue
        value, problems = validate_file(path)
        if value is not None and isinstance(value.get("id"), str):
            doc_id = value["id"]
            if doc_id in seen:
                problems.append(
                    Problem(
                        str(path),
                        "/id",
                        4,
                        "duplicate-document-id",
                        f'id "{doc_id}" is also the id of {seen[doc_id]}',
                        "give every document its own id",
                    )
                )
            else:
                seen[doc_id] = path
        yield path, value, problems


def validate_paths(paths: Iterable[Path] | None = None) -> Iterator[tuple[Path, list[Problem]]]:
    """Validate files one at a time (streaming): each file with its problems."""
    for path, _value, problems in validated_files(paths):
        yield path, problems


def load_document(path: Path) -> Document:
    """Read and validate one document; raise :class:`CorpusError` when it is invalid."""
    value, problems = validate_file(path)
    if problems or value is None:
        raise CorpusError(problems)
    return Document.from_dict(value)


def iter_documents(path: str | Path | None = None) -> Iterator[Document]:
    """Yield the validated documents of a folder (default: the corpus), in id order."""
    folder = Path(path) if path is not None else documents_dir()
    for _file, value, problems in validated_files([folder]):
        if problems or value is None:
            raise CorpusError(problems)
        yield Document.from_dict(value)
