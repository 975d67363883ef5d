"""Loading the built dataset with ``datasets``: offline, streaming, from a wheel."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import newsgold
from newsgold import build as B
from newsgold import tokens as T
from newsgold.io import canonical_json
from newsgold.resources import dataset_dir, documents_dir

REPO = dataset_dir().parent
FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "fixture_small.json"


class NetworkBlocked(OSError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Offline flags set and every socket connection refused."""

    def refuse(self: socket.socket, *args: Any, **kwargs: Any) -> None:
        raise NetworkBlocked(f"network access attempted: {args!r}")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    import datasets.config

    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


@pytest.fixture
def cache(tmp_path: Path) -> str:
    return str(tmp_path / "hf-cache")


def test_network_is_really_blocked(no_network: None) -> None:
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkBlocked), socket.socket() as s:
        s.connect(("127.0.0.1", 9))


@pytest.mark.parametrize("config", B.configs())
def test_load_dataset_from_repo_root(
    config: str, no_network: None, cache: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datasets

    monkeypatch.chdir(REPO)
    expected = B.rows(config, newsgold.documents())
    same = newsgold.load(config, split="test", cache_dir=cache)
    assert same.features == B.features(config)
    assert same.to_list() == expected
    if not expected:
        # ``datasets`` cannot load a split of 0 rows (huggingface/datasets#8401);
        # ``newsgold.load`` gives an empty dataset with the features instead.
        with pytest.raises(ValueError, match="corresponds to no data"):
            datasets.load_dataset("dataset", config, split="test", cache_dir=cache)
        return
    ds = datasets.load_dataset("dataset", config, split="test", cache_dir=cache)
    assert list(ds.features) == list(B.features(config))
    assert ds.features == B.features(config)
    assert ds.to_list() == expected


@pytest.mark.parametrize("config", B.configs())
def test_streaming(config: str, no_network: None) -> None:
    stream = newsgold.load(config, split="test", streaming=True)
    assert list(stream.features) == list(B.features(config))
    expected = B.rows(config, newsgold.documents())
    assert list(stream) == expected


def test_ner_label_names(no_network: None, cache: str) -> None:
    from test_tokens import HUB_CONLL2003, HUB_ONTONOTES

    ner = newsgold.load("ner", cache_dir=cache)
    conll = newsgold.load("ner_conll", cache_dir=cache)
    assert ner.features["ner_tags"].feature.names == HUB_ONTONOTES
    assert conll.features["ner_tags"].feature.names == HUB_CONLL2003


def test_mentions_round_trip_through_loaded_ner(no_network: None, cache: str) -> None:
    """Every NAM mention in ``mentions`` comes back from ``ner`` tokens + tags (0 lost)."""
    ner = newsgold.load("ner", cache_dir=cache)
    mentions = newsgold.load("mentions", cache_dir=cache)
    names = ner.features["ner_tags"].feature.names
    labels = mentions.features["label"].names
    nam = mentions.features["mention_type"].str2int("NAM")
    got = set()
    for row in ner:
        toks = [
            T.Token(t, s, e)
            for t, s, e in zip(row["tokens"], row["token_starts"], row["token_ends"], strict=True)
        ]
        for span in T.iob2_to_spans(toks, [names[i] for i in row["ner_tags"]]):
            got.add((row["doc_id"], *span))
    docs_with_ner = {row["doc_id"] for row in ner}
    want = {
        (m["doc_id"], m["start"], m["end"], labels[m["label"]])
        for m in mentions
        if m["mention_type"] == nam and m["doc_id"] in docs_with_ner
    }
    assert got == want


def test_loaded_documents_are_lossless(no_network: None, cache: str) -> None:
    docs = newsgold.load("documents", cache_dir=cache)
    files = {p.stem: p for p in documents_dir().glob("*.json")}
    assert sorted(row["id"] for row in docs) == sorted(files)
    for row in docs:
        doc = B.document_from_row(row)
        assert canonical_json(doc).encode("utf-8") == files[doc.id].read_bytes()


def test_fixture_loads_with_exact_values(tmp_path: Path, no_network: None, cache: str) -> None:
    import datasets

    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(FIXTURE, docs / FIXTURE.name)
    (tmp_path / "splits.json").write_text('{"test": ["fixture_small"]}', encoding="utf-8")
    out = tmp_path / "out"
    B.build(out, documents=docs, splits=tmp_path / "splits.json")
    ner = datasets.load_dataset(str(out), "ner", split="test", cache_dir=cache)
    feature = ner.features["ner_tags"].feature
    assert [feature.int2str(i) for i in ner[1]["ner_tags"]][-5:] == [
        "O",
        "B-PERSON",
        "O",
        "B-DATE",
        "O",
    ]
    streamed = list(datasets.load_dataset(str(out), "ner_conll", split="test", streaming=True))
    assert streamed[0]["ner_tags"][7] == 5  # B-LOC for "U.S."
    (row,) = datasets.load_dataset(str(out), "documents", split="test", cache_dir=cache)
    assert canonical_json(B.document_from_row(row)).encode("utf-8") == FIXTURE.read_bytes()


def test_load_refuses_remote_code_and_unknown_configs() -> None:
    with pytest.raises(ValueError, match="trust_remote_code"):
        newsgold.load("ner", trust_remote_code=True)
    with pytest.raises(ValueError, match="unknown config"):
        newsgold.load("nope")


def test_no_loading_script_or_pickle_in_the_dataset_folder() -> None:
    for path in dataset_dir().rglob("*"):
        assert path.suffix not in (".py", ".pkl", ".pickle"), path


def test_show_command(capsys: pytest.CaptureFixture[str], no_network: None) -> None:
    import json

    from newsgold.cli import main

    assert main(["show", "--config", "documents", "--n", "1"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["id"] == sorted(p.stem for p in documents_dir().glob("*.json"))[0]
    assert main(["show", "--config", "nope"]) == 2


_WHEEL_CHECK = """
import socket, sys
def refuse(*a, **k):
    raise OSError("network access attempted")
socket.socket.connect = refuse
socket.create_connection = refuse
import newsgold
from newsgold.resources import dataset_dir
assert "_data" in str(dataset_dir()), dataset_dir()
assert newsgold.__file__.startswith(sys.argv[1]), newsgold.__file__
for config in ("documents", "ner", "ner_conll", "mentions"):
    ds = newsgold.load(config, cache_dir=sys.argv[2])
    print(config, ds.num_rows, len(list(newsgold.load(config, streaming=True))))
print(newsgold.load("ner", cache_dir=sys.argv[2]).features["ner_tags"].feature.names[9])
"""


def test_load_from_an_installed_wheel(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(REPO), "-w", str(wheels)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("newsgold-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), wheel],
        check=True,
        capture_output=True,
    )
    assert (target / "newsgold" / "_data" / "dataset" / "README.md").is_file()
    env = {
        **os.environ,
        "PYTHONPATH": str(target),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
    }
    out = subprocess.run(
        [sys.executable, "-c", _WHEEL_CHECK, str(target), str(tmp_path / "cache")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    docs = list(newsgold.documents())
    lines = out.stdout.splitlines()
    assert lines[0] == f"documents {len(docs)} {len(docs)}"
    assert lines[-1] == "B-GPE"


def _readme_block(marker: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    after = text.split(f"<!-- {marker} -->\n```python\n", 1)[1]
    return after.split("```", 1)[0]


def test_readme_label_remapping_recipe(
    no_network: None, cache: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's recipe gives every token the label it had, in the model's order; the
    ``cast_column`` it warns against renames instead."""
    import functools

    import datasets

    monkeypatch.chdir(REPO)
    monkeypatch.setattr(
        datasets, "load_dataset", functools.partial(datasets.load_dataset, cache_dir=cache)
    )
    scope: dict[str, Any] = {}
    exec(_readme_block("recipe:remap"), scope)  # the block as a user runs it
    ner, remapped, model_labels = scope["ner"], scope["remapped"], scope["model_labels"]
    assert remapped.features["ner_tags"].feature.names == model_labels
    before = ner.features["ner_tags"].feature
    after = remapped.features["ner_tags"].feature
    assert ner.num_rows == remapped.num_rows == 28
    for old, new in zip(ner, remapped, strict=True):
        assert [after.int2str(t) for t in new["ner_tags"]] == [
            before.int2str(t) for t in old["ner_tags"]
        ]
    assert ner[0]["tokens"][6] == "U.S."
    assert (ner[0]["ner_tags"][6], remapped[0]["ner_tags"][6]) == (5, 7)
    assert after.int2str(remapped[0]["ner_tags"][:10]) == [
        "O", "O", "O", "O", "O", "O", "B-LOC", "O", "O", "B-LOC",
    ]  # fmt: skip
    cast = ner.cast_column("ner_tags", datasets.List(datasets.ClassLabel(names=model_labels)))
    assert cast.features["ner_tags"].feature.int2str(cast[0]["ner_tags"][6]) == "B-ORG"


def test_split_expressions_and_all_splits(no_network: None, cache: str) -> None:
    full = newsgold.load("ner", cache_dir=cache)
    assert newsgold.load("ner", split="test[:3]", cache_dir=cache).to_list() == full.to_list()[:3]
    every = newsgold.load("ner", split=None, cache_dir=cache)
    assert list(every) == ["test"]
    assert every["test"].to_list() == full.to_list()
    assert every["test"].features == full.features == B.features("ner")
    with pytest.raises(ValueError, match=r"Unknown split \"train\". Should be one of \['test'\]"):
        newsgold.load("ner", split="train", cache_dir=cache)


_LIGHT_LOAD = """
import socket, sys
def refuse(*a, **k):
    raise OSError("network access attempted")
socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse
import newsgold
ds = newsgold.load("ner", cache_dir=sys.argv[1])
print(ds.num_rows, ds.features["ner_tags"].feature.names[9])
print(sorted(m for m in sys.modules if m.split(".")[0] == "newsgold"))
"""


def test_load_imports_no_layer_registry_and_needs_no_offline_flag(tmp_path: Path) -> None:
    """``newsgold.load`` checks the card and names the file to ``datasets``: the layer
    registry, the build and the card renderer stay unimported, and no connection is tried
    even without the Hugging Face offline flags."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    out = subprocess.run(
        [sys.executable, "-c", _LIGHT_LOAD, str(tmp_path / "cache")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == [
        "28 B-GPE",
        "['newsgold', 'newsgold.issues', 'newsgold.loader', 'newsgold.resources']",
    ]


def test_every_config_of_a_built_folder_loads_as_built(
    tmp_path: Path, no_network: None, cache: str
) -> None:
    """Each config of a folder built from the fixture loads with its features (ClassLabel
    names from the file) and its rows, streamed or not; a config without rows included."""
    from newsgold.loader import load_built

    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(FIXTURE, docs / FIXTURE.name)
    (tmp_path / "splits.json").write_text('{"test": ["fixture_small"]}', encoding="utf-8")
    out = tmp_path / "out"
    B.build(out, documents=docs, splits=tmp_path / "splits.json")
    fixture = list(newsgold.documents(str(FIXTURE)))
    empty = []
    for config in B.configs():
        expected = B.rows(config, fixture)
        loaded = load_built(out, config, cache_dir=cache)
        assert loaded.features == B.features(config), config
        assert loaded.to_list() == expected, config
        streamed = load_built(out, config, streaming=True)
        assert streamed.features == B.features(config), config
        assert list(streamed) == expected, config
        if not expected:
            empty.append(config)
    assert empty == ["relations"]  # the fixture annotates no relations
