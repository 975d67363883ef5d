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
YAML keys in a fixed order, and Parquet files carry no timestamp.

The build streams: each document file is read and parsed once, in id order, and its
rows go to the Parquet file of each config for its split, written a row group at a
time (:data:`ROW_GROUP_DOCUMENTS`) into a staging folder; what the card and Croissant
need (row counts, sizes, SHA-256, example rows, licence holders) is kept as the
documents go by, not the rows. Only a build without problems is published, so a
failed build leaves the folder as it was.

Problems (a document that does not validate, a bad split file, an entity span
that does not align to tokens, a stale built file) are
:class:`~newsgold.issues.Problem` values carried by :class:`BuildError`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgold import layers as registry
from newsgold.columns import Spec, label_names
from newsgold.features import (  # the configs' names and columns, also used from here
    DEFAULT_CONFIG,
    BuildInput,
    Built,
    BuiltFile,
    config_columns,
    config_rows,
    configs,
    data_file,
    features,
    layer_config,
)
from newsgold.hub import (
    Examples,
    croissant_json,
    leaderboard_problems,
    licence_holder,
    recorded_checksums,
    render_card,
    split_front_matter,
)
from newsgold.io import exchange, folder_mode, parse_json_file, write_staged
from newsgold.issues import Problem, ProblemError, pointer, problem
from newsgold.layers.base import Lookup
from newsgold.model import Document
from newsgold.progress import Progress, silent
from newsgold.resources import dataset_dir, documents_dir

if TYPE_CHECKING:
    from newsgold.reader import Read

SPLITS: tuple[str, ...] = ("train", "validation", "test")
"""Split names a split file may use, in the order they are written."""

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


Encoder = Callable[[Any], Any]


def _encoder(spec: Spec) -> Encoder | None:
    """A function that turns a value of ``spec`` as stored: label names -> ClassLabel
    indices, objects -> the spec's keys (a missing one null); None: the value as it is.
    Made once per config (label names -> index as a dict), not walked per value."""
    if isinstance(spec, dict):
        parts = [(key, _encoder(sub)) for key, sub in spec.items()]
        return lambda value: (
            None
            if value is None
            else {k: value.get(k) if f is None else f(value.get(k)) for k, f in parts}
        )
    if isinstance(spec, tuple) and spec[0] == "list":
        inner = _encoder(spec[1])
        if inner is None:
            return lambda value: None if value is None else list(value)
        each = inner
        return lambda value: None if value is None else [each(v) for v in value]
    if isinstance(spec, tuple) and spec[0] == "label":
        index = {name: i for i, name in enumerate(label_names(spec[1]))}
        return lambda value: None if value is None else index[value]
    return None


def _row_encoder(config: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A config's row (labels as names) -> the row as stored."""
    parts = [(name, _encoder(spec)) for name, spec, _ in config_columns(config)]
    return lambda row: {k: row[k] if f is None else f(row[k]) for k, f in parts}


def rows(config: str, documents: Iterable[Document]) -> list[dict[str, Any]]:
    """The rows of a config as stored (ClassLabel columns as indices), in a fixed order:
    documents in the given order, records in document order."""
    encode = _row_encoder(config)
    return [encode(row) for doc in documents for row in config_rows(config, doc)]


# ---------------------------------------------------------------- Parquet

ROW_GROUP_DOCUMENTS = 16
"""A Parquet row group holds the rows of at most this many documents of its split: the
build holds no more rows than that of any config and split at a time. Fixed, so that the
bytes are too; a split of at most this many documents is one row group per file."""

_PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "version": "2.6",
    "data_page_version": "1.0",
    "use_dictionary": True,
    "write_statistics": True,
    "store_schema": True,
    "write_page_index": False,
}
"""How every Parquet file is written (no timestamps; the HF features in the schema)."""


def _unwritten(path: Path, rel: str, err: OSError) -> BuildError:
    return BuildError(
        [
            problem(
                "built-file-unwritten",
                str(path),
                "",
                f"cannot write {rel}: {err.strerror or err}",
                "free space or fix permissions and build again; the dataset folder was not changed",
            )
        ]
    )


def _digest(path: Path, sync: bool = False) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in blocks; ``sync``: flushed to disk too."""
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            sha.update(block)
            size += len(block)
        if sync:
            os.fsync(handle.fileno())
    return size, sha.hexdigest()


class _Table:
    """One config's Parquet file of one split, written in a staging folder as the documents
    come: each document's rows are turned into Arrow at once (compact, unlike Python rows),
    those of up to :data:`ROW_GROUP_DOCUMENTS` documents are held, then written as a row
    group. A config without rows is a file with the schema and no row group (``datasets``
    cannot read a row group of 0 rows)."""

    def __init__(self, staging: Path, config: str, split: str) -> None:
        self.rel = data_file(config, split)
        self.path = staging / self.rel
        self.encode = _row_encoder(config)
        self.schema = features(config).arrow_schema
        self.pending: list[Any] = []  # pyarrow tables, one per document with rows
        self.documents = 0
        self.rows = 0
        self.writer: Any = None

    def add(self, rows: list[dict[str, Any]]) -> None:
        """One document's rows of the config, labels as names."""
        import pyarrow as pa

        if rows:
            encoded = [self.encode(row) for row in rows]
            self.pending.append(pa.Table.from_pylist(encoded, schema=self.schema))
        self.documents += 1
        if self.documents >= ROW_GROUP_DOCUMENTS:
            self.flush()

    def _open(self) -> Any:
        import pyarrow.parquet as pq

        if self.writer is None:
            self.path.parent.mkdir(mode=folder_mode(), parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(str(self.path), self.schema, **_PARQUET_OPTIONS)
        return self.writer

    def flush(self) -> None:
        """Write the held rows as a row group."""
        import pyarrow as pa

        if self.pending:
            table = pa.concat_tables(self.pending)
            self.pending = []
            try:
                writer = self._open()  # a file of the staging folder
                writer.write_table(table, row_group_size=100_000)
            except OSError as err:
                raise _unwritten(self.path, self.rel, err) from err
            self.rows += table.num_rows
        self.documents = 0

    def close(self) -> BuiltFile:
        """Write what is held, close the file, and describe it (read back one row group at
        a time for its Arrow size, as ``datasets`` reports it)."""
        import pyarrow.parquet as pq

        self.flush()
        try:
            self._open().close()
            size, sha256 = _digest(self.path, sync=True)
        except OSError as err:
            raise _unwritten(self.path, self.rel, err) from err
        with pq.ParquetFile(self.path) as file:
            arrow = sum(file.read_row_group(i).nbytes for i in range(file.num_row_groups))
        return BuiltFile(size, sha256, self.rows, int(arrow))

    def abandon(self) -> None:
        """Close the file without finishing it (the build failed; staging goes)."""
        if self.writer is not None:
            with contextlib.suppress(OSError):
                self.writer.close()


def documents_from_parquet(path: Path | str) -> list[Document]:
    """Read the ``documents`` config back into typed documents (the lossless reader)."""
    import pyarrow.parquet as pq

    return [Document.from_dict(row) for row in pq.read_table(path).to_pylist()]


def document_from_row(row: Mapping[str, Any]) -> Document:
    """A typed document from a row of the ``documents`` config as ``datasets`` returns it."""
    return Document.from_dict(dict(row))


# ---------------------------------------------------------------- inputs


def read_splits(
    path: Path, doc_ids: Sequence[str]
) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """Read the split file: ``{"test": [doc ids], ...}``.

    Every document must be in exactly one split, and every listed id must be a
    document; each violation is an L4 problem. Returns the splits in
    :data:`SPLITS` order, each with its ids sorted.
    """
    value, problems = parse_json_file(path)
    if problems:
        return {}, problems
    return check_splits(str(path), value, doc_ids)


def split_of(value: Any) -> dict[str, str]:
    """Document id -> split, from a parsed split file, for the ids it lists as it should
    (the first listing of an id wins); :func:`check_splits` reports the rest."""
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for split, ids in value.items():
            if split in SPLITS and isinstance(ids, list):
                for doc_id in ids:
                    if isinstance(doc_id, str):
                        out.setdefault(doc_id, split)
    return out


def check_splits(
    name: str, value: Any, doc_ids: Sequence[str]
) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """:func:`read_splits` of the parsed split file ``value`` (read from ``name``)."""
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


def _read_corpus(folder: Path, progress: Progress) -> Iterator[Read]:
    """:func:`newsgold.reader.read` of the document folder, one file at a time, in id order
    (a valid file is named ``<id>.json``; rows follow ids, and ``a-b.json`` sorts before
    ``a.json``). What ``read`` does with a folder's files is kept: a link out of the folder
    is reported, not followed, and an entry that is a folder is an unreadable file (given
    to ``read`` by name, it would be searched as a folder)."""
    from newsgold.reader import Read, expand_paths, link_problem, read, read_file

    files = sorted(expand_paths([folder]), key=lambda p: p.name.removesuffix(".json"))
    if folder.is_dir() and not folder.is_symlink():
        kept = []
        for path in files:
            link = link_problem(path, folder)
            if link is not None:
                yield Read(path, None, [link])
            elif path.is_dir():
                yield read_file(path)
            else:
                kept.append(path)
        files = kept
    yield from read(files, progress)


class _Stream:
    """A build under way: the documents as they go by, what the card needs of them, and the
    Parquet files of every config and split in a staging folder."""

    def __init__(self, staging: Path, splits: dict[str, str]) -> None:
        self.staging = staging
        self.split_of = splits
        self.tables: dict[tuple[str, str], _Table] = {}
        self.ids: list[str] = []
        self.problems: list[Problem] = []
        self.misaligned: list[Problem] = []
        self.holders: list[tuple[str, str, str]] = []
        self.examples = Examples(SPLITS)

    def read(self, folder: Path, progress: Progress) -> None:
        """Read every document once; write the rows of the valid ones until one is not
        (the build fails then, but every document is still checked)."""
        for result in _read_corpus(folder, progress):
            if result.problems or result.document is None:
                self.problems += result.problems
                continue
            doc = result.document
            self.ids.append(doc.id)
            self.misaligned += _alignment_problems([doc], folder)
            if not (self.problems or self.misaligned):
                self.add(doc)

    def add(self, doc: Document) -> None:
        """Give a valid document's rows to the files of its split."""
        self.holders.append(licence_holder(doc))
        split = self.split_of.get(doc.id)
        if split is None:
            return  # in no split: the split check says so
        look = Lookup(doc)  # one for every config of the document
        for config in configs():
            table = self.tables.get((config, split))
            if table is None:
                table = self.tables[config, split] = _Table(self.staging, config, split)
            found = config_rows(config, doc, look)
            self.examples.add(config, split, found)
            table.add(found)

    def close(self, splits: Mapping[str, tuple[str, ...]]) -> dict[str, BuiltFile]:
        """Finish every file, in build order (config, then split)."""
        files = {}
        for config in configs():
            for split in splits:
                table = self.tables.get((config, split)) or _Table(self.staging, config, split)
                files[table.rel] = table.close()
        return files

    def abandon(self) -> None:
        for table in self.tables.values():
            table.abandon()


def _card_text(card_path: Path) -> tuple[str, list[Problem]]:
    try:
        text = card_path.read_text(encoding="utf-8")
    except OSError as err:
        return "", [
            problem(
                "card-missing",
                str(card_path),
                "",
                f"cannot read the card: {err.strerror or err}",
                "write DATASET_CARD.md (YAML front matter and the hand-written sections)",
            )
        ]
    return text, _card_problems(text, str(card_path))


def _write_staged(staging: Path, rel: str, data: bytes) -> BuiltFile:
    target = staging / rel
    try:
        write_staged(target, data)
    except OSError as err:
        raise _unwritten(target, rel, err) from err
    return BuiltFile(len(data), hashlib.sha256(data).hexdigest())


def _produce(
    staging: Path,
    documents: Path | None,
    splits: Path | None,
    card: Path | None,
    progress: Progress,
    leaderboard: Path | None,
) -> dict[str, str]:
    """Build into the empty folder ``staging``: read each document once, in id order, and
    stream its rows to the Parquet files of its split, then write Croissant and the card.
    Returns the SHA-256 of each file written, by path. Raises :class:`BuildError` with
    every problem of the inputs (then what was written is to be thrown away)."""
    folder = documents or documents_dir()
    split_path = splits or splits_file()
    split_value, split_problems = parse_json_file(split_path)
    stream = _Stream(staging, split_of(split_value))
    split_map: dict[str, tuple[str, ...]] = {}
    try:
        stream.read(folder, progress)
        problems = stream.problems + split_problems
        if not split_problems:
            split_map, split_problems = check_splits(str(split_path), split_value, stream.ids)
            problems += split_problems
        problems += stream.misaligned
        card_text, card_problems = _card_text(card or card_source())
        board, board_problems = read_leaderboard(leaderboard or leaderboard_source())
        problems += card_problems + board_problems
        if problems:
            raise BuildError(problems)
        files = stream.close(split_map)
    except BaseException:
        stream.abandon()
        raise
    inputs = BuildInput(split_map, card_text, board)
    files["croissant.json"] = _write_staged(
        staging, "croissant.json", croissant_json(inputs, files)
    )
    card_bytes = render_card(inputs, Built(files, stream.examples.rows(), tuple(stream.holders)))
    readme = _write_staged(staging, "README.md", card_bytes.encode("utf-8"))
    return {**{rel: file.sha256 for rel, file in files.items()}, "README.md": readme.sha256}


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


def _changed(folder: Path, digests: Mapping[str, str]) -> list[str]:
    """The built paths whose bytes differ from ``folder``'s, and the managed files to drop."""
    changed = [
        rel
        for rel, sha256 in digests.items()
        if not ((folder / rel).is_file() and _digest(folder / rel)[1] == sha256)
    ]
    return changed + [rel for rel in _managed(folder) if rel not in digests]


def _made(folder: Path) -> list[Path]:
    """Create ``folder`` and the parents it lacks; return those created, deepest first."""
    made = []
    path = folder
    while not (path.exists() or path.is_symlink()) and path != path.parent:
        made.append(path)
        path = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    return made


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


def build(
    out: Path | None = None,
    *,
    documents: Path | None = None,
    splits: Path | None = None,
    card: Path | None = None,
    progress: Progress = silent,
    leaderboard: Path | None = None,
) -> tuple[dict[str, str], list[str]]:
    """Build the dataset folder ``out`` (default ``dataset/``); return the SHA-256 of every
    built file by path, and the paths that changed. Raises :class:`BuildError`.

    Everything is written into a staging folder beside the target (``out/.build-*``), each
    document read once and its rows written as it goes by; only a build without problems
    is published (see :data:`PUBLISH_ORDER`), and only when a file changed. Data files the
    build no longer writes go with the old ``data/``. A failure before publishing leaves
    ``out`` as it was (a folder the build had to create is removed again)."""
    folder = out or dataset_dir()
    made = _made(folder)
    for stale in folder.glob(".build-*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=folder))
    try:
        digests = _produce(staging, documents, splits, card, progress, leaderboard)
        changed = _changed(folder, digests)
        if changed:
            foreign = _foreign(folder)
            if foreign:
                raise BuildError(foreign)
            _publish(folder, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for path in made:
            with contextlib.suppress(OSError):
                path.rmdir()
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return digests, changed


def compare(folder: Path, digests: Mapping[str, str]) -> list[Problem]:
    """Problems for each built file in ``folder`` whose SHA-256 is not that of ``digests``
    (path -> SHA-256 of a fresh build); each file is read in blocks."""
    problems = []
    for rel, want in digests.items():
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
            continue
        have = _digest(target)[1]
        if have != want:
            problems.append(
                problem(
                    "built-file-stale",
                    str(target),
                    "",
                    f"sha256 {have[:12]}... != {want[:12]}... of the fresh build",
                    "run `newsgold build` (built files are never edited by hand)",
                )
            )
    for rel in _managed(folder):
        if rel not in digests:
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
    """Build into a temporary folder and compare, file by file, with ``folder`` (default
    ``dataset/``), then name every file of ``folder`` that the build neither writes nor
    reads (:func:`stray_files`). Raises :class:`BuildError` when the build fails."""
    target = folder or dataset_dir()
    with tempfile.TemporaryDirectory(prefix="newsgold-build-") as tmp:
        digests = _produce(Path(tmp), documents, splits, card, progress, leaderboard)
    from newsgold.reader import expand_paths

    read = [
        *expand_paths([documents or documents_dir()]),
        splits or splits_file(),
        card or card_source(),
    ]
    return compare(target, digests) + stray_files(target, digests, read)


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


class DatasetError(ProblemError):
    """The built files disagree with the checksums their card records: rebuild."""

    empty_message = "the built dataset folder is not as its card records"


def verify_config(folder: Path, config: str) -> list[Problem]:
    """Check the Parquet files of ``config`` against the SHA-256 that ``folder``'s card
    (``README.md``, written last by a build) records, before anything reads them."""
    card = folder / "README.md"
    try:
        recorded = recorded_checksums(card.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        hint = "run `newsgold build`"
        return [problem("built-file-missing", str(card), "", f"cannot read the card: {err}", hint)]
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


def load_config(config: str = DEFAULT_CONFIG, split: str = "test", **kwargs: Any) -> Any:
    """``datasets.load_dataset`` on the built dataset folder, for one config and split.

    Works offline and from an installed wheel; no loading script runs, and
    ``trust_remote_code`` is refused. Extra keyword arguments (``streaming=True``,
    ``cache_dir=...``) go to :func:`datasets.load_dataset`. A config with no rows yet
    gives an empty ``Dataset`` with the config's features (``datasets`` itself cannot
    load a split of 0 rows).
    """
    if config not in configs():
        raise ValueError(f'unknown config "{config}"; use one of: {", ".join(configs())}')
    if kwargs.pop("trust_remote_code", None):
        raise ValueError("newsgold data never runs code: trust_remote_code is not accepted")
    import datasets

    folder = dataset_dir()
    problems = verify_config(folder, config)
    if problems:
        raise DatasetError(problems)
    if not kwargs.get("streaming") and split in SPLITS:
        import pyarrow.parquet as pq

        path = folder / data_file(config, split)
        if path.is_file() and pq.read_metadata(path).num_rows == 0:
            empty = features(config)
            return datasets.Dataset.from_dict({k: [] for k in empty}, features=empty, split=split)
    return datasets.load_dataset(str(folder), config, split=split, **kwargs)


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
