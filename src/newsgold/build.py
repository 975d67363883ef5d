"""Build the Hugging Face dataset folder from the canonical documents.

``newsgold build`` writes, into ``dataset/`` (or ``--out``):

- ``data/<config>/<split>-00000-of-00001.parquet`` for every config and split;
- ``croissant.json``, Croissant 1.0 metadata of those files;
- ``README.md``, the dataset card: the YAML front matter of ``DATASET_CARD.md``
  plus the generated ``configs:`` and ``dataset_info:``, then the body of
  ``DATASET_CARD.md`` with every ``<!-- generated:NAME -->`` marker line
  replaced by the generated section NAME (see :data:`MARKERS`). A section
  whose marker is missing is appended at the end of the card.

The bytes depend only on the documents, ``dataset/splits.json``, the schema,
``DATASET_CARD.md``, ``benchmarks/leaderboard.json`` (the card's leaderboard)
and the versions of pyarrow and spaCy: rows are in a fixed order, JSON and
YAML keys in a fixed order, and Parquet files carry no timestamp. Every file
is computed before the first one is written, and each is written atomically,
so a failed build leaves the folder as it was.

Problems (a document that does not validate, a bad split file, an entity span
that does not align to tokens, a stale built file) are
:class:`~newsgold.issues.Problem` values carried by :class:`BuildError`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from newsgold import layers as registry
from newsgold.columns import Spec, label_names
from newsgold.features import (  # the configs' names and columns, also used from here
    DEFAULT_CONFIG,
    BuildInput,
    config_columns,
    config_rows,
    configs,
    features,
    layer_config,
)
from newsgold.hub import (
    croissant_json,
    leaderboard_problems,
    render_card,
    split_front_matter,
)
from newsgold.io import exchange, folder_mode, parse_json_file, write_staged
from newsgold.issues import Problem, ProblemError, pointer, problem
from newsgold.loader import SPLITS, data_file, load_built
from newsgold.loader import DatasetError as DatasetError  # the load side, kept importable here
from newsgold.loader import verify_config as verify_config
from newsgold.model import Document
from newsgold.progress import Progress, silent
from newsgold.resources import dataset_dir, documents_dir

REQUIRED_CARD_KEYS: tuple[str, ...] = (
    "pretty_name",
    "language",
    "license",
    "annotations_creators",
    "language_creators",
    "multilinguality",
    "size_categories",
    "source_datasets",
    "task_categories",
    "task_ids",
)
"""Hugging Face metadata keys ``DATASET_CARD.md`` must set (``configs`` is generated)."""


class BuildError(ProblemError):
    """The build cannot be done (or ``--check`` failed); ``problems`` says why.

    Its codes are those of the "build" domain of :data:`newsgold.issues.CODES`.
    """

    empty_message = "build failed"


def card_source() -> Path:
    """The hand-written card, ``DATASET_CARD.md`` beside ``pyproject.toml``."""
    return dataset_dir().parent / "DATASET_CARD.md"


def leaderboard_source() -> Path:
    """The leaderboard figures, ``benchmarks/leaderboard.json`` beside ``pyproject.toml``."""
    return dataset_dir().parent / "benchmarks" / "leaderboard.json"


def read_leaderboard(path: Path) -> tuple[dict[str, Any], list[Problem]]:
    """The leaderboard file (see :func:`newsgold.hub.leaderboard_problems`) and its problems."""
    hint = "rerun benchmarks/leaderboard.py, which writes the file"
    try:
        board = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        message = f"cannot read the leaderboard: {getattr(err, 'strerror', None) or err}"
        return {}, [problem("leaderboard-invalid", str(path), "", message, hint)]
    found = [
        problem("leaderboard-invalid", str(path), where, f"{where or 'the file'} {what}", hint)
        for where, what in leaderboard_problems(board)
    ]
    return ({} if found else board), found


def splits_file() -> Path:
    """The split file, ``dataset/splits.json``."""
    return dataset_dir() / "splits.json"


def _encode(value: Any, spec: Spec) -> Any:
    """Label names -> ClassLabel indices, following the spec."""
    if value is None:
        return None
    if isinstance(spec, dict):
        return {k: _encode(value.get(k), v) for k, v in spec.items()}
    if isinstance(spec, tuple) and spec[0] == "list":
        return [_encode(v, spec[1]) for v in value]
    if isinstance(spec, tuple) and spec[0] == "label":
        return label_names(spec[1]).index(value)
    return value


def rows(config: str, documents: Iterable[Document]) -> list[dict[str, Any]]:
    """The rows of a config as stored (ClassLabel columns as indices), in a fixed order:
    documents in the given order, records in document order."""
    specs = config_columns(config)
    out = []
    for doc in documents:
        for row in config_rows(config, doc):
            out.append({name: _encode(row[name], spec) for name, spec, _ in specs})
    return out


# ---------------------------------------------------------------- Parquet


def parquet_bytes(config: str, table_rows: list[dict[str, Any]]) -> bytes:
    """The Parquet bytes of a config's rows (no timestamps; the HF features in the schema)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = features(config).arrow_schema
    table = pa.Table.from_pylist(table_rows, schema=schema)
    sink = io.BytesIO()
    # A config without rows is a file with the schema and no row group (``datasets``
    # cannot read a row group of 0 rows).
    with pq.ParquetWriter(
        sink,
        schema,
        compression="zstd",
        compression_level=9,
        version="2.6",
        data_page_version="1.0",
        use_dictionary=True,
        write_statistics=True,
        store_schema=True,
        write_page_index=False,
    ) as writer:
        if table.num_rows:
            writer.write_table(table, row_group_size=100_000)
    return sink.getvalue()


def documents_from_parquet(path: Path | str) -> list[Document]:
    """Read the ``documents`` config back into typed documents (the lossless reader)."""
    import pyarrow.parquet as pq

    return [Document.from_dict(row) for row in pq.read_table(path).to_pylist()]


def document_from_row(row: Mapping[str, Any]) -> Document:
    """A typed document from a row of the ``documents`` config as ``datasets`` returns it."""
    return Document.from_dict(dict(row))


# ---------------------------------------------------------------- inputs


def read_documents(
    folder: Path | None = None, progress: Progress = silent
) -> tuple[list[Document], list[Problem]]:
    """Validate and read every document of ``folder`` (default: the corpus), in id order."""
    from newsgold.reader import read

    docs: list[Document] = []
    problems: list[Problem] = []
    for _path, document, found in read([folder or documents_dir()], progress):
        if found or document is None:
            problems.extend(found)
            continue
        docs.append(document)
    docs.sort(key=lambda d: d.id)
    return docs, problems


def read_splits(
    path: Path, doc_ids: Sequence[str]
) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """Read the split file: ``{"test": [doc ids], ...}``.

    Every document must be in exactly one split, and every listed id must be a
    document; each violation is an L4 problem. Returns the splits in
    :data:`SPLITS` order, each with its ids sorted.
    """
    name = str(path)
    value, problems = parse_json_file(path)
    if problems:
        return {}, problems
    if not isinstance(value, dict):
        return {}, [
            problem(
                "split-file-invalid",
                name,
                "",
                f"the split file is {type(value).__name__}, not an object",
                'write {"test": ["<doc id>", ...]}',
            )
        ]
    reading = _SplitReading(name, set(doc_ids))
    for split, ids in value.items():
        reading.split(split, ids)
    for doc_id in doc_ids:
        if doc_id not in reading.found:
            reading.add(
                "split-missing-document",
                "",
                f'document "{doc_id}" is in no split',
                f'add "{doc_id}" to one split (the corpus is a benchmark: "test")',
            )
    splits = reading.splits
    ordered = {s: tuple(sorted(splits[s])) for s in SPLITS if splits.get(s)}
    return ordered, reading.problems


class _SplitReading:
    """The state of reading one split file: where each id was found, and the problems."""

    def __init__(self, name: str, known: set[str]) -> None:
        self.name = name
        self.known = known
        self.found: dict[str, tuple[str, int]] = {}
        self.splits: dict[str, list[str]] = {}
        self.problems: list[Problem] = []

    def add(self, code: str, where: str, message: str, hint: str) -> None:
        self.problems.append(problem(code, self.name, where, message, hint))

    def split(self, split: str, ids: Any) -> None:
        if split not in SPLITS or not isinstance(ids, list):
            self.add(
                "split-file-invalid",
                pointer(split),
                f'"{split}" is not a split name with a list of ids',
                f"use the split names {', '.join(SPLITS)}, each with a list of document ids",
            )
            return
        for i, doc_id in enumerate(ids):
            self.document(split, i, doc_id)

    def document(self, split: str, i: int, doc_id: Any) -> None:
        where = pointer(split, i)
        if not isinstance(doc_id, str):
            self.add(
                "split-file-invalid",
                where,
                f"{json.dumps(doc_id)} is not a document id",
                "list document ids as strings",
            )
            return
        if doc_id in self.found:
            first_split, first_i = self.found[doc_id]
            self.add(
                "split-duplicate-document",
                where,
                f'"{doc_id}" is already listed at {pointer(first_split, first_i)}',
                "list every document in exactly one split",
            )
            return
        self.found[doc_id] = (split, i)
        if doc_id not in self.known:
            self.add(
                "split-unknown-document",
                where,
                f'"{doc_id}" is not the id of any document',
                "remove it or add the document",
            )
            return
        self.splits.setdefault(split, []).append(doc_id)


def _alignment_problems(docs: Iterable[Document], folder: Path) -> list[Problem]:
    from newsgold import tokens

    out = []
    for doc in docs:
        if not all(layer in doc.annotated_layers for layer in layer_config("ner").needs):
            continue
        for mis in tokens.misalignments(doc, registry.tag_spans(doc)):
            out.append(
                problem(
                    "span-token-misaligned",
                    str(folder / f"{doc.id}.json"),
                    mis.pointer,
                    mis.message(),
                    "the tokenizer splits differently here: check the span; the data is "
                    "not changed to fit the tokenizer",
                )
            )
    return out


# ---------------------------------------------------------------- the build


def read_inputs(
    documents: Path | None = None,
    splits: Path | None = None,
    card: Path | None = None,
    progress: Progress = silent,
    leaderboard: Path | None = None,
) -> BuildInput:
    """Read and check the build's inputs; raise :class:`BuildError` with every problem."""
    folder = documents or documents_dir()
    split_path = splits or splits_file()
    card_path = card or card_source()
    docs, problems = read_documents(folder, progress)
    split_map, split_problems = read_splits(split_path, [d.id for d in docs])
    problems += split_problems
    problems += _alignment_problems(docs, folder)
    card_text = ""
    try:
        card_text = card_path.read_text(encoding="utf-8")
    except OSError as err:
        problems.append(
            problem(
                "card-missing",
                str(card_path),
                "",
                f"cannot read the card: {err.strerror or err}",
                "write DATASET_CARD.md (YAML front matter and the hand-written sections)",
            )
        )
    else:
        problems += _card_problems(card_text, str(card_path))
    board, board_problems = read_leaderboard(leaderboard or leaderboard_source())
    problems += board_problems
    if problems:
        raise BuildError(problems)
    return BuildInput(tuple(docs), split_map, card_text, board)


def build_files(inputs: BuildInput, progress: Progress = silent) -> dict[str, bytes]:
    """Every built file, path (relative to the dataset folder) -> bytes, in a fixed order."""
    by_id = {d.id: d for d in inputs.documents}
    tables: dict[tuple[str, str], list[dict[str, Any]]] = {}
    files: dict[str, bytes] = {}
    names = configs()
    for config in progress(names, desc="configs", total=len(names)):
        for split, ids in inputs.splits.items():
            table_rows = rows(config, [by_id[i] for i in ids])
            tables[config, split] = table_rows
            files[data_file(config, split)] = parquet_bytes(config, table_rows)

    files["croissant.json"] = croissant_json(inputs, files)
    files["README.md"] = render_card(inputs, tables, files).encode("utf-8")
    return files


def _managed(folder: Path) -> list[str]:
    """Files in ``folder`` that belong to the build output (for extra-file checks)."""
    out = [name for name in ("README.md", "croissant.json") if (folder / name).is_file()]
    data = folder / "data"
    if data.is_dir():
        out += sorted(
            p.relative_to(folder).as_posix()
            for p in data.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )
    return out


PUBLISH_ORDER: tuple[str, ...] = ("data", "croissant.json", "README.md")
"""How a build replaces the built files: ``data/`` in one step, then Croissant, then the card.

The card is written last and records the SHA-256 of every other built file, so a build
cut off between two steps leaves files that disagree with the card; the loader and
``newsgold build --check`` then refuse them and say to rebuild."""


def _changed(folder: Path, files: Mapping[str, bytes]) -> list[str]:
    """The built paths whose bytes differ from ``folder``'s, and the managed files to drop."""
    changed = [
        rel
        for rel, data in files.items()
        if not ((folder / rel).is_file() and (folder / rel).read_bytes() == data)
    ]
    return changed + [rel for rel in _managed(folder) if rel not in files]


def _stage(staging: Path, files: Mapping[str, bytes]) -> None:
    """Write every built file under ``staging``; a write that fails names its file."""
    mode = folder_mode()
    for rel, data in files.items():
        target = staging / rel
        try:
            for parent in reversed(target.relative_to(staging).parents[:-1]):
                (staging / parent).mkdir(mode=mode, exist_ok=True)
            write_staged(target, data)
        except OSError as err:
            raise BuildError(
                [
                    problem(
                        "built-file-unwritten",
                        str(target),
                        "",
                        f"cannot write {rel}: {err.strerror or err}",
                        "free space or fix permissions and build again; "
                        "the dataset folder was not changed",
                    )
                ]
            ) from err


def _publish(folder: Path, staging: Path) -> None:
    """Move the staged files into ``folder`` in :data:`PUBLISH_ORDER`."""
    for rel in PUBLISH_ORDER:
        new, old = staging / rel, folder / rel
        if not new.exists():
            continue
        if rel == "data" and old.is_dir():
            if not exchange(new, old):  # two renames where the system cannot swap
                os.rename(old, staging / "data.old")
                try:
                    os.rename(new, old)
                except BaseException:
                    os.rename(staging / "data.old", old)
                    raise
        else:
            os.replace(new, old)


_OWN_DATA = re.compile(r"data/[^/]+/(?:" + "|".join(SPLITS) + r")-00000-of-00001\.parquet")
"""The paths under ``data/`` a build writes, for any config (those of a config no longer
built are replaced with the rest of ``data/``)."""

_OWN_MARKS = {"README.md": "<!-- generated:checksums -->", "croissant.json": '"recordSet"'}
"""What a card and a Croissant file that a build wrote hold."""


def _foreign(folder: Path) -> list[Problem]:
    """Files in ``folder`` that a build would delete or overwrite but did not write."""
    found = []
    data = folder / "data"
    if data.is_dir():
        for path in sorted(data.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if (path.is_file() or path.is_symlink()) and not _OWN_DATA.fullmatch(rel):
                found.append(rel)
    for name, mark in _OWN_MARKS.items():
        path = folder / name
        if path.is_file() and mark not in path.read_text(encoding="utf-8", errors="replace"):
            found.append(name)
    return [
        problem(
            "out-not-a-build",
            str(folder / rel),
            "",
            f"{rel} is not a file the build wrote, and the build would delete or replace it",
            "move it away or build into another folder: the build replaces data/ whole "
            "and writes README.md and croissant.json",
        )
        for rel in found
    ]


def write_files(folder: Path, files: Mapping[str, bytes]) -> list[str]:
    """Write the built files into ``folder``: stage them all in a folder beside the target,
    then publish (see :data:`PUBLISH_ORDER`); data files the build no longer writes go with
    the old ``data/``. Returns the paths that changed; nothing is written when none did.
    A failure while staging leaves ``folder`` as it was."""
    changed = _changed(folder, files)
    if not changed:
        return []
    foreign = _foreign(folder)
    if foreign:
        raise BuildError(foreign)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(".build-*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=folder))
    try:
        _stage(staging, files)
        _publish(folder, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return changed


def build(
    out: Path | None = None,
    *,
    documents: Path | None = None,
    splits: Path | None = None,
    card: Path | None = None,
    progress: Progress = silent,
    leaderboard: Path | None = None,
) -> tuple[dict[str, bytes], list[str]]:
    """Build the dataset folder ``out`` (default ``dataset/``); return the files and the
    paths that changed. Raises :class:`BuildError`; nothing is written then."""
    files = build_files(read_inputs(documents, splits, card, progress, leaderboard), progress)
    return files, write_files(out or dataset_dir(), files)


def compare(folder: Path, files: Mapping[str, bytes]) -> list[Problem]:
    """Problems for each built file in ``folder`` that differs from ``files``."""
    problems = []
    for rel, data in files.items():
        target = folder / rel
        if not target.is_file():
            problems.append(
                problem(
                    "built-file-missing",
                    str(target),
                    "",
                    "the build writes this file but it is not there",
                    "run `newsgold build`",
                )
            )
        elif target.read_bytes() != data:
            have = hashlib.sha256(target.read_bytes()).hexdigest()[:12]
            want = hashlib.sha256(data).hexdigest()[:12]
            problems.append(
                problem(
                    "built-file-stale",
                    str(target),
                    "",
                    f"sha256 {have}... != {want}... of the fresh build",
                    "run `newsgold build` (built files are never edited by hand)",
                )
            )
    for rel in _managed(folder):
        if rel not in files:
            problems.append(
                problem(
                    "built-file-extra",
                    str(folder / rel),
                    "",
                    "the build does not write this file",
                    "remove it, or run `newsgold build`, which removes it",
                )
            )
    return problems


def check(
    folder: Path | None = None,
    *,
    documents: Path | None = None,
    splits: Path | None = None,
    card: Path | None = None,
    progress: Progress = silent,
    leaderboard: Path | None = None,
) -> list[Problem]:
    """Rebuild into a temporary folder and compare with ``folder`` (default ``dataset/``),
    then name every file of ``folder`` that the build neither writes nor reads
    (:func:`stray_files`)."""
    target = folder or dataset_dir()
    inputs = read_inputs(documents, splits, card, progress, leaderboard)
    with tempfile.TemporaryDirectory(prefix="newsgold-build-") as tmp:
        fresh = Path(tmp)
        write_files(fresh, build_files(inputs, progress))
        files = {rel: (fresh / rel).read_bytes() for rel in _managed(fresh)}
    from newsgold.reader import expand_paths

    read = [
        *expand_paths([documents or documents_dir()]),
        splits or splits_file(),
        card or card_source(),
    ]
    return compare(target, files) + stray_files(target, files, read)


def _inside(path: Path, folder: Path) -> str | None:
    """``path`` relative to ``folder`` as a POSIX path, or None when it lies outside."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(folder)).as_posix()
    except ValueError:
        return None


def stray_files(folder: Path, written: Iterable[str], read: Iterable[Path]) -> list[Problem]:
    """A ``stray-file`` problem for every file under ``folder`` that is not part of a dataset
    folder, in path order: everything in it is published with it. Part of it are what the
    build writes (``written``, paths relative to ``folder``), what it reads (``read``: the
    documents, the split file, the card) and the places of the inputs in a dataset folder
    (``documents/*.json``, ``splits.json``), so a copy of ``dataset/`` checks clean. Files
    under ``data/`` are :func:`compare`'s (``built-file-extra``)."""
    if not folder.is_dir():
        return []
    known = set(written) | set(_managed(folder)) | {"splits.json"}
    known |= {f"documents/{p.name}" for p in (folder / "documents").glob("*.json")}
    known |= {rel for path in read if (rel := _inside(path, folder)) is not None}
    found = sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() or path.is_symlink()
    )
    found = [rel for rel in found if rel not in known]
    return [
        problem(
            "stray-file",
            str(folder / rel),
            "",
            f"{rel} is neither written nor read by the build, and would be published with "
            "the dataset",
            f"move it out of {folder} (write converter output elsewhere, e.g. --out out/...)",
        )
        for rel in found
    ]


# ---------------------------------------------------------------- card checks


def _card_problems(text: str, name: str) -> list[Problem]:
    import yaml

    front, _ = split_front_matter(text)
    try:
        meta = yaml.safe_load(front) if front else {}
    except yaml.YAMLError as err:
        return [
            problem(
                "card-yaml-invalid",
                name,
                "",
                f"the front matter is not YAML: {err}",
                "fix the YAML between the two --- lines",
            )
        ]
    if not isinstance(meta, dict):
        return [
            problem(
                "card-yaml-invalid",
                name,
                "",
                "the front matter is not a YAML mapping",
                "start the card with ---, the metadata keys, and ---",
            )
        ]
    return [
        problem(
            "card-metadata-missing",
            name,
            pointer(key),
            f'the front matter has no "{key}"',
            "add it (see https://huggingface.co/docs/hub/datasets-cards)",
        )
        for key in REQUIRED_CARD_KEYS
        if key not in meta
    ]


# ---------------------------------------------------------------- loading


def load_config(config: str = DEFAULT_CONFIG, split: str = "test", **kwargs: Any) -> Any:
    """:func:`newsgold.loader.load_built` on the dataset folder (:func:`dataset_dir`)."""
    return load_built(dataset_dir(), config, split, **kwargs)


def decode_row(config: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row with ClassLabel indices turned back into names."""
    return {name: _decode(row.get(name), spec) for name, spec, _ in config_columns(config)}


def _decode(value: Any, spec: Spec) -> Any:
    if value is None:
        return None
    if isinstance(spec, dict):
        return {k: _decode(value.get(k), v) for k, v in spec.items()}
    if isinstance(spec, tuple) and spec[0] == "list":
        return [_decode(v, spec[1]) for v in value]
    if isinstance(spec, tuple) and spec[0] == "label":
        return label_names(spec[1])[value]
    return value
