"""A rule-based quote attributor: quotation marks, a cue-verb lexicon, the nearest named speaker.

It reads only the document text; no annotation of the document is used.

1. **Quotations.** Text between double quotation marks, within a paragraph (a
   straight mark opens after a space and before a word, and closes after a
   word; curly marks open and close). Quotations of fewer than
   :data:`MIN_WORDS` words, and those right after a word that introduces a title
   ("an article", "titled", ...), are skipped as titles or scare quotes.
2. **Cue.** The nearest word of :data:`CUE_WORDS` (or "according to"): first
   within :data:`AFTER_WINDOW` words after the closing mark, in the same
   sentence; else in the clause before the opening mark. A quotation with no
   cue is skipped.
3. **Speaker.** With the cue after the quotation, the name or pronoun right
   before the cue ("..., Lavrov said"), else the name right after it
   ("..., said Lavrov"); with the cue before, the nearest name or pronoun to its
   left ("Tillerson told reporters, ..."); after "according to", the name that
   follows. A name is a run of capitalised words outside the quotations, with
   what comes up to its last title word ("Foreign Minister", "Mr") and a
   possessive "'s" left out.
4. **Pronouns.** he/she: the last person-like name before the pronoun; they/we/
   it: the last organisation-like name (one with a word of :data:`ORG_WORDS`),
   else the last name.
5. **Output.** Each quote is ``direct``; its source is the name or pronoun
   mention; speakers with the same key (the last word of a person's name, the
   whole name of an organisation) are one entity, whose mentions are every
   occurrence of a name with that key outside quotations plus the pronoun
   sources resolved to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgold.model import Document

MIN_WORDS = 3
"""Quotations of fewer words are skipped (titles, scare quotes)."""

AFTER_WINDOW = 4
"""How many words after the closing mark are searched for a cue first."""

CUE_WORDS = frozenset(
    [
        "say",
        "says",
        "said",
        "saying",
        "tell",
        "tells",
        "told",
        "telling",
        "add",
        "adds",
        "added",
        "adding",
        "ask",
        "asks",
        "asked",
        "explain",
        "explains",
        "explained",
        "note",
        "notes",
        "noted",
        "state",
        "states",
        "stated",
        "write",
        "writes",
        "wrote",
        "written",
        "announce",
        "announces",
        "announced",
        "argue",
        "argues",
        "argued",
        "claim",
        "claims",
        "claimed",
        "insist",
        "insists",
        "insisted",
        "warn",
        "warns",
        "warned",
        "declare",
        "declares",
        "declared",
        "reply",
        "replies",
        "replied",
        "continue",
        "continues",
        "continued",
        "reiterate",
        "reiterates",
        "reiterated",
        "stress",
        "stresses",
        "stressed",
        "emphasise",
        "emphasises",
        "emphasised",
        "emphasize",
        "emphasizes",
        "emphasized",
        "remark",
        "remarks",
        "remarked",
        "acknowledge",
        "acknowledges",
        "acknowledged",
        "admit",
        "admits",
        "admitted",
        "suggest",
        "suggests",
        "suggested",
        "tweet",
        "tweets",
        "tweeted",
        "post",
        "posts",
        "posted",
        "recall",
        "recalls",
        "recalled",
        "urge",
        "urges",
        "urged",
        "predict",
        "predicts",
        "predicted",
        "vow",
        "vows",
        "vowed",
        "promise",
        "promises",
        "promised",
        "pledge",
        "pledges",
        "pledged",
        "respond",
        "responds",
        "responded",
        "comment",
        "comments",
        "commented",
        "observe",
        "observes",
        "observed",
        "conclude",
        "concludes",
        "concluded",
        "confirm",
        "confirms",
        "confirmed",
        "deny",
        "denies",
        "denied",
        "report",
        "reports",
        "reported",
        "mention",
        "mentions",
        "mentioned",
        "describe",
        "describes",
        "described",
    ]
)
"""Attribution verbs (every form is listed; matching is by lower-cased word)."""

TITLE_WORDS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "president",
        "vice",
        "prime",
        "minister",
        "secretary",
        "senator",
        "sen",
        "rep",
        "representative",
        "governor",
        "gov",
        "mayor",
        "chancellor",
        "ambassador",
        "general",
        "gen.",
        "foreign",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "chairman",
        "chairwoman",
        "chief",
        "director",
        "deputy",
        "judge",
        "king",
        "queen",
        "prince",
        "pope",
    ]
)
"""Words that open a name run as a title and are left out of the name."""

ORG_WORDS = frozenset(
    [
        "ministry",
        "department",
        "office",
        "agency",
        "council",
        "committee",
        "party",
        "government",
        "administration",
        "house",
        "kremlin",
        "congress",
        "senate",
        "parliament",
        "court",
        "bank",
        "union",
        "association",
        "commission",
        "news",
        "times",
        "post",
        "press",
        "reuters",
        "company",
        "corporation",
        "inc",
        "ltd",
        "group",
        "institute",
        "university",
        "police",
        "army",
        "forces",
        "service",
        "embassy",
        "organization",
        "organisation",
        "federation",
        "board",
        "bureau",
    ]
)
"""Words that make a name organisation-like."""

FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "but",
        "or",
        "nor",
        "so",
        "yet",
        "for",
        "of",
        "in",
        "on",
        "at",
        "to",
        "by",
        "with",
        "from",
        "as",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "it's",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "their",
        "our",
        "my",
        "your",
        "there",
        "here",
        "what",
        "which",
        "who",
        "when",
        "where",
        "why",
        "how",
        "if",
        "while",
        "despite",
        "during",
        "after",
        "before",
        "since",
        "until",
        "still",
        "also",
        "then",
        "however",
        "meanwhile",
        "other",
        "others",
        "some",
        "many",
        "most",
        "more",
        "such",
        "not",
        "no",
    ]
)
"""Capitalised at a sentence start, these are not names."""

TITLE_INTRODUCERS = frozenset(
    [
        "article",
        "titled",
        "entitled",
        "headlined",
        "headline",
        "called",
        "dubbed",
        "named",
        "book",
        "film",
        "song",
        "report",
    ]
)
"""A quotation right after one of these words is a title, not speech."""

PERSON_PRONOUNS = frozenset({"he", "she"})
GROUP_PRONOUNS = frozenset({"they", "we", "it"})

_WORD = re.compile(r"[A-Z](?:\.[A-Z])+\.?|[A-Za-z][A-Za-z'\u2019\-]*[A-Za-z]|[A-Za-z]")
"""A word: an initialism with its full stops (U.S., R.C.), or letters, apostrophes, hyphens."""
_SENTENCE_END = re.compile(r"[.!?][\"”\u2019)]*(?=\s|$)|\n")


@dataclass(frozen=True)
class Word:
    """A word of the text with its offsets."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True)
class Name:
    """A run of capitalised words (title words left out)."""

    start: int
    end: int
    text: str
    is_org: bool

    @property
    def key(self) -> str:
        return self.text if self.is_org else self.text.split()[-1]


@dataclass(frozen=True)
class Quotation:
    """A quotation with its cue and speaker (a name, a pronoun and what it resolves to)."""

    content: tuple[int, int]
    cue: tuple[int, int]
    source: tuple[int, int, str] | None
    """(start, end, text) of the name or pronoun that expresses the speaker."""
    speaker: Name | None


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """(open mark, close mark) offsets of the double-quoted stretches of ``text``.

    A straight mark opens after a space, a bracket or the start of a paragraph and
    before a non-space; it closes after a non-space. A mark left open at the end of a
    paragraph is dropped.
    """
    out = []
    open_at: int | None = None
    curly = False
    for i, ch in enumerate(text):
        if ch == "\n":
            open_at = None
            continue
        if ch not in '"\u201c\u201d':
            continue
        before = text[i - 1] if i else "\n"
        after = text[i + 1] if i + 1 < len(text) else "\n"
        opens = ch == "\u201c" or (
            ch == '"' and (before.isspace() or before in "([{") and not after.isspace()
        )
        closes = ch == "\u201d" or (ch == '"' and not before.isspace())
        if open_at is not None and closes and (curly == (ch == "\u201d")):
            out.append((open_at, i))
            open_at = None
        elif opens:
            open_at, curly = i, ch == "\u201c"
    return out


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _words(text: str, start: int, end: int) -> list[Word]:
    return [
        Word(m.group(0), start + m.start(), start + m.end())
        for m in _WORD.finditer(text[start:end])
    ]


def _sentence_start(text: str, at: int) -> int:
    best = 0
    for m in _SENTENCE_END.finditer(text, 0, at):
        best = m.end()
    return best


def _sentence_end(text: str, at: int) -> int:
    m = _SENTENCE_END.search(text, at)
    return m.end() if m else len(text)


def names(text: str, outside: list[tuple[int, int]]) -> list[Name]:
    """Runs of capitalised words in the stretches ``outside`` (start, end) of ``text``."""
    out: list[Name] = []
    for lo, hi in outside:
        run: list[Word] = []
        for w in [*_words(text, lo, hi), None]:
            if w is not None and w.text[0].isupper() and w.lower not in FUNCTION_WORDS:
                # punctuation between two words ends a run
                if run and text[run[-1].end : w.start].strip():
                    out.extend(_name(text, run))
                    run = []
                run.append(w)
                continue
            if w is not None and w.lower == "of" and any(x.lower in ORG_WORDS for x in run):
                run.append(w)  # "Ministry of Defence"
                continue
            out.extend(_name(text, run))
            run = []
    return out


def _name(text: str, run: list[Word]) -> list[Name]:
    while run and run[-1].lower == "of":
        run = run[:-1]
    titles = [i for i, w in enumerate(run[:-1]) if w.lower in TITLE_WORDS]
    if titles:
        run = run[titles[-1] + 1 :]  # "Russian Foreign Minister Sergei Lavrov" -> "Sergei Lavrov"
    if not run or run[-1].lower in TITLE_WORDS:
        return []
    start, end = run[0].start, run[-1].end
    if text[end - 2 : end] in ("'s", "\u2019s"):
        end -= 2  # a possessive
    span_text = text[start:end]
    is_org = any(w.lower in ORG_WORDS for w in run)
    return [Name(start, end, span_text, is_org)]


def _outside(text: str, quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for o, c in quotes:
        out.append((pos, o))
        pos = c + 1
    out.append((pos, len(text)))
    return out


def _title_quote(text: str, open_at: int) -> bool:
    before = _words(text, max(0, open_at - 40), open_at)
    return bool(before) and before[-1].lower.strip(".,") in TITLE_INTRODUCERS


def _cue(text: str, open_at: int, close_at: int) -> tuple[Word, Word | None, str] | None:
    """(cue word, second word of a two-word cue, "after"/"before"/"according")."""
    after = _words(text, close_at + 1, _sentence_end(text, close_at + 1))
    for i, w in enumerate(after[:AFTER_WINDOW]):
        if w.lower == "according" and i + 1 < len(after) and after[i + 1].lower == "to":
            return w, after[i + 1], "according"
        if w.lower in CUE_WORDS:
            return w, None, "after"
    before = _words(text, _sentence_start(text, open_at), open_at)
    for i in range(len(before) - 1, -1, -1):
        w = before[i]
        if w.lower == "according" and i + 1 < len(before) and before[i + 1].lower == "to":
            return w, before[i + 1], "according"
        if w.lower in CUE_WORDS:
            return w, None, "before"
    return None


def _resolve(pronoun: str, at: int, found: list[Name]) -> Name | None:
    earlier = [n for n in found if n.end <= at]
    if pronoun in PERSON_PRONOUNS:
        people = [n for n in earlier if not n.is_org]
        return people[-1] if people else None
    orgs = [n for n in earlier if n.is_org]
    if orgs:
        return orgs[-1]
    return earlier[-1] if earlier else None


def attribute(text: str) -> list[Quotation]:
    """The quotations of ``text`` with cue and speaker, in text order."""
    marks = quotation_spans(text)
    found = names(text, _outside(text, marks))
    by_start = {n.start: n for n in found}
    out = []
    for open_at, close_at in marks:
        content = _trimmed(text, open_at + 1, close_at)
        if len(_words(text, *content)) < MIN_WORDS or _title_quote(text, open_at):
            continue
        cue = _cue(text, open_at, close_at)
        if cue is None:
            continue
        word, second, where = cue
        cue_span = (word.start, second.end if second is not None else word.end)
        source = _speaker(text, word, second, where, open_at, close_at, found, by_start)
        speaker: Name | None = None
        if source is not None:
            named = by_start.get(source[0])
            speaker = named if named is not None else _resolve(source[2].lower(), source[0], found)
        out.append(Quotation(content, cue_span, source, speaker))
    return out


def _speaker(
    text: str,
    word: Word,
    second: Word | None,
    where: str,
    open_at: int,
    close_at: int,
    found: list[Name],
    by_start: dict[int, Name],
) -> tuple[int, int, str] | None:
    pronouns = PERSON_PRONOUNS | GROUP_PRONOUNS | {"i"}

    def as_source(n: Name) -> tuple[int, int, str]:
        return n.start, n.end, n.text

    if where == "according" and second is not None:
        following = [n for n in found if n.start >= second.end and n.start - second.end <= 25]
        return as_source(following[0]) if following else None
    lo = close_at + 1 if where == "after" else _sentence_start(text, open_at)
    left = _words(text, lo, word.start)
    # the nearest name or pronoun to the left of the cue, skipping lower-case adverbs
    for w in reversed(left):
        hit = next((n for n in found if n.start <= w.start < n.end), None)
        if hit is not None:
            return as_source(hit)
        if w.lower in pronouns:
            return w.start, w.end, w.text
        if where == "after" and w.text[0].isupper():
            break
    if where == "after":
        right = [n for n in found if n.start >= word.end and n.start - word.end <= 40]
        between = _words(text, word.end, right[0].start) if right else []
        if right and all(w.lower in TITLE_WORDS for w in between):
            return as_source(right[0])  # "..., said (Senator) John Doe"
        sentence = _sentence_end(text, word.end)
        for w in _words(text, word.end, sentence)[:3]:
            if w.lower in pronouns:
                return w.start, w.end, w.text
    return None


def predict_text(doc_id: str, text: str, text_sha256: str) -> dict[str, Any]:
    """A prediction document (quotes, and the mentions and entities they refer to)."""
    quotes = attribute(text)
    marks = quotation_spans(text)
    found = names(text, _outside(text, marks))
    keys: dict[str, str] = {}
    entities: list[dict[str, Any]] = []
    mentions: dict[tuple[int, int], dict[str, Any]] = {}

    def entity_for(n: Name) -> str:
        if n.key not in keys:
            keys[n.key] = f"e{len(keys) + 1}"
            entities.append({"id": keys[n.key], "name": n.text})
            for other in found:
                if other.key == n.key:
                    mention(other.start, other.end, other.is_org, "NAM", keys[n.key])
        return keys[n.key]

    def mention(start: int, end: int, is_org: bool, mtype: str, eid: str) -> str:
        if (start, end) not in mentions:
            mentions[(start, end)] = {
                "start": start,
                "end": end,
                "text": text[start:end],
                "label": "ORG" if is_org else "PERSON",
                "mention_type": mtype,
                "entity_id": eid,
            }
        return f"{start}:{end}"

    records = []
    for q in quotes:
        speaker = entity_for(q.speaker) if q.speaker is not None else None
        source = None
        if q.source is not None and speaker is not None and q.speaker is not None:
            is_name = q.source[0] == q.speaker.start and q.source[1] == q.speaker.end
            source = mention(
                q.source[0], q.source[1], q.speaker.is_org, "NAM" if is_name else "PRO", speaker
            )
        records.append((q, speaker, source))
    ordered = sorted(mentions.values(), key=lambda m: (m["start"], m["end"]))
    ids = {f"{m['start']}:{m['end']}": f"m{i + 1}" for i, m in enumerate(ordered)}
    return {
        "id": doc_id,
        "text_sha256": text_sha256,
        "mentions": [{"id": ids[f"{m['start']}:{m['end']}"], **m} for m in ordered],
        "entities": entities,
        "quotes": [
            {
                "id": f"q{i + 1}",
                "type": "direct",
                "content": [_span(text, *q.content)],
                "cue": [_span(text, *q.cue)],
                "source": None if source is None else ids[source],
                "speaker": speaker,
            }
            for i, (q, speaker, source) in enumerate(records)
        ],
    }


def _span(text: str, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text[start:end]}


def predict_document(doc: Document) -> dict[str, Any]:
    """The prediction for one gold document (its text only)."""
    return predict_text(doc.id, doc.text, doc.text_sha256)


def run(gold_path: Path | None = None) -> Iterator[dict[str, Any]]:
    """Predictions for every document of the gold (default: the corpus)."""
    from newsgold.evaluate import load_gold

    docs: Iterable[Document] = load_gold(gold_path)
    for doc in docs:
        yield predict_document(doc)
