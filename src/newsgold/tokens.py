"""Tokens and IOB2 tags for the ``ner`` and ``ner_conll`` configs.

Tokenisation
    Each sentence of the ``sentences`` layer is tokenised on its own with the
    tokenizer of ``spacy.blank("en")`` (spaCy's rule-based English tokenizer,
    no statistical model). Token offsets are document offsets: 0-based,
    end-exclusive code-point indices into the document text, like every other
    offset of the corpus. Whitespace-only tokens (spaCy emits one for a run of
    more than one space) are dropped; nothing else is.

Tags
    ``ner_tags`` are IOB2 tags of the spans the layers contribute
    (:attr:`~newsgold.layers.formats.ConllPart.tags`: the NAM mention spans; NOM
    and PRO mention spans are not tagged) over the 18 OntoNotes 5.0 types,
    label names in the order of the ``named_entities`` feature of the Hugging
    Face ``conll2012_ontonotesv5`` dataset: "O", then "B-T", "I-T" for each
    type T in the order of ``schema/labels.json``. ``ner_conll`` maps the types
    to CoNLL-2003's four with :data:`CONLL_MAPPING`; label names in the order of
    the ``ner_tags`` feature of the Hub's ``conll2003`` dataset.

Alignment
    A tagged span must start at the start of a token and end at the end of a
    token of the sentence that holds it. When it does not, tagging fails with
    :class:`AlignmentError`, which carries one :class:`Misalignment` value per
    span; the data is never changed to fit the tokenizer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from newsgold.labels import inventory
from newsgold.layers.base import DocumentView as Document
from newsgold.layers.formats import TagSpan
from newsgold.spans import IdSpan

TOKENIZER = 'spacy.blank("en").tokenizer'
"""The tokenizer, as stated in the dataset card."""

CONLL_TYPES: tuple[str, ...] = ("PER", "ORG", "LOC", "MISC")
"""CoNLL-2003 entity types, in the order of the Hub's ``conll2003`` ``ner_tags`` names."""

CONLL_MAPPING: dict[str, str | None] = {
    "PERSON": "PER",
    "NORP": "MISC",
    "FAC": "LOC",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "PRODUCT": "MISC",
    "DATE": None,
    "TIME": None,
    "PERCENT": None,
    "MONEY": None,
    "QUANTITY": None,
    "ORDINAL": None,
    "CARDINAL": None,
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
"""OntoNotes type -> CoNLL-2003 type; ``None`` means the mention is tagged ``O``.

Follows the CoNLL-2003 annotation guidelines (which take MUC's categories):
people are PER; organisations ORG; places of every kind are LOC, countries,
cities and states (GPE), natural locations (LOC) and structures, buildings,
roads and airports (FAC) alike; nationalities, religious and political groups
(NORP), events, titles of works, laws, languages and types of products are
MISC. CoNLL-2003 does not annotate dates, times or numbers, so the seven
numeric and temporal types are ``O``.
"""


@dataclass(frozen=True)
class Token:
    """A token with document offsets: ``document.text[start:end] == text``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class TaggedSentence:
    """One sentence with its tokens and IOB2 tags (OntoNotes types)."""

    doc_id: str
    sentence_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    tokens: tuple[Token, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Misalignment:
    """A tagged span (a NAM mention) that does not fall on token boundaries.

    ``pointer`` is its JSON pointer, ``ident`` its id and ``what`` says what it is."""

    doc_id: str
    pointer: str
    ident: str
    what: str
    start: int
    end: int
    text: str
    sentence_id: str | None
    start_boundaries: tuple[int, ...]
    """The nearest token starts at or around ``start`` (one or two offsets)."""
    end_boundaries: tuple[int, ...]
    """The nearest token ends at or around ``end`` (one or two offsets)."""
    detail: str

    def message(self) -> str:
        where = f"sentence {self.sentence_id}" if self.sentence_id else "no sentence"
        return (
            f'{self.what} "{self.ident}" {self.start}-{self.end} "{self.text}" does not align '
            f"to the tokens of {where}: {self.detail}; nearest token boundaries: "
            f"start {' or '.join(map(str, self.start_boundaries)) or 'none'}, "
            f"end {' or '.join(map(str, self.end_boundaries)) or 'none'}"
        )

    def format(self) -> str:
        return f"{self.doc_id}#{self.pointer}: {self.message()}"


class AlignmentError(ValueError):
    """Tagged spans that do not align to token boundaries; ``misalignments`` lists them."""

    def __init__(self, misalignments: Sequence[Misalignment]) -> None:
        self.misalignments = tuple(misalignments)
        first = self.misalignments[0].format() if self.misalignments else "misaligned span"
        more = f" (and {len(self.misalignments) - 1} more)" if len(self.misalignments) > 1 else ""
        super().__init__(first + more)


class TagError(ValueError):
    """A tag sequence that is not strict IOB2, or has an unknown tag."""


# ---------------------------------------------------------------- label sets


def ontonotes_tags() -> tuple[str, ...]:
    """IOB2 tag names over the 18 OntoNotes types (``conll2012_ontonotesv5`` order)."""
    return iob2_names(inventory().entity_types)


def conll_tags() -> tuple[str, ...]:
    """IOB2 tag names over the four CoNLL-2003 types (``conll2003`` order)."""
    return iob2_names(CONLL_TYPES)


def iob2_names(types: Iterable[str]) -> tuple[str, ...]:
    """``("O", "B-T1", "I-T1", "B-T2", ...)`` for the given types."""
    names = ["O"]
    for t in types:
        names += [f"B-{t}", f"I-{t}"]
    return tuple(names)


# ---------------------------------------------------------------- tokenising


@cache
def _tokenizer() -> Callable[[str], Any]:
    import spacy

    tokenizer: Callable[[str], Any] = spacy.blank("en").tokenizer
    return tokenizer


def tokenize(text: str, offset: int = 0) -> tuple[Token, ...]:
    """Tokenise ``text``; offsets are shifted by ``offset``; whitespace tokens dropped."""
    return tuple(
        Token(t.text, offset + t.idx, offset + t.idx + len(t.text))
        for t in _tokenizer()(text)
        if not t.is_space
    )


def tokenize_sentence(sentence: IdSpan) -> tuple[Token, ...]:
    """The tokens of one sentence, with document offsets."""
    return tokenize(sentence.text, sentence.start)


# ---------------------------------------------------------------- spans <-> tags


def _nearest(values: Sequence[int], target: int) -> tuple[int, ...]:
    below = [v for v in values if v <= target]
    above = [v for v in values if v >= target]
    out = []
    if below:
        out.append(max(below))
    if above and (not out or min(above) != out[0]):
        out.append(min(above))
    return tuple(out)


def spans_to_iob2(
    tokens: Sequence[Token], spans: Iterable[tuple[int, int, str]]
) -> tuple[str, ...]:
    """IOB2 tags for ``(start, end, type)`` spans over ``tokens``.

    Raises :class:`TagError` when a span does not start and end on token
    boundaries or overlaps another span.
    """
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    tags = ["O"] * len(tokens)
    for start, end, label in sorted(spans):
        first, last = starts.get(start), ends.get(end)
        if first is None or last is None or last < first:
            raise TagError(f"span {start}-{end} {label} does not start and end on token boundaries")
        if any(tag != "O" for tag in tags[first : last + 1]):
            raise TagError(f"span {start}-{end} {label} overlaps another span")
        tags[first] = f"B-{label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{label}"
    return tuple(tags)


def iob2_to_spans(tokens: Sequence[Token], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """The ``(start, end, type)`` spans of a strict IOB2 tag sequence.

    Strict: every span starts with ``B-``; an ``I-T`` must follow ``B-T`` or
    ``I-T``. Anything else raises :class:`TagError` (nothing is repaired).
    """
    if len(tokens) != len(tags):
        raise TagError(f"{len(tokens)} tokens but {len(tags)} tags")
    out: list[tuple[int, int, str]] = []
    current: tuple[int, int, str] | None = None
    for i, (token, tag) in enumerate(zip(tokens, tags, strict=True)):
        if tag == "O":
            if current is not None:
                out.append(current)
            current = None
            continue
        prefix, _, label = tag.partition("-")
        if prefix not in ("B", "I") or not label:
            raise TagError(f'tag {i} "{tag}" is not O, B-<type> or I-<type>')
        if prefix == "B":
            if current is not None:
                out.append(current)
            current = (token.start, token.end, label)
        else:
            if current is None or current[2] != label:
                before = "O or the start" if current is None else f"B-/I-{current[2]}"
                raise TagError(f'tag {i} "{tag}" follows {before}, not B-{label} or I-{label}')
            current = (current[0], token.end, label)
    if current is not None:
        out.append(current)
    return out


def to_conll(tags: Sequence[str]) -> tuple[str, ...]:
    """Map OntoNotes IOB2 tags to CoNLL-2003 IOB2 tags with :data:`CONLL_MAPPING`.

    A mapped span keeps its B-/I- structure; a span mapped to ``None`` becomes
    ``O``. Tagged spans do not overlap, so the result is valid IOB2.
    """
    out = []
    for tag in tags:
        if tag == "O":
            out.append("O")
            continue
        prefix, _, label = tag.partition("-")
        if label not in CONLL_MAPPING:
            raise TagError(f'tag "{tag}" has no OntoNotes type')
        mapped = CONLL_MAPPING[label]
        out.append("O" if mapped is None else f"{prefix}-{mapped}")
    return tuple(out)


# ---------------------------------------------------------------- documents


def _token_detail(tokens: Sequence[Token], offset: int, what: str) -> str:
    inside = next((t for t in tokens if t.start < offset < t.end), None)
    if inside is None:
        return f"{what} {offset} is not a token {what}"
    return f'{what} {offset} is inside token "{inside.text}" {inside.start}-{inside.end}'


def _misalignment(
    document: Document, span: TagSpan, tokens: Sequence[Token] | None, sentence_id: str | None
) -> Misalignment | None:
    toks = tokens or ()
    starts = [t.start for t in toks]
    ends = [t.end for t in toks]
    details = []
    if tokens is None:
        details.append(f"offset {span.start} is in no sentence")
    elif span.end > document.sentences[document.sentence_index(span.start)].end:
        details.append("it ends past the end of its sentence")
    else:
        if span.start not in starts:
            details.append(_token_detail(toks, span.start, "start"))
        if span.end not in ends:
            details.append(_token_detail(toks, span.end, "end"))
    if not details:
        return None
    return Misalignment(
        document.id,
        span.where,
        span.ident,
        span.what,
        span.start,
        span.end,
        document.text[span.start : span.end],
        sentence_id,
        _nearest(starts, span.start),
        _nearest(ends, span.end),
        "; ".join(details),
    )


def misalignments(
    document: Document,
    spans: Sequence[TagSpan],
    tokens: Sequence[Sequence[Token]] | None = None,
) -> list[Misalignment]:
    """Every tagged span of ``document`` (``spans``: what the layers contribute to the tags,
    :func:`newsgold.layers.tag_spans`) that does not align to the tokens of its sentence.

    ``tokens`` are the tokens of each sentence (computed when not given).
    """
    sentences = document.sentences
    toks = tokens if tokens is not None else [tokenize_sentence(s) for s in sentences]
    out = []
    for span in spans:
        si = document.sentence_index(span.start)
        found = _misalignment(
            document, span, toks[si] if si >= 0 else None, sentences[si].id if si >= 0 else None
        )
        if found is not None:
            out.append(found)
    return out


def tag_document(document: Document, spans: Sequence[TagSpan]) -> list[TaggedSentence]:
    """Tokens and OntoNotes IOB2 tags for every sentence of ``document``, from the tagged
    ``spans`` (:func:`newsgold.layers.tag_spans`).

    Raises :class:`AlignmentError` (listing every misaligned span) when a tagged
    span does not align to token boundaries.
    """
    sentences = document.sentences
    toks = [tokenize_sentence(s) for s in sentences]
    bad = misalignments(document, spans, toks)
    if bad:
        raise AlignmentError(bad)
    by_sentence: list[list[tuple[int, int, str]]] = [[] for _ in sentences]
    for span in spans:
        by_sentence[document.sentence_index(span.start)].append((span.start, span.end, span.label))
    out = []
    for i, (s, sent_tokens) in enumerate(zip(sentences, toks, strict=True)):
        tags = spans_to_iob2(sent_tokens, by_sentence[i])
        out.append(TaggedSentence(document.id, s.id, i, s.start, s.end, s.text, sent_tokens, tags))
    return out
