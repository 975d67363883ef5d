"""Converters from the canonical documents to other formats, and back where a round trip fits.

One module per format: :mod:`~newsgold.convert.conll` (IOB2, CoNLL-2003 layout),
:mod:`~newsgold.convert.docbin` (spaCy ``DocBin``), :mod:`~newsgold.convert.brat`
(brat standoff) and :mod:`~newsgold.convert.html` (a self-contained page).

Every converter returns a :class:`ConversionResult` that lists what the target
format could not carry (:class:`NotCarried`, one per record or field, with a
JSON pointer into the canonical document) and never drops anything silently.
A conversion that cannot be done raises :class:`ConversionError` before any
file is written: folders are staged in a temporary folder beside the output
(:func:`staged_output`) and single files go through :func:`newsgold.io.atomic_writer`.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsgold.io import folder_mode, publish_over
from newsgold.issues import ProblemError, problem
from newsgold.layers import tag_spans
from newsgold.layers.formats import ENTITY_COLOURS
from newsgold.model import Document, Sentence

if TYPE_CHECKING:
    from newsgold.tokens import TaggedSentence, Token

__all__ = [
    "ENTITY_COLOURS",
    "ConversionError",
    "ConversionResult",
    "NotCarried",
    "staged_output",
    "tagging_view",
]


@dataclass(frozen=True, order=True)
class NotCarried:
    """One record or field of a document that the target format does not hold.

    ``pointer`` is an RFC 6901 JSON pointer into the canonical document;
    ``kept_in`` names where it went instead (a side file) or is ``None`` when
    it is not in the output at all.
    """

    doc_id: str
    pointer: str
    reason: str
    kept_in: str | None = None

    def format(self) -> str:
        where = f"kept in {self.kept_in}" if self.kept_in else "dropped"
        return f"{self.doc_id}#{self.pointer}: {self.reason} ({where})"


@dataclass(frozen=True)
class ConversionResult:
    """What a converter wrote and what it could not carry."""

    target: str
    out: Path
    files: tuple[str, ...]
    documents: int
    not_carried: tuple[NotCarried, ...] = ()

    @property
    def not_carried_count(self) -> int:
        return len(self.not_carried)

    def summary(self) -> list[tuple[str, str | None, int]]:
        """``(reason, kept_in, count)`` for each kind of loss, in first-seen order."""
        counts = Counter((n.reason, n.kept_in) for n in self.not_carried)
        seen: list[tuple[str, str | None]] = []
        for n in self.not_carried:
            key = (n.reason, n.kept_in)
            if key not in seen:
                seen.append(key)
        return [(reason, kept, counts[(reason, kept)]) for reason, kept in seen]


class ConversionError(ProblemError, ValueError):
    """A conversion that cannot be done; ``problems`` says why, one value each, with the place.

    Codes are those of the "conversion" domain of :data:`newsgold.issues.CODES`,
    and the document codes when a converted document does not validate.
    """

    empty_message = "conversion failed"


def check_output_dir(out: Path) -> None:
    """Raise :class:`ConversionError` when ``out`` exists and is not a folder."""
    if out.exists() and not out.is_dir():
        message, hint = "exists and is not a folder", "give a folder for --out"
        raise ConversionError([problem("output-not-folder", str(out), "", message, hint)])


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``out``; publish its files to ``out`` on success.

    When ``out`` does not exist the temporary folder is given the permissions ``mkdir``
    would give (0o777 less the umask, not mkdtemp's 0o700) and renamed to it (one step);
    otherwise :func:`newsgold.io.publish_over` moves the new files in, all or nothing
    (the files they replace are set aside and put back on any failure; files of
    ``out`` that the conversion did not write stay, and the folder itself is never
    replaced). A folder in ``out`` where a file goes raises :class:`OSError` before
    anything is published. On any exception the temporary folder is removed and
    ``out`` is as it was.
    """
    check_output_dir(out)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    try:
        yield tmp
        if not out.exists():
            os.chmod(tmp, folder_mode())  # mkdtemp gives 0o700; give what mkdir would
            os.rename(tmp, out)
            return
        publish_over(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def written_files(folder: Path) -> tuple[str, ...]:
    """The files under ``folder``, as sorted relative POSIX paths."""
    return tuple(sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()))


def paragraph_sentences(document: Document) -> tuple[Sentence, ...]:
    """One pseudo-sentence per non-blank line, trimmed: the units of a text without sentences."""
    out: list[Sentence] = []
    pos = 0
    for line in document.text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            out.append(Sentence(f"p{len(out) + 1}", start, start + len(stripped), stripped))
        pos += len(line) + 1
    return tuple(out)


def tagging_view(document: Document) -> tuple[Document, bool]:
    """The document to tokenise and tag, and whether its own sentences were used.

    A document without sentences is tokenised per paragraph (the units of
    :func:`paragraph_sentences`), so that every converter gives the same
    tokens for the same text.
    """
    if document.sentences:
        return document, True
    return dataclasses.replace(document, sentences=paragraph_sentences(document)), False


def sentence_tokens(document: Document) -> list[tuple[Token, ...]]:
    """The tokens of each sentence of ``document`` (each paragraph without sentences), as
    the ``ner`` configs tokenise them (see :func:`tagging_view`); nothing is tagged."""
    from newsgold.tokens import tokenize_sentence

    view, _ = tagging_view(document)
    return [tokenize_sentence(s) for s in view.sentences]


def tagged_for_conversion(document: Document) -> tuple[list[TaggedSentence], bool]:
    """Tokens and OntoNotes IOB2 tags of every sentence (see :func:`tagging_view`), and
    whether the document's own sentences were used; a misaligned NAM mention stops the
    conversion with its exact place."""
    from newsgold.tokens import AlignmentError, tag_document

    view, own = tagging_view(document)
    try:
        return tag_document(view, tag_spans(view)), own
    except AlignmentError as err:
        raise ConversionError(
            problem(
                "span-token-misaligned",
                m.doc_id,
                m.pointer,
                m.message(),
                "correct the mention or its sentence so that it falls on token boundaries",
            )
            for m in err.misalignments
        ) from err
