"""Where the schema and the dataset folder are, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


def schema_dir() -> Path:
    """The folder holding ``document.schema.json`` and ``labels.json``."""
    return _first_existing(_CHECKOUT / "schema", _PACKAGE / "_data" / "schema")


def dataset_dir() -> Path:
    """The Hugging Face dataset folder (card, canonical documents, Parquet files)."""
    return _first_existing(_CHECKOUT / "dataset", _PACKAGE / "_data" / "dataset")


def documents_dir() -> Path:
    """The folder of canonical documents, one ``<doc_id>.json`` each."""
    return dataset_dir() / "documents"
