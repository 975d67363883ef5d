"""newsgold: a hand-annotated multi-layer gold corpus of English political news.

Importing the package is cheap: ``datasets`` and ``spacy`` are imported only by
the functions that need them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without the import of typing (which has a cost)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from newsgold.model import Document

__version__ = "0.1.0"
RELEASE_DATE = "2026-11-27"
"""The day this version was released (its CHANGELOG heading); Croissant's ``datePublished``."""

__all__ = ["__version__", "documents", "load"]


def documents(path: str | None = None) -> Iterator[Document]:
    """Yield the canonical documents as typed :class:`~newsgold.model.Document` values.

    Reads ``dataset/documents/*.json`` (or ``path``) in id order without importing
    ``datasets``. Raises :class:`newsgold.validate.CorpusError` on a file that does not validate.
    """
    from pathlib import Path

    from newsgold.reader import documents as read_documents

    return read_documents([Path(path)] if path is not None else None)


def load(config: str = "documents", split: str = "test", **kwargs: Any) -> Any:
    """Load a config of the built dataset with ``datasets``, offline.

    Works from a source checkout and from an installed wheel (the built Parquet
    files ship as package data). Extra keyword arguments (``streaming=True``)
    go to :func:`datasets.load_dataset`. Before anything is read, the config's Parquet
    files are checked against the SHA-256 the dataset card records; a file that differs
    (tampered, truncated, or left by a build that was cut off) raises
    :class:`newsgold.loader.DatasetError`, whose problems name the file and say to rebuild.
    """
    from newsgold.loader import load_built
    from newsgold.resources import dataset_dir

    return load_built(dataset_dir(), config, split, **kwargs)
