"""The CoNLL-2012 coreference format, the one the reference scorer reads.

One file, ``conll2012.conll``, holds every document::

    #begin document (<doc_id>); part 000
    <doc_id> 0 <n> <word> - - - - - - * <coreference>     tab-separated, one token a line
    ...
    <blank line>                                          after every sentence
    #end document

The columns are those of the CoNLL-2012 shared task files without predicate
arguments: document id, part number, word number in the sentence, word, part
of speech, parse bit, predicate lemma, frameset id, word sense, speaker (``-``:
the corpus does not annotate them), named entities (``*``: none given here) and
the coreference column, the last one, which the reference scorer
(``scorer.pl``, v8.01) reads: ``(n`` opens a mention of chain ``n`` on the
token, ``n)`` closes one, ``(n)`` is a one-token mention, several are joined by
``|`` and ``-`` is none. The columns are separated by tabs, as the reference
scorer splits them.

Tokens are those of the ``ner``/``ner_conll`` configs (:mod:`newsgold.tokens`,
``spacy.blank("en")``'s tokenizer per sentence; per paragraph for a document
without sentences). The chains come from the layers' parts
(:class:`~newsgold.layers.formats.Conll2012Part`): each entity with mentions is
one chain, numbered by its index in ``/entities``. What the format cannot carry
is listed, never dropped silently: a mention that does not start and end on
token boundaries, a mention that crosses another mention of its own chain (the
scorer closes a chain's brackets last-opened first), the records the parts list
and every record of a layer without a part.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsgold import layers as registry
from newsgold.convert import (
    ConversionError,
    ConversionResult,
    NotCarried,
    sentence_tokens,
    staged_output,
    written_files,
)
from newsgold.issues import Problem, pointer, problem
from newsgold.layers.formats import ChainMention
from newsgold.model import Document
from newsgold.tokens import Token

FILE_NAME = "conll2012.conll"
PLACEHOLDERS = ("-", "-", "-", "-", "-", "-", "*")
"""Part of speech, parse bit, lemma, frameset, sense, speaker, named entities."""


@dataclass(frozen=True)
class Conll2012Document:
    """A document read from a CoNLL-2012 file: its name, its sentences' words and its
    chains (number -> mentions as (first, last) token indices into the document)."""

    name: str
    sentences: tuple[tuple[str, ...], ...]
    chains: dict[int, list[tuple[int, int]]]


def begin_line(doc_id: str) -> str:
    """The ``#begin document`` line of a document."""
    return f"#begin document ({doc_id}); part 000"


def _crosses(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[0] <= a[1] < b[1] or b[0] < a[0] <= b[1] < a[1]


def _chain_cells(
    doc_id: str, tokens: Sequence[Token], chains: list[tuple[int, list[ChainMention]]]
) -> tuple[list[list[str]], list[NotCarried]]:
    """The coreference cell parts of every token, and the mentions not carried."""
    starts = {t.start: k for k, t in enumerate(tokens)}
    ends = {t.end: k for k, t in enumerate(tokens)}
    cells: list[list[str]] = [[] for _ in tokens]
    lost: list[NotCarried] = []
    for n, mentions in chains:
        carried: list[tuple[int, int]] = []
        for where, start, end in mentions:
            if start not in starts or end not in ends:
                edge = start if start not in starts else end
                reason = f"mention {start}-{end} does not fall on token boundaries (at {edge})"
                lost.append(NotCarried(doc_id, where, reason))
                continue
            span = (starts[start], ends[end])
            if any(_crosses(span, other) for other in carried):
                reason = f"mention {start}-{end} crosses another mention of chain {n}"
                lost.append(NotCarried(doc_id, where, reason))
                continue
            carried.append(span)
        for first, last in carried:
            if first == last:
                cells[first].append(f"({n})")
            else:
                cells[first].append(f"({n}")
                cells[last].append(f"{n})")
    return cells, lost


def _chains(document: Document) -> tuple[list[tuple[int, list[ChainMention]]], list[NotCarried]]:
    """Every layer's chains, and what the layers' parts say the file does not hold."""
    chains: list[tuple[int, list[ChainMention]]] = []
    lost: list[NotCarried] = []
    for layer in registry.layers():
        part = layer.formats.get("conll2012")
        if part is None:
            reason = f"{layer.name} record (no CoNLL-2012 part)"
            count = len(document.layer(layer.name))
            lost += [NotCarried(document.id, pointer(layer.name, i), reason) for i in range(count)]
            continue
        lost += [NotCarried(document.id, w, r) for w, r in part.not_carried(document)]
        if part.chains is None:
            continue
        if layer.name not in document.annotated_layers:
            reason = "layer not annotated: no chain is written for it (not 'no coreference')"
            lost.append(NotCarried(document.id, pointer(layer.name), reason))
            continue
        chains += part.chains(document)
    return chains, lost


def _whitespace_problem(document: Document, token: Token) -> Problem:
    return problem(
        "token-whitespace",
        document.id,
        "/text",
        f"token {token.start}-{token.end} {token.text!r} holds whitespace and cannot be one column",
        "CoNLL columns are split at whitespace: a token must hold none",
    )


def document_lines(document: Document) -> tuple[list[str], list[NotCarried], list[Problem]]:
    """The lines of one document, what they do not carry, and the problems that stop it."""
    sentences = sentence_tokens(document)
    tokens = [t for sent in sentences for t in sent]
    chains, lost = _chains(document)
    cells, dropped = _chain_cells(document.id, tokens, chains)
    errors = [_whitespace_problem(document, t) for t in tokens if t.text.split() != [t.text]]
    lines = [begin_line(document.id)]
    k = 0
    for sent in sentences:
        for n, token in enumerate(sent):
            coref = "|".join(cells[k]) or "-"
            lines.append("\t".join((document.id, "0", str(n), token.text, *PLACEHOLDERS, coref)))
            k += 1
        lines.append("")
    lines.append("#end document")
    return lines, lost + dropped, errors


def conll2012_text(documents: Iterable[Document]) -> tuple[str, int, list[NotCarried]]:
    """The CoNLL-2012 file of ``documents``, their number and what it does not carry."""
    lines: list[str] = []
    lost: list[NotCarried] = []
    errors: list[Problem] = []
    n = 0
    for document in documents:
        doc_lines, doc_lost, doc_errors = document_lines(document)
        errors += doc_errors
        lines += doc_lines
        lost.append(NotCarried(document.id, "/metadata", "document metadata"))
        lost += doc_lost
        n += 1
    if errors:
        raise ConversionError(errors)
    return "".join(line + "\n" for line in lines), n, lost


def write_conll2012(documents: Iterable[Document], out: Path) -> ConversionResult:
    """Write ``conll2012.conll`` into ``out``."""
    text, n, lost = conll2012_text(documents)
    with staged_output(out) as tmp:
        (tmp / FILE_NAME).write_bytes(text.encode("utf-8"))
        files = written_files(tmp)
    return ConversionResult("conll2012", out, files, n, tuple(lost))


def _read_cell(
    cell: str, k: int, open_at: dict[int, list[int]], chains: dict[int, list[tuple[int, int]]]
) -> str | None:
    """Read one coreference cell at token ``k``; a message when it is malformed."""
    if cell == "-":
        return None
    for part in cell.split("|"):
        number = part.strip("()")
        if not number.isdigit() or part not in (f"({number})", f"({number}", f"{number})"):
            return f'"{part}" is not (n, n) or (n)'
        n = int(number)
        if part.startswith("("):
            open_at.setdefault(n, []).append(k)
        if part.endswith(")"):
            if not open_at.get(n):
                return f"{part} closes chain {n}, which is not open"
            chains.setdefault(n, []).append((open_at[n].pop(), k))
    return None


def read_conll2012(text: str) -> list[Conll2012Document]:
    """The documents of a CoNLL-2012 file: words per sentence and chains (token indices).

    Reads the last tab-separated column as the reference scorer does; a malformed
    cell, a bracket left open or a line outside a document is a ``conll2012-invalid``
    problem naming its line.
    """
    out: list[Conll2012Document] = []
    errors: list[str] = []
    current: tuple[str, list[list[str]], dict[int, list[int]], dict[int, list[tuple[int, int]]]]
    current = ("", [], {}, {})
    inside = False
    k = 0
    for lineno, line in enumerate(text.split("\n"), 1):
        if line.startswith("#begin document "):
            current, inside, k = (line.removeprefix("#begin document "), [[]], {}, {}), True, 0
        elif line.startswith("#end document"):
            name, sents, open_at, chains = current
            if any(open_at.values()):
                errors.append(f"line {lineno}: a mention of {name} is left open")
            words = tuple(tuple(s) for s in sents if s)
            out.append(Conll2012Document(name, words, chains))
            inside = False
        elif not line.strip():
            if inside:
                current[1].append([])
        elif not inside:
            errors.append(f"line {lineno}: a token line outside #begin/#end document")
        else:
            cols = line.split("\t")
            current[1][-1].append(cols[3] if len(cols) > 3 else "")
            found = _read_cell(cols[-1], k, current[2], current[3])
            if found is not None:
                errors.append(f"line {lineno}: {found}")
            k += 1
    if errors:
        hint = "write the file as convert --to conll2012 does"
        raise ConversionError(problem("conll2012-invalid", "", "", e, hint) for e in errors)
    return out
