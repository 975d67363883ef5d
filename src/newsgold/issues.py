"""Problems found in input, as values. Only the CLI prints them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Literal, NamedTuple

Level = Literal[1, 2, 3, 4]

LEVEL_NAMES: dict[int, str] = {1: "parse", 2: "schema", 3: "integrity", 4: "corpus"}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem: where it is, what it is, how to fix it.

    ``code`` is a stable kebab-case id (listed in :data:`CODES`, which gives its
    level); ``pointer`` is an RFC 6901 JSON pointer into the file ("" for the
    whole file). Make one with :func:`problem`.
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
    if not parts:
        return ""
    joined = "/".join(map(str, parts))
    if "~" not in joined and joined.count("/") == len(parts) - 1:
        return "/" + joined  # no part holds a character to escape (the usual case)
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class Code(NamedTuple):
    """A problem code's level, the domain that emits it, and what it means."""

    level: Level
    domain: str
    meaning: str


DOMAINS: tuple[str, ...] = ("document", "build", "prediction", "conversion", "agreement")
"""Who emits a code: the document validator, the build, the prediction checks of
``evaluate``, the converters, and ``agreement``. A domain may also emit codes of
another (predictions are checked with the document codes too)."""


def _domain(domain: str, entries: Mapping[str, tuple[Level, str]]) -> dict[str, Code]:
    return {code: Code(level, domain, meaning) for code, (level, meaning) in entries.items()}


def _merge(merged: dict[str, Code], table: Mapping[str, Code]) -> None:
    """Add ``table`` to ``merged``, all or nothing."""
    taken = [code for code in table if code in merged]
    if taken:
        raise ValueError(f"problem code {taken[0]!r} is registered twice")
    merged.update(table)


def _registry(*tables: dict[str, Code]) -> Mapping[str, Code]:
    merged: dict[str, Code] = {}
    for table in tables:
        _merge(merged, table)
    return MappingProxyType(merged)


_DOCUMENT: dict[str, tuple[Level, str]] = {
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
    "annotated-layer-missing": (3, "a layer that annotated_layers lists and the document lacks"),
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
    "mention-type-form": (3, "a NAM mention that is a pronoun, or a PRO mention that is not one"),
    "nam-crosses-sentence": (3, "a NAM mention that crosses a sentence boundary"),
    "participant-type": (3, "a speaker, holder, actor or recipient that is a date or number"),
    "cue-inside-content": (3, "a cue or source that lies inside its own quote's content"),
    "evidence-outside-quote": (3, "a cited quote that holds none of the stance's evidence"),
    "stance-duplicate-pair": (3, "two stance records with the same holder and target"),
    "wikipedia-title-form": (3, "a Wikipedia title in another form (address, underscores)"),
    "wikipedia-title-duplicate": (3, "two entities with the same Wikipedia title"),
    "bidi-control": (3, "a bidirectional control character in the text"),
    "impossible-date": (3, "a metadata date that is no calendar day or lies outside its bounds"),
    # L4: the corpus
    "file-name-mismatch": (4, "the file name is not <id>.json"),
    "duplicate-document-id": (4, "two files with the same document id"),
    "non-canonical-format": (4, "the file is not in canonical form (key order, indent)"),
}

_BUILD: dict[str, tuple[Level, str]] = {
    "split-file-invalid": (4, "the split file is not an object of split names to lists of ids"),
    "split-missing-document": (4, "a document that no split lists"),
    "split-duplicate-document": (4, "a document listed twice in the split file"),
    "split-unknown-document": (4, "the split file lists an id that is no document"),
    "span-token-misaligned": (3, "a NAM mention that does not align to token boundaries"),
    "card-missing": (4, "DATASET_CARD.md does not exist"),
    "card-metadata-missing": (4, "DATASET_CARD.md lacks a Hugging Face metadata key"),
    "card-yaml-invalid": (4, "the YAML front matter of DATASET_CARD.md cannot be read"),
    "leaderboard-invalid": (
        4,
        "benchmarks/leaderboard.json cannot be read or lacks a system's command or provenance",
    ),
    "built-file-stale": (4, "a built file differs from what the build writes"),
    "built-file-missing": (4, "a file the build writes is not there"),
    "built-file-extra": (4, "a file under data/ that the build does not write"),
    "built-file-unwritten": (4, "a built file that cannot be written; nothing was published"),
    "out-not-a-build": (4, "a file in the output folder that the build did not write"),
    "stray-file": (4, "a file in the dataset folder that the build neither writes nor reads"),
    "built-file-checksum": (4, "a built file whose SHA-256 is not the one the card records"),
}

_PREDICTION: dict[str, tuple[Level, str]] = {
    "unknown-document": (3, "a prediction for a document id that is not in the gold"),
    "text-mismatch": (3, "a prediction whose text or text_sha256 differs from the gold's"),
    "duplicate-prediction": (3, "a second prediction for the same document or sentence"),
    "duplicate-span": (3, "the same NER span and type predicted twice"),
    "duplicate-mention": (3, "a coreference or linking mention span given twice"),
    "label-set-mismatch": (3, "a CoNLL-2003 type where OntoNotes types are scored"),
    "unknown-sentence": (3, "an IOB2 row for a sentence that the gold document does not have"),
    "tokens-mismatch": (3, "an IOB2 row whose tokens differ from the gold tokens"),
    "tag-count-mismatch": (3, "an IOB2 row with more or fewer tags than tokens"),
    "unknown-tag": (3, "an IOB2 tag that is not in the chosen label set"),
    "ner-forms-mixed": (3, "NER predictions given both as IOB2 rows and as spans"),
    "unknown-line-kind": (2, "a JSONL line that is not a JSON object"),
    "prediction-empty": (1, "a JSONL prediction file with no line (empty, or blank lines only)"),
    "prediction-folder-empty": (1, "a prediction folder with no .json or .jsonl file"),
    "prediction-not-json": (1, "a prediction file in CoNLL text (IOB2 or CoNLL-2012), not JSON"),
    "gold-layer-not-annotated": (4, "a gold with no document that annotates the scored layer"),
}

_CONVERSION: dict[str, tuple[Level, str]] = {
    "output-not-folder": (1, "the output path exists and is not a folder"),
    "brat-folder-invalid": (1, "the brat path is not a folder, or holds no .txt files"),
    "brat-symlink": (1, "a brat file that is a symbolic link"),
    "brat-file-missing": (1, "a .txt file without its .ann beside it"),
    "label-set-unknown": (2, "an IOB2 label set that is not ontonotes or conll"),
    "conll-columns": (2, "an IOB2 line without the four columns token, _, _, tag"),
    "conll2012-invalid": (2, "a CoNLL-2012 line whose coreference cell or place cannot be read"),
    "docbin-foreign": (2, "a spaCy Doc without the user data newsgold writes"),
    "brat-side-file-invalid": (2, "a side file that is not a newsgold brat side file"),
    "brat-line-invalid": (2, "a .ann line that is not a T, E, R, A, N or # line"),
    "brat-equivalence-line": (2, "a .ann equivalence (*) line, which is not read"),
    "brat-type-unknown": (2, "a .ann type, relation or attribute that annotation.conf lacks"),
    "brat-start-file-invalid": (2, "a start file <id>.doc.json that is not metadata and layers"),
    "review-invalid": (2, "a review file not of this document and text, or not reviewed"),
    "round-trip-mismatch": (3, "a conversion that does not read back as its source"),
    "token-whitespace": (3, "a token that holds whitespace and cannot be one IOB2 column"),
    "docbin-span-missing": (3, "a record of the Doc's user data whose span is not in the Doc"),
    "docbin-sentence-count": (3, "a Doc with another number of sentences than sentence ids"),
    "brat-duplicate-id": (3, "a brat id used twice in a .ann file"),
    "brat-span-out-of-range": (3, "a brat span that is not inside the text"),
    "brat-text-changed": (3, "a .txt whose text is not the one the side file records"),
    "brat-span-text-mismatch": (3, "a T line whose text column is not the .txt at its offsets"),
    "brat-reference-unknown": (3, "a .ann line that refers to an id the .ann does not have"),
    "brat-duplicate-note": (3, "a second AnnotatorNotes line on one annotation"),
    "brat-annotation-invalid": (3, "a .ann annotation that does not map to the document model"),
    "brat-ann-emptied": (3, "an empty .ann whose side file maps annotations to it"),
    "brat-override-invalid": (3, "a side-file override that no longer applies to the .ann"),
    "brat-line-not-carried": (3, "a .ann line that no layer reads (on the wrong annotation)"),
    "brat-id-mismatch": (4, "a side file whose document id is not its file name"),
    "document-exists": (4, "a new document whose id (up to case) the folder already has"),
}

_AGREEMENT: dict[str, tuple[Level, str]] = {
    "target-map-invalid": (2, "a target map that is not a JSON object of strings"),
    "texts-differ": (3, "two annotations of different texts"),
    "compared-layer-not-annotated": (
        3,
        "a file that does not list the compared layer as annotated",
    ),
    "target-map-unknown-id": (3, "a target map entry naming a target id the file does not have"),
}

_ALL: dict[str, Code] = dict(
    _registry(
        _domain("document", _DOCUMENT),
        _domain("build", _BUILD),
        _domain("prediction", _PREDICTION),
        _domain("conversion", _CONVERSION),
        _domain("agreement", _AGREEMENT),
    )
)
CODES: Mapping[str, Code] = MappingProxyType(_ALL)
"""Every code the package emits, with its level, domain and meaning (read-only).

The codes of the built-in layers' own checks are declared in the layer modules
(``Layer.codes``) and join this mapping, in the "document" domain, when the layer
registry (:mod:`newsgold.layers`) is built: every stage imports it."""

_DECLARED: set[str] = set()
"""The layers whose codes have joined :data:`CODES`."""


def declare_codes(layer: str, entries: Mapping[str, tuple[int, str]]) -> None:
    """Add the codes a built-in layer's checks emit (code: (level, meaning)) to
    :data:`CODES`, once per layer; ``ValueError`` on a code already registered."""
    if layer in _DECLARED:
        return
    table: dict[str, Code] = {}
    for code, (level, meaning) in entries.items():
        if level not in LEVEL_NAMES:
            raise ValueError(f"problem code {code!r} of layer {layer!r} has no level {level}")
        table[code] = Code(level, "document", meaning)  # type: ignore[arg-type]
    _merge(_ALL, table)
    _DECLARED.add(layer)


def codes_of(domain: str) -> dict[str, Code]:
    """The codes of one domain, in registry order."""
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}; use one of {', '.join(DOMAINS)}")
    return {code: entry for code, entry in CODES.items() if entry.domain == domain}


def problem(code: str, file: str, pointer: str, message: str, hint: str) -> Problem:
    """A :class:`Problem` whose level is the registered level of ``code``.

    Raises :class:`KeyError` for a code that is not in :data:`CODES` (a bug in
    the caller, not in the input).
    """
    entry = CODES.get(code)
    if entry is None:
        raise KeyError(f"unknown problem code {code!r}; register it in newsgold.issues.CODES")
    return Problem(file, pointer, entry.level, code, message, hint)


class ProblemError(Exception):
    """Input that cannot be used; ``problems`` says where and why, one value each."""

    empty_message = "invalid input"
    """The message when ``problems`` is empty."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        first = self.problems[0].format() if self.problems else self.empty_message
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)
