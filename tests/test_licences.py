"""Licences: pyproject.toml, the card, Croissant, the licence files and the wheel say the same.

One list, :data:`newsgold.hub.LICENCES`, holds the licences; ``pyproject.toml`` is written
by hand, the card and Croissant are built. :func:`disagreements` compares what each place
says with that list; the tests run it on the committed files and on altered copies.
"""

from __future__ import annotations

import email
import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

import newsgold
from newsgold import hub as H
from newsgold.resources import dataset_dir

REPO = dataset_dir().parent


def _words(text: str) -> str:
    return " ".join(text.split())


def _expected_croissant() -> list[Any]:
    out: list[Any] = []
    for licence in H.dataset_licences():
        if licence.spdx.startswith("LicenseRef-"):
            out.append(
                {
                    "@type": "sc:CreativeWork",
                    "name": licence.spdx,
                    "description": H.NEWS_TEXT_STATUS,
                }
            )
        else:
            out.append(licence.url)
    return out


def disagreements(pyproject: dict[str, Any], card: str, croissant: dict[str, Any]) -> list[str]:
    """What ``pyproject.toml``, the built card and ``croissant.json`` say about the licences
    that differs from :data:`newsgold.hub.LICENCES`."""
    found = []
    project = pyproject["project"]
    if project.get("license") != H.LICENSE_EXPRESSION:
        found.append(f"pyproject license {project.get('license')!r} != {H.LICENSE_EXPRESSION!r}")
    files = [licence.file for licence in H.LICENCES]
    if project.get("license-files") != files:
        found.append(f"pyproject license-files {project.get('license-files')!r} != {files!r}")
    front, body = H.split_front_matter(card)
    meta = yaml.safe_load(front)
    for key, value in H.card_licence_metadata().items():
        if meta.get(key) != value:
            found.append(f"card {key} {meta.get(key)!r} != {value!r}")
    if _words(H.NEWS_TEXT_STATUS) not in _words(body):
        found.append("card body does not state the status of the news text")
    if croissant.get("license") != _expected_croissant():
        found.append(f"croissant license {croissant.get('license')!r} != {_expected_croissant()!r}")
    return found


def _committed() -> tuple[dict[str, Any], str, dict[str, Any]]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    card = (dataset_dir() / "README.md").read_text(encoding="utf-8")
    croissant = json.loads((dataset_dir() / "croissant.json").read_text(encoding="utf-8"))
    return pyproject, card, croissant


def test_pyproject_card_and_croissant_agree() -> None:
    assert disagreements(*_committed()) == []
    pyproject, card, croissant = _committed()
    assert pyproject["project"]["license"] == (
        "MIT AND CC-BY-4.0 AND LicenseRef-newsgold-news-text"
    )
    meta = yaml.safe_load(H.split_front_matter(card)[0])
    assert (meta["license"], meta["license_name"], meta["license_link"]) == (
        "other",
        "cc-by-4.0-licenseref-newsgold-news-text",
        "README.md#licensing",
    )
    assert croissant["license"][0] == "https://creativecommons.org/licenses/by/4.0/"


def _in_body(old: str, new: str) -> Any:
    def edit(card: str) -> str:
        front, body = H.split_front_matter(card)
        return f"---\n{front}---\n" + body.replace(old, new)

    return edit


@pytest.mark.parametrize(
    "where, change, complaint",
    [
        ("pyproject", lambda p: p["project"].update(license="CC-BY-4.0"), "pyproject license "),
        ("pyproject", lambda p: p["project"].pop("license-files"), "pyproject license-files "),
        ("card", lambda c: c.replace("license: other", "license: cc-by-4.0"), "card license "),
        (
            "card",
            lambda c: c.replace("license_link: README.md#licensing\n", ""),
            "card license_link",
        ),
        ("card", _in_body("claims no right in it", "claims it"), "card body"),
        ("croissant", lambda c: c.update(license="other"), "croissant license "),
        ("croissant", lambda c: c["license"].pop(), "croissant license "),
    ],
)
def test_a_disagreement_is_found(where: str, change: Any, complaint: str) -> None:
    pyproject, card, croissant = _committed()
    if where == "pyproject":
        change(pyproject)
    elif where == "card":
        card = change(card)
    else:
        change(croissant)
    (found,) = disagreements(pyproject, card, croissant)
    assert found.startswith(complaint)


def test_licence_files_say_what_they_cover() -> None:
    mit = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License\n\nCopyright (c) 2026 newsgold contributors\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in mit
    annotations = (REPO / "LICENSE-annotations").read_text(encoding="utf-8")
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in annotations
    assert "Creative Commons Attribution 4.0 International Public License" in annotations
    assert annotations.rstrip().endswith(
        "Creative Commons may be contacted at creativecommons.org."
    )
    text = (REPO / "LICENSE-text").read_text(encoding="utf-8")
    assert _words(H.NEWS_TEXT_STATUS) in _words(text)
    assert H.LICENCES[2].spdx in text


def test_the_card_names_every_publisher_and_source_of_every_document() -> None:
    card = (dataset_dir() / "README.md").read_text(encoding="utf-8")
    section = card.split("<!-- generated:licences -->")[1].split("<!-- /generated:licences")[0]
    docs = list(newsgold.documents())
    assert docs
    for doc in docs:
        (row,) = [line for line in section.splitlines() if line.startswith(f"| `{doc.id}` |")]
        if doc.metadata.publication:
            assert doc.metadata.publication.publisher in row
        for source in doc.metadata.sources:
            assert source.publisher in row
    assert "| `000_6f6c25f93ca58200` | Vestnik Kavkaza (English edition) | ABC News; " in section


def test_the_wheel_carries_the_licence_files(tmp_path: Path) -> None:
    """Built offline with the project's build backend (hatchling, from the test extras)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "--no-index",
         "-q", str(REPO), "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("newsgold-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(zf.read(f"{dist_info}/METADATA"))
        for licence in H.LICENCES:
            data = zf.read(f"{dist_info}/licenses/{licence.file}")
            assert data == (REPO / licence.file).read_bytes()
    assert metadata["License-Expression"] == H.LICENSE_EXPRESSION
    assert metadata.get_all("License-File") == [licence.file for licence in H.LICENCES]
    assert "newsgold/_data/dataset/README.md" in names
