"""Problems found in input, as values. Only the CLI prints them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Level = Literal[1, 2, 3, 4]

LEVEL_NAMES: dict[int, str] = {1: "parse", 2: "schema", 3: "integrity", 4: "corpus"}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem: where it is, what it is, how to fix it.

    ``code`` is a stable kebab-case id (listed in :data:`CODES`); ``pointer`` is
    an RFC 6901 JSON pointer into the file ("" for the whole file).
    """

    file: str
    pointer: str
    level: int
    code: str
    message: str
    hint: str

    def format(self) -> str:
        return f"{self.file}#{self.pointer}: L{self.level} {self.code}: {self.message}; {self.hint}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def pointer(*parts: str | int) -> str:
    """Build an RFC 6901 JSON pointer from path parts."""
    out = []
    for part in parts:
        out.append(str(part).replace("~", "~0").replace("/", "~1"))
    return "".join("/" + p for p in out)


# Every code the validator can emit, with its level and what it means.
CODES: dict[str, tuple[int, str]] = {
    # L1: the bytes
    "file-unreadable": (1, "the file cannot be read (missing, a directory, no permission)"),
    "file-too-large": (1, "the file is larger than the size limit"),
    "empty-file": (1, "the file has no content"),
    "invalid-utf8": (1, "the bytes are not UTF-8"),
    "utf8-bom": (1, "the file starts with a byte-order mark"),
    "crlf-line-ends": (1, "the file has CR or CRLF line ends"),
    "nul-byte": (1, "the file has a NUL byte"),
    "invalid-json": (1, "not strict JSON: truncated, a syntax error, NaN, too deep, too long"),
    "duplicate-key": (1, "an object has the same key twice"),
    # L2: the shape
    "schema-type": (2, "a value has the wrong JSON type"),
    "schema-required": (2, "a required property is missing"),
    "schema-additional-property": (2, "a property the schema does not define"),
    "schema-enum": (2, "a label that is not in the inventory"),
    "schema-const": (2, "a value that must be one fixed value"),
    "schema-pattern": (2, "a string that does not match its pattern"),
    "schema-minimum": (2, "a number below its minimum"),
    "schema-min-length": (2, "a string shorter than allowed"),
    "schema-min-items": (2, "an array with too few items"),
    "schema-unique-items": (2, "an array with repeated items"),
    "schema-one-of": (2, "a value that matches none of the allowed forms"),
    "schema-other": (2, "another JSON Schema violation"),
    # L3: the document
    "text-sha256-mismatch": (3, "text_sha256 does not match the text"),
    "span-reversed": (3, "a span whose start is not before its end"),
    "span-out-of-range": (3, "a span that ends past the text"),
    "span-text-mismatch": (3, "a span's text differs from the slice of the document text"),
    "span-whitespace-edge": (3, "a span that starts or ends with whitespace"),
    "span-inside-word": (3, "a span that starts or ends inside a word"),
    "spans-unordered": (3, "the spans of a discontinuous span are not in order or overlap"),
    "duplicate-id": (3, "an id used twice in the document"),
    "id-prefix": (3, "an id without the prefix of its kind"),
    "dangling-reference": (3, "a reference to an id that does not exist"),
    "layer-not-annotated": (3, "a non-empty layer that annotated_layers does not list"),
    "sentence-overlap": (3, "sentences that overlap or are out of order"),
    "sentence-gap": (3, "text that no sentence covers"),
    "nam-overlap": (3, "two NAM mentions that overlap"),
    "mention-duplicate-span": (3, "two mentions with the same span"),
    "label-type-mismatch": (3, "a mention label that differs from its entity's type"),
    "entity-without-mention": (3, "an entity that no mention refers to"),
    "group-member-invalid": (3, "a group that lists itself or another group as a member"),
    "quote-parent-cycle": (3, "nested attributions that enclose each other"),
    "quote-outside-parent": (3, "a nested attribution outside its parent's content"),
    "event-mode-not-allowed": (3, "a mode PLOVER does not allow for the event type"),
    "event-time-label": (3, "an event time anchored to a mention that is not a DATE or TIME"),
    "mention-entity-mismatch": (3, "a mention given beside an entity refers to another entity"),
    "target-conflict": (3, "one target id with two different descriptions or links"),
    "impossible-date": (3, "a metadata date that is no calendar day or lies outside its bounds"),
    # L4: the corpus
    "file-name-mismatch": (4, "the file name is not <id>.json"),
    "duplicate-document-id": (4, "two files with the same document id"),
    "non-canonical-format": (4, "the file is not in canonical form (key order, indent)"),
}
