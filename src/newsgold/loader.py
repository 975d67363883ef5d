"""Loading the built dataset: where a config's Parquet files are, the SHA-256 the card
records for them, and :func:`load_built`, which checks them and hands them to ``datasets``.

This module imports neither the layer registry nor anything heavy at import time:
``newsgold.load`` reads the card's checksum table and names the config's Parquet files
to ``datasets.load_dataset("parquet", ...)`` directly, so it does what
``load_dataset`` does on the same file plus a SHA-256 of each file. The registry is
consulted only when the card records no file of the config asked for (to tell an
unknown config from a missing one) and for a config with no rows.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from newsgold.issues import Problem, ProblemError, problem

SPLITS: tuple[str, ...] = ("train", "validation", "test")
"""Split names a split file may use, in the order they are written."""

REFUSED_ARGUMENTS: tuple[str, ...] = ("data_files", "data_dir")
"""``load_dataset`` arguments that would read files the card does not vouch for."""

_CHECKSUM_ROW = re.compile(r"\| `([^`]+)` \| (\d+) \| `([0-9a-f]{64})` \|")
"""A row of the card's checksums table (written by ``newsgold.hub``): file, bytes, SHA-256."""


class DatasetError(ProblemError):
    """The built files disagree with the checksums their card records: rebuild."""

    empty_message = "the built dataset folder is not as its card records"


def data_file(config: str, split: str) -> str:
    """The path of a Parquet file inside the dataset folder."""
    return f"data/{config}/{split}-00000-of-00001.parquet"


def recorded_checksums(card: str) -> dict[str, str]:
    """The SHA-256 the built card records for each built file (path -> hex digest)."""
    start, end = "<!-- generated:checksums -->", "<!-- /generated:checksums -->"
    if start not in card:
        return {}
    section = card.split(start, 1)[1].split(end, 1)[0]
    return {m[1]: m[3] for m in map(_CHECKSUM_ROW.fullmatch, section.splitlines()) if m}


def _read_card(folder: Path) -> tuple[dict[str, str], list[Problem]]:
    card = folder / "README.md"
    try:
        return recorded_checksums(card.read_text(encoding="utf-8")), []
    except (OSError, UnicodeDecodeError) as err:
        hint = "run `newsgold build`"
        return {}, [
            problem("built-file-missing", str(card), "", f"cannot read the card: {err}", hint)
        ]


def verify_config(folder: Path, config: str) -> list[Problem]:
    """Check the Parquet files of ``config`` against the SHA-256 that ``folder``'s card
    (``README.md``, written last by a build) records, before anything reads them."""
    recorded, problems = _read_card(folder)
    return problems or _verify(folder, config, recorded)


def _verify(folder: Path, config: str, recorded: dict[str, str]) -> list[Problem]:
    problems = []
    for split in SPLITS:
        rel = data_file(config, split)
        path, want = folder / rel, recorded.get(rel)
        if want is None and not path.exists():
            continue  # a split the build did not write
        got = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        if got != want:
            problems.append(_checksum_problem(path, rel, got, want))
    return problems


def _checksum_problem(path: Path, rel: str, got: str | None, want: str | None) -> Problem:
    hint = "run `newsgold build` to rebuild the dataset folder from the documents"
    if got is None:
        return problem("built-file-missing", str(path), "", f"{rel} is missing", hint)
    said = "records no SHA-256" if want is None else f"records SHA-256 {want[:12]}..."
    message = f"{rel} has SHA-256 {got[:12]}... but the card {said}"
    return problem("built-file-checksum", str(path), "", message, hint)


def _known_config(config: str) -> None:
    """``ValueError`` unless ``config`` is a config of the registered layers."""
    from newsgold.features import configs

    if config not in configs():
        raise ValueError(f'unknown config "{config}"; use one of: {", ".join(configs())}')


def load_built(folder: Path, config: str, split: str | None = "test", **kwargs: Any) -> Any:
    """``datasets.load_dataset`` on the Parquet files of ``config`` in the built dataset
    ``folder``, after checking each against the SHA-256 the folder's card records.

    The files are named to the ``parquet`` builder directly (``data_files``), so
    ``datasets`` reads no card and searches no folder; the features, ClassLabel names
    included, are those each file carries in its schema. No loading script runs:
    ``trust_remote_code``, ``data_files`` and ``data_dir`` are refused. Extra keyword
    arguments (``streaming=True``, ``cache_dir=...``) go to :func:`datasets.load_dataset`.
    A config with no rows gives an empty ``Dataset`` with the config's features
    (``datasets`` itself cannot load a split of 0 rows).
    """
    if kwargs.pop("trust_remote_code", None):
        raise ValueError("newsgold data never runs code: trust_remote_code is not accepted")
    refused = [name for name in REFUSED_ARGUMENTS if name in kwargs]
    if refused:
        raise ValueError(
            f"newsgold.load reads only the files its card records: {', '.join(refused)} "
            "is not accepted (use datasets.load_dataset for other files)"
        )
    recorded, problems = _read_card(folder)
    present = {s: data_file(config, s) for s in SPLITS if data_file(config, s) in recorded}
    if not present:
        _known_config(config)
    problems = problems or _verify(folder, config, recorded)
    if not problems and not present:
        missing = data_file(config, split if split in SPLITS else "test")
        problems = [
            problem(
                "built-file-missing",
                str(folder / missing),
                "",
                f"the card records no file of config {config}",
                "run `newsgold build` to rebuild the dataset folder from the documents",
            )
        ]
    if problems:
        raise DatasetError(problems)
    import datasets

    named = {split: present[split]} if split in present else present
    files = {s: str(folder / rel) for s, rel in named.items()}
    if not kwargs.get("streaming") and split in present:
        import pyarrow.parquet as pq

        if pq.read_metadata(files[split]).num_rows == 0:
            from newsgold.features import features

            empty = features(config)
            return datasets.Dataset.from_dict({k: [] for k in empty}, features=empty, split=split)
    return datasets.load_dataset("parquet", config, data_files=files, split=split, **kwargs)
