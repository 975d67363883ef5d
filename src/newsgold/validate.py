"""The validator: L1 parse, L2 schema, L3 document integrity, L4 corpus.

Every check returns :class:`~newsgold.issues.Problem` values and never raises on
bad input. Only an L1 problem stops the checks on a file. This module checks parsed
values; files and folders are read, and checked at L1 and L4, by :mod:`newsgold.reader`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from newsgold import layers as registry
from newsgold.io import structure_problems
from newsgold.issues import Problem, ProblemError, pointer, problem
from newsgold.layers.base import Context, as_str, dicts, short
from newsgold.resources import schema_dir

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

_SHA256 = re.compile(r"[0-9a-f]{64}")

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Bidirectional embedding, override and isolate controls: they change how a text shows."""
_BIDI_CHARS = tuple(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
"""The characters of ``_BIDI``: a test for each is quicker than the search."""

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""The shape of a calendar date (the schema's pattern); other shapes are reported at L2."""


class CorpusError(ProblemError):
    """Raised by loaders when a document does not validate; carries the problems."""

    empty_message = "invalid document"


def _validator() -> Any:
    """The document schema's validator, with the layers registered from outside the package."""
    return _compiled(registry.version())


@cache
def _compiled(version: int) -> Any:
    """Compile the validator of :func:`document_schema` for one state (``version``) of the
    layer registry."""
    from referencing import Registry, Resource

    doc_schema, labels = schema_files("document", "labels")
    registry: Registry[Any] = Registry().with_resources(
        [
            (labels["$id"], Resource.from_contents(labels)),
            (doc_schema["$id"], Resource.from_contents(doc_schema)),
        ]
    )
    # The schema files are checked against the 2020-12 meta-schema by the test suite
    # (tests/test_validate.py), not on every run: that check costs more than compiling.
    # The registry stays for any $ref the schema still holds (none today).
    return strict_validator()(document_schema(version), registry=registry)


@cache
def document_schema(version: int) -> dict[str, Any]:
    """The document schema as applied for one state (``version``) of the layer registry:
    every ``$ref`` resolved once, here, instead of on every validation (the schema has no
    recursion), and the layers added from outside included. Made without the schema
    library: a valid file is passed by the quick check alone, which is made from it."""
    doc_schema, labels = schema_files("document", "labels")
    return _with_added_layers(_inline_refs(doc_schema, {"": doc_schema, "labels.json": labels}))


@cache
def strict_validator() -> Any:
    """The JSON Schema 2020-12 validator class of the project, for documents and predictions
    alike: an integer is a JSON integer (JSON Schema counts 2.0 as one; an offset written
    2.0 is refused), and a pattern's ``$`` ends the string as in ECMA-262."""
    from jsonschema import Draft202012Validator, validators

    types = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    )
    return validators.extend(
        Draft202012Validator, validators={"pattern": _ecma_pattern}, type_checker=types
    )


class FastCheck:
    """A quick yes for a valid value: ``jsonschema-rs`` on a copy of the schema that keeps
    the project's rules (an integer is a JSON integer; a pattern it might read otherwise
    is matched by Python's ``re`` as :func:`strict_validator` does).

    ``check(value)`` is True only when the value is valid; False means "run the
    ``jsonschema`` validator", which alone produces the problems, so messages and pointers
    do not depend on this path. :func:`fast_check` gives ``None`` where ``jsonschema-rs``
    cannot be imported or cannot compile the schema.
    """

    def __init__(self, source: Any, check: Callable[[Any], bool]) -> None:
        self.source = source
        """The schema object it was made from (a validator with another schema skips it)."""
        self._check = check

    def __call__(self, value: Any) -> bool:
        try:
            return self._check(value)
        except (ValueError, TypeError, OverflowError):  # a value jsonschema-rs cannot take
            return False


_SAME_IN_ECMA = re.compile(r"(?:[A-Za-z0-9_^()\[\]{}|?*+,/: -]|\\\.)*")
"""Patterns (less a final ``$``) read alike by Python's ``re`` and Rust's ``regex``: ASCII
literals and classes, groups and counts; no ``\\s``, ``\\d``, ``\\w``, ``.`` or inner ``$``."""


class _StrictInteger:
    """The ``jsonschema-rs`` keyword that refuses a float where the schema says integer."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        pass

    def validate(self, instance: Any) -> None:
        if isinstance(instance, float):
            raise ValueError(f"{instance!r} is not a JSON integer")


_INTEGER_KEYWORD = "x-newsgold-integer"
_PATTERN_FORMAT = "x-newsgold-pattern:"


def _fast_schema(node: Any, patterns: set[str], integers: bool = True) -> Any:
    """``node`` for ``jsonschema-rs``: the strict-integer keyword beside each integer type
    (unless ``integers`` is False), each pattern it could read otherwise turned into a
    format that Python matches."""
    if isinstance(node, list):
        return [_fast_schema(item, patterns, integers) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: v
        if k in ("enum", "const", "default", "examples")
        else _fast_schema(v, patterns, integers)
        for k, v in node.items()
    }
    kind = node.get("type")
    if integers and (kind == "integer" or (isinstance(kind, list) and "integer" in kind)):
        out[_INTEGER_KEYWORD] = True
    pattern = node.get("pattern")
    if isinstance(pattern, str) and not _SAME_IN_ECMA.fullmatch(pattern.removesuffix("$")):
        del out["pattern"]
        patterns.add(pattern)
        out["allOf"] = [*out.get("allOf", []), {"format": _PATTERN_FORMAT + pattern}]
    return out


def _matcher(pattern: str) -> Callable[[str], bool]:
    regex = _regex(pattern)
    return lambda text: regex.search(text) is not None


def fast_check(
    schema: Any, resources: Iterable[Any] = (), integers: bool = True
) -> FastCheck | None:
    """A :class:`FastCheck` for ``schema``, whose ``$ref``s may point into ``resources``
    (schemas with an ``$id``); ``None`` without ``jsonschema-rs`` or when it refuses the
    schema. ``integers=False`` leaves out the project's integer rule (a float with an
    integer's value, ``2.0``, then passes where the schema says integer): only for a
    caller that refuses such a value by other means."""
    maker = fast_checker(resources, integers)
    return None if maker is None else maker(schema)


class FastChecker:
    """What makes a :class:`FastCheck` for each of several schemas that point into the same
    ``resources``: those turned for ``jsonschema-rs`` once, not for every schema (each
    schema compiled only when it is asked for). Made by :func:`fast_checker`."""

    def __init__(self, resources: Iterable[Any], integers: bool) -> None:
        import jsonschema_rs

        self._integers = integers
        self._patterns: set[str] = set()
        found = [(r["$id"], _fast_schema(r, self._patterns, integers)) for r in resources]
        self._registry = jsonschema_rs.Registry(found) if found else None

    def __call__(self, schema: Any) -> FastCheck | None:
        """The :class:`FastCheck` of ``schema``; ``None`` when ``jsonschema-rs`` refuses it."""
        import jsonschema_rs

        patterns = set(self._patterns)
        fast = _fast_schema(schema, patterns, self._integers)
        try:
            validator = jsonschema_rs.Draft202012Validator(
                fast,
                registry=self._registry,
                formats={_PATTERN_FORMAT + p: _matcher(p) for p in patterns},
                validate_formats=True,
                keywords={_INTEGER_KEYWORD: _StrictInteger},
                offline=True,
            )
        except ValueError:  # a schema it cannot compile: jsonschema alone
            return None
        return FastCheck(schema, validator.is_valid)


def fast_checker(resources: Iterable[Any] = (), integers: bool = True) -> FastChecker | None:
    """A :class:`FastChecker` over ``resources``; ``None`` without ``jsonschema-rs`` or when
    it refuses one of them."""
    try:
        return FastChecker(resources, integers)
    except (ImportError, ValueError):
        return None


@cache
def _fast(version: int, integers: bool = True) -> FastCheck | None:
    """The :class:`FastCheck` of the document schema for one state of the registry."""
    return fast_check(document_schema(version), schema_files("document", "labels"), integers)


def schema_files(*names: str) -> list[Any]:
    """The project's schema files ``schema/<name>.schema.json`` (``labels``: labels.json)."""
    root = schema_dir()
    return [
        json.loads(
            (root / ("labels.json" if name == "labels" else f"{name}.schema.json")).read_text(
                encoding="utf-8"
            )
        )
        for name in names
    ]


def effective_schema() -> dict[str, Any]:
    """The document schema as applied: ``$ref``s resolved, layers added from outside included."""
    return document_schema(registry.version())


def _with_added_layers(schema: dict[str, Any]) -> dict[str, Any]:
    """The document schema with a property, and a name in ``annotated_layers``, for each
    layer registered from outside the package (each declares its array's schema)."""
    for layer in registry.added():
        if layer.schema is None or layer.name in schema["properties"]:
            continue
        schema["properties"][layer.name] = dict(layer.schema)
        names = schema["properties"]["annotated_layers"]["items"]
        names["enum"] = [*names["enum"], layer.name]
    return schema


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
        return f"set it to {short(err.validator_value)}"
    if kw == "type":
        return f"give a value of type {err.validator_value}"
    if kw == "pattern":
        return f"match the pattern {err.validator_value}"
    if kw == "oneOf":
        return "give a value of one of the allowed forms (see the schema)"
    return f"correct the value (see {schema_file})"


def _form(schema: Any) -> str | None:
    """A few words for the values ``schema`` allows ("an array of spans"), or ``None``."""
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if kind == "null":
        return "null"
    if kind == "object":
        required = schema.get("required") or []
        return f"an object with {', '.join(required)}" if required else "an object"
    if kind == "array":
        items = schema.get("items")
        ref = items.get("$ref") if isinstance(items, dict) else None
        if isinstance(ref, str):
            return f"an array of {ref.rsplit('/', 1)[-1]}s"
        inner = _form(items)
        return f"an array of ({inner})" if inner else "an array"
    if isinstance(kind, str):
        return f"a {kind}"
    return None


def _alternatives(err: Any) -> tuple[list[Any], list[str]] | None:
    """The values an ``anyOf``/``oneOf`` allows (every branch an enum) or the forms it
    allows (a few words per branch), from the branches' own errors; ``None`` when a
    branch cannot be described."""
    if err.validator not in ("anyOf", "oneOf") or not err.context:
        return None
    branches: dict[Any, Any] = {}
    for sub in err.context:
        if not sub.relative_path and sub.validator in ("enum", "type"):
            branches.setdefault(sub.relative_schema_path[0], sub)
    if len(branches) != len(err.validator_value):
        return None
    subs = [branches[k] for k in sorted(branches)]
    if all(sub.validator == "enum" for sub in subs):
        values = [v for sub in subs for v in sub.validator_value]
        return list(dict.fromkeys(values)), []
    forms = [_form(sub.schema) for sub in subs]
    if any(form is None for form in forms):
        return None
    return [], [form for form in forms if form is not None]


def _alternatives_text(err: Any, schema_file: str) -> tuple[str, str] | None:
    """(message, hint) of an ``anyOf``/``oneOf`` error that names what is allowed."""
    found = _alternatives(err)
    if found is None:
        return None
    values, forms = found
    if values:
        allowed = ", ".join(str(v) for v in values)
        return f"{short(err.instance)}: is not one of the allowed values", f"use one of: {allowed}"
    either = ", or ".join([", ".join(forms[:-1]), forms[-1]] if len(forms) > 1 else forms)
    return f"{short(err.instance)}: is not {either}", f"give {either} (see {schema_file})"


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
                        problem(
                            "schema-required",
                            file,
                            pointer(*path, prop),
                            f'required property "{prop}" is missing',
                            hint,
                        )
                    )
            continue
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = set(err.schema.get("properties", {}))
            for prop in sorted(k for k in err.instance if k not in allowed):
                out.append(
                    problem(
                        "schema-additional-property",
                        file,
                        pointer(*path, prop),
                        f'property "{prop}" is not allowed here',
                        hint,
                    )
                )
            continue
        code = _SCHEMA_CODES.get(str(err.validator), "schema-other")
        said = err.message if len(err.message) < 200 else err.message[:197] + "..."
        message = f"{short(err.instance)}: {said}"
        named = _alternatives_text(err, schema_file)
        if named is not None:
            message, hint = named
        out.append(problem(code, file, pointer(*path), message, hint))
    return sorted(set(out), key=lambda p: (p.pointer, p.code, p.message))


def passes_schema_quickly(doc: Any, *, offsets_typed: bool = False) -> bool:
    """Whether ``doc`` passes the document schema (:func:`document_schema`) by the quick
    check alone, without the schema library. False where there is no quick check or the
    value does not pass: then only :func:`validate_document_value` says what is wrong (it
    refuses what JSON parsers let through, such as nesting too deep, before the schema).

    ``offsets_typed``: the caller trusts ``doc`` only once it is typed
    (:meth:`newsgold.model.Document.from_dict`), which refuses an offset that is no
    integer (:func:`newsgold.spans.offsets`); the schema's integer rule, which costs a
    call back into Python for each integer, is then left to that. It holds while every
    integer of the schema is an offset (``tests/test_read_quick.py``), so it is taken
    only when no layer from outside the package adds to the schema.
    """
    version = registry.version()
    integers = not offsets_typed or any(layer.schema is not None for layer in registry.added())
    fast = _fast(version, integers)
    return fast is not None and fast.source is document_schema(version) and fast(doc)


def _schema_problems(name: str, doc: Any, quick: bool = True) -> list[Problem]:
    validator = _validator()
    in_use = validator.schema is document_schema(registry.version())
    if quick and in_use and passes_schema_quickly(doc):
        return []
    return schema_problems(validator.iter_errors(doc), name)


# ---------------------------------------------------------------- L3


def _document_checks(ck: Context) -> None:
    """The checks of the document as a whole: its text checksum and its layer list."""
    text = ck.text
    sha = as_str(ck.doc.get("text_sha256"))
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
    bidi = _BIDI.search(text) if any(c in text for c in _BIDI_CHARS) else None
    if bidi is not None:
        ck.add(
            "/text",
            "bidi-control",
            f"text[{bidi.start()}] is the bidirectional control U+{ord(bidi.group()):04X}",
            "remove it: it reorders how the text is shown, not what it says",
        )
    required = set(effective_schema().get("required", ()))
    raw = ck.doc.get("annotated_layers")
    listed = raw if isinstance(raw, list) else []  # without a list, every layer counts as listed
    for name in registry.names():
        value = ck.doc.get(name)
        if isinstance(value, list) and value and name not in ck.listed:
            ck.add(
                pointer(name),
                "layer-not-annotated",
                f'layer "{name}" has {len(value)} items but is not in annotated_layers',
                f'add "{name}" to annotated_layers or empty the layer',
            )
        if name in listed and name not in ck.doc and name not in required:
            ck.add(
                pointer("annotated_layers", listed.index(name)),
                "annotated-layer-missing",
                f'annotated_layers lists "{name}" but the document has no "{name}" array',
                f'add "{name}": [] (annotated, none) or its records, or remove "{name}" '
                "from annotated_layers (not annotated yet)",
            )


def check_integrity(name: str, doc: dict[str, Any]) -> list[Problem]:
    """The L3 problems of a parsed document: the document's own checks, the ids of every
    layer, then each registered layer's checks in registry order."""
    raw = doc.get("annotated_layers")
    listed = [x for x in raw if isinstance(x, str)] if isinstance(raw, list) else None
    all_layers = registry.layers()
    ck = Context(name, doc, set(listed) if listed is not None else set(registry.names()))
    for layer in all_layers:
        ck.codes.update(layer.codes)
    _document_checks(ck)
    ck.collect_ids(all_layers)
    for layer in all_layers:
        if layer.check is not None:
            layer.check(ck)
    _check_metadata_dates(ck, doc.get("metadata"))
    return ck.problems


def _check_metadata_dates(ck: Context, metadata: Any) -> None:
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
    for i, source in dicts(metadata.get("sources")):
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
    return _validate(doc, name, _is_json(doc))


def validate_parsed(doc: Any, name: str) -> list[Problem]:
    """:func:`validate_document_value` of a value that :func:`newsgold.io.parse_json_bytes`
    returned: its L1 checks were done there and are not repeated."""
    return _validate(doc, name, True)


def _validate(doc: Any, name: str, fast: bool) -> list[Problem]:
    """L2 and L3; ``fast``: the value holds only what JSON parses to (the quick schema
    check may pass it)."""
    problems = _schema_problems(name, doc, fast)
    if isinstance(doc, dict):
        problems += check_integrity(name, doc)
    return problems


_JSON_SCALARS = (str, int, float, bool, type(None))


def _is_json(value: Any) -> bool:
    """Whether ``value`` holds only dicts with string keys, lists, strings, numbers, booleans
    and None (a tuple, say, is an array to ``jsonschema-rs`` but not to ``jsonschema``)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            if not all(type(key) is str for key in item):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind not in _JSON_SCALARS:
            return False
    return True
