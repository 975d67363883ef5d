"""Quote attribution by general rules over a dependency parse.

It reads the document text and a spaCy parse of it (dependency labels of the
ClearNLP scheme that spaCy's English pipelines use); no annotation of the
document is used, and no rule names a word, name or construction of this
corpus's text. The rules follow the usual account of reported speech (a
reporting verb, its subject as the source, its complement clause as the
content; cf. PARC, Pareti 2016):

1. **Complement clause.** A verb of :data:`CUE_WORDS` (the general English
   reporting verbs of :mod:`newsgold.baselines.quotes`, every form listed) with a
   subject (``nsubj``) and a complement clause (``ccomp``) is a quote: the cue is
   the verb, the source its subject, the content the clause (the subtree of the
   ``ccomp`` word) without a leading complementiser (``mark``: "that",
   "whether", "if"), shaped by rule 4.
   A verb without a subject of its own that is conjoined (``conj``) to one takes
   that verb's subject. A passive subject (``nsubjpass``: "he was told") is the
   addressee, not a source, and makes no quote.
2. **According to.** "according to X" (``according`` with a ``prep`` child
   ``to`` whose ``pobj`` is X) attached to a verb is a quote: the cue is the two
   words, the source X, the content the verb's clause (its subtree) on the
   verb's side of the "according to X" phrase, shaped by rule 4.
3. **Quotation marks.** A double-quoted stretch of :data:`~newsgold.baselines.quotes.MIN_WORDS`
   words or more (the quotation marks of :func:`newsgold.baselines.quotes.quotation_spans`)
   that no quote of rules 1 and 2 overlaps is a direct quote when its sentence, or the
   sentence holding its closing mark, has a reporting verb with a subject
   outside the quotation marks: the nearest such verb is the cue and its
   subject the source; the content is the text between the marks.
4. **Type and span**, by the span conventions of the corpus (``guidelines/quotes.md``):
   a clause whose words are those between a pair of quotation marks is
   ``direct``, its content all the text between the marks (punctuation inside
   kept); else a clause that holds a quotation mark is ``mixed``, its content
   the clause without whitespace and punctuation other than quotation marks at
   its edges; else it is ``indirect``, its content the clause without
   whitespace, punctuation and quotation marks at its edges.
5. **Source and speaker.** The source is the subject's noun phrase: from the
   first word of its subtree to the subject word itself (modifiers after it,
   such as relative clauses and appositions, are left out). A proper-noun
   source and every named entity of the pipeline whose last word is the same
   are one speaker; a common-noun source is a speaker of its own; "he"/"she"/
   "I" resolve to the nearest preceding PERSON entity, "it"/"they"/"we" to the
   nearest preceding ORG, GPE or NORP entity (a pronoun left unresolved has no
   speaker).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgold.baselines.quotes import CUE_WORDS, MIN_WORDS, quotation_spans
from newsgold.model import Document

SUBJECT = "nsubj"
COMPLEMENT = "ccomp"
COMPLEMENTISERS = frozenset({"that", "whether", "if"})
PERSON_PRONOUNS = frozenset({"he", "she", "i"})
GROUP_PRONOUNS = frozenset({"it", "they", "we"})
GROUP_LABELS = frozenset({"ORG", "GPE", "NORP"})
_MARKS = '"\u201c\u201d'
_EDGE = set(_MARKS) | set(",;:.!?-\u2013\u2014()[]'\u2018\u2019")


@dataclass(frozen=True)
class Found:
    """A quote the rules found: character spans (start, end) and the source's subject word."""

    content: tuple[int, int]
    cue: tuple[int, int]
    source: Any
    """The spaCy token of the source's head word."""
    type: str
    source_span: tuple[int, int] | None = None
    """The source's span when a system gives it; else the noun phrase of ``source``."""


def is_cue(token: Any) -> bool:
    """A reporting verb of :data:`CUE_WORDS` (by its lower-cased form)."""
    return bool(token.text.lower() in CUE_WORDS)


def subject(verb: Any) -> Any | None:
    """The ``nsubj`` of ``verb``, else that of the verb it is conjoined to."""
    for child in verb.children:
        if child.dep_ == SUBJECT:
            return child
    if verb.dep_ == "conj" and verb.head is not verb:
        for child in verb.head.children:
            if child.dep_ == SUBJECT:
                return child
    return None


def noun_phrase(token: Any) -> tuple[int, int]:
    """Character span from the first word of ``token``'s subtree to ``token`` itself."""
    first = token.left_edge
    return first.idx, token.idx + len(token.text)


def trim(text: str, start: int, end: int, keep: str = "") -> tuple[int, int]:
    """``start, end`` without whitespace, punctuation and quotation marks (but those in
    ``keep``) at either edge."""
    edge = _EDGE - set(keep)
    while start < end and (text[start].isspace() or text[start] in edge):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in edge):
        end -= 1
    return start, end


def shape(
    text: str, raw: tuple[int, int], marks: list[tuple[int, int]]
) -> tuple[tuple[int, int], str]:
    """(content span, type) of a clause spanning ``raw`` (rule 4)."""
    inner = trim(text, *raw)
    for o, c in marks:
        if trim(text, o + 1, c) == inner:
            return (o + 1, c), "direct"
    start, end = trim(text, *raw, keep=_MARKS)
    if any(m in text[start:end] for m in _MARKS):
        return (start, end), "mixed"
    return inner, "indirect"


def _clause(doc: Any, head: Any, skip: set[int]) -> tuple[int, int] | None:
    """The character span of ``head``'s subtree without a leading complementiser and,
    when token indices ``skip`` are given, only the words on ``head``'s side of them;
    None when nothing but punctuation is left."""
    tokens = [t for t in head.subtree if t.i not in skip]
    if skip:  # the run of words around ``head`` that the skipped words do not break
        tokens = [
            t for t in tokens if not any(min(t.i, head.i) < i < max(t.i, head.i) for i in skip)
        ]
    while tokens and tokens[0].text.lower() in COMPLEMENTISERS and tokens[0].dep_ == "mark":
        tokens.pop(0)
    if not tokens:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return (start, end) if trim(doc.text, start, end)[0] < end else None


def _complement_quotes(doc: Any, marks: list[tuple[int, int]]) -> Iterator[Found]:
    for verb in doc:
        if not is_cue(verb):
            continue
        source = subject(verb)
        clause = next((c for c in verb.children if c.dep_ == COMPLEMENT), None)
        if source is None or clause is None:
            continue
        raw = _clause(doc, clause, set())
        if raw is not None:
            cue = (verb.idx, verb.idx + len(verb.text))
            content, kind = shape(doc.text, raw, marks)
            yield Found(content, cue, source, kind)


def _according_quotes(doc: Any, marks: list[tuple[int, int]]) -> Iterator[Found]:
    for word in doc:
        if word.text.lower() != "according":
            continue
        to = next((c for c in word.children if c.text.lower() == "to" and c.dep_ == "prep"), None)
        source = None if to is None else next((c for c in to.children if c.dep_ == "pobj"), None)
        if to is None or source is None or word.head is word:
            continue
        raw = _clause(doc, word.head, {t.i for t in word.subtree})
        if raw is not None:
            content, kind = shape(doc.text, raw, marks)
            yield Found(content, (word.idx, to.idx + len(to.text)), source, kind)


def _marked_quotes(doc: Any, marks: list[tuple[int, int]], taken: list[Found]) -> Iterator[Found]:
    text = doc.text
    for open_at, close_at in marks:
        content = (open_at + 1, close_at)
        if len(text[content[0] : content[1]].split()) < MIN_WORDS:
            continue
        if any(f.content[0] < content[1] and content[0] < f.content[1] for f in taken):
            continue
        sentences = {doc.char_span(open_at, open_at + 1, alignment_mode="expand").sent}
        sentences.add(doc.char_span(close_at, close_at + 1, alignment_mode="expand").sent)
        verbs = [
            t
            for s in sentences
            for t in s
            if is_cue(t) and not open_at < t.idx < close_at and subject(t) is not None
        ]
        if not verbs:
            continue
        verb = min(verbs, key=lambda t: min(abs(t.idx - open_at), abs(t.idx - close_at)))
        cue = (verb.idx, verb.idx + len(verb.text))
        yield Found(content, cue, subject(verb), "direct")


def find_quotes(doc: Any) -> list[Found]:
    """The quotes of a parsed spaCy ``Doc`` by rules 1 to 4, in text order."""
    marks = quotation_spans(doc.text)
    found = list(_complement_quotes(doc, marks)) + list(_according_quotes(doc, marks))
    found += list(_marked_quotes(doc, marks, found))
    unique = {(f.content, f.cue): f for f in found}
    return sorted(unique.values(), key=lambda f: (f.content, f.cue))


# ---------------------------------------------------------------- speakers


class _Speakers:
    """Sources as mentions, grouped into speakers (rule 5)."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.mentions: dict[tuple[int, int], dict[str, Any]] = {}
        self.entities: dict[str, str] = {}
        """speaker key -> entity id"""
        self.names: dict[str, str] = {}
        """entity id -> name (the text that first named the speaker)"""

    def _mention(self, span: tuple[int, int], label: str, mtype: str, eid: str) -> None:
        if span not in self.mentions:
            text = self.doc.text[span[0] : span[1]]
            self.mentions[span] = {
                "start": span[0],
                "end": span[1],
                "text": text,
                "label": label,
                "mention_type": mtype,
                "entity_id": eid,
            }

    def _entity(self, key: str, name: str) -> str:
        if key not in self.entities:
            eid = f"e{len(self.entities) + 1}"
            self.entities[key] = eid
            self.names[eid] = name
            for ent in self.doc.ents:
                if ent[-1].text == key:
                    self._mention((ent.start_char, ent.end_char), ent.label_, "NAM", eid)
        return self.entities[key]

    def _label(self, token: Any, default: str) -> str:
        return str(token.ent_type_) if token.ent_type_ else default

    def source(self, token: Any, given: tuple[int, int] | None) -> tuple[str | None, str | None]:
        """(mention key, entity id) of the source whose head word is ``token`` (its span
        ``given``, else the noun phrase of ``token``)."""
        span = given or noun_phrase(token)
        text = self.doc.text[span[0] : span[1]]
        lower = token.text.lower()
        if lower in PERSON_PRONOUNS | GROUP_PRONOUNS:
            labels = {"PERSON"} if lower in PERSON_PRONOUNS else GROUP_LABELS
            before = [e for e in self.doc.ents if e.end <= token.i and e.label_ in labels]
            if not before:
                return None, None
            ent = before[-1]
            eid = self._entity(ent[-1].text, ent.text)
            self._mention(span, ent.label_, "PRO", eid)
        elif token.pos_ == "PROPN" or token.ent_type_:
            label = self._label(token, "PERSON")
            eid = self._entity(token.text, text)
            self._mention(span, label, "NAM", eid)
        else:
            eid = self._entity(text.lower(), text)
            self._mention(span, self._label(token, "ORG"), "NOM", eid)
        return f"{span[0]}:{span[1]}", eid


def _span(text: str, span: tuple[int, int]) -> dict[str, Any]:
    return {"start": span[0], "end": span[1], "text": text[span[0] : span[1]]}


def predict_parsed(
    doc_id: str, text_sha256: str, doc: Any, found: list[Found] | None = None
) -> dict[str, Any]:
    """The prediction document for the parsed spaCy ``Doc`` of a gold document's text:
    the quotes ``found`` (default: :func:`find_quotes`), their sources and speakers by
    rule 5."""
    speakers = _Speakers(doc)
    records = []
    for f in find_quotes(doc) if found is None else found:
        source, eid = speakers.source(f.source, f.source_span)
        records.append((f, source, eid))
    ordered = sorted(speakers.mentions.values(), key=lambda m: (m["start"], m["end"]))
    ids = {f"{m['start']}:{m['end']}": f"m{i + 1}" for i, m in enumerate(ordered)}
    return {
        "id": doc_id,
        "text_sha256": text_sha256,
        "mentions": [{"id": ids[f"{m['start']}:{m['end']}"], **m} for m in ordered],
        "entities": [{"id": eid, "name": name} for eid, name in speakers.names.items()],
        "quotes": [
            {
                "id": f"q{i + 1}",
                "type": f.type,
                "content": [_span(doc.text, f.content)],
                "cue": [_span(doc.text, f.cue)],
                "source": None if source is None else ids[source],
                "speaker": eid,
            }
            for i, (f, source, eid) in enumerate(records)
        ],
    }


class NoParse(ValueError):
    """The pipeline gives no dependency parse, so the rules cannot run."""


def predict_document(nlp: Any, doc: Document) -> dict[str, Any]:
    """The prediction for one gold document: its whole text parsed in one call.
    Raises :class:`NoParse` when the pipeline gives no dependency parse."""
    parsed = nlp(doc.text)
    if len(parsed) and not parsed.has_annotation("DEP"):
        names = ", ".join(nlp.pipe_names) or "none"
        raise NoParse(
            f"the pipeline gives no dependency parse (its components: {names}); "
            "use one with a parser"
        )
    return predict_parsed(doc.id, doc.text_sha256, parsed)


def run(model: str, gold_path: Path | None = None) -> Iterator[dict[str, Any]]:
    """Predictions for every gold document (default: the corpus) with the pipeline ``model``."""
    from newsgold.baselines.ner import load_pipeline
    from newsgold.evaluate import load_gold

    nlp = load_pipeline(model)
    docs: Iterable[Document] = load_gold(gold_path)
    for doc in docs:
        yield predict_document(nlp, doc)
