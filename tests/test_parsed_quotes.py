"""Quote attribution by rules over a dependency parse (newsgold.baselines.parsed_quotes).

The parses are written by hand (words, heads, dependency labels, parts of speech,
entity tags), so no pretrained pipeline is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsgold.baselines import parsed_quotes as P
from newsgold.cli import main

HERE = Path(__file__).parent
GOLD = HERE / "fixtures" / "valid" / "fixture_small.json"

Tok = tuple[str, int, str, str, str, bool]
"""word, head index, dependency label, part of speech, entity IOB tag, space after."""


def parsed(tokens: list[Tok]) -> Any:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    return Doc(
        Vocab(),
        words=[t[0] for t in tokens],
        heads=[t[1] for t in tokens],
        deps=[t[2] for t in tokens],
        pos=[t[3] for t in tokens],
        ents=[t[4] for t in tokens],
        spaces=[t[5] for t in tokens],
    )


def found(doc: Any) -> list[tuple[str, str, str, str]]:
    """(content, cue, source, type) of each quote the rules find."""
    text = doc.text
    out = []
    for f in P.find_quotes(doc):
        src = P.noun_phrase(f.source)
        out.append((text[slice(*f.content)], text[slice(*f.cue)], text[slice(*src)], f.type))
    return out


# "The Ministry said that the talks were useful."
MINISTRY: list[Tok] = [
    ("The", 1, "det", "DET", "B-ORG", True),
    ("Ministry", 2, "nsubj", "PROPN", "I-ORG", True),
    ("said", 2, "ROOT", "VERB", "O", True),
    ("that", 6, "mark", "SCONJ", "O", True),
    ("the", 5, "det", "DET", "O", True),
    ("talks", 6, "nsubj", "NOUN", "O", True),
    ("were", 2, "ccomp", "AUX", "O", True),
    ("useful", 6, "acomp", "ADJ", "O", False),
    (".", 2, "punct", "PUNCT", "O", False),
]


def test_complement_clause_is_indirect_content_subject_noun_phrase_the_source() -> None:
    doc = parsed(MINISTRY)
    assert found(doc) == [("the talks were useful", "said", "The Ministry", "indirect")]


def test_direct_quote_keeps_the_punctuation_inside_the_marks_and_resolves_he() -> None:
    # Lavrov arrived. "We are ready," he said.
    doc = parsed(
        [
            ("Lavrov", 1, "nsubj", "PROPN", "B-PERSON", True),
            ("arrived", 1, "ROOT", "VERB", "O", False),
            (".", 1, "punct", "PUNCT", "O", True),
            ('"', 10, "punct", "PUNCT", "O", False),
            ("We", 5, "nsubj", "PRON", "O", True),
            ("are", 10, "ccomp", "AUX", "O", True),
            ("ready", 5, "acomp", "ADJ", "O", False),
            (",", 10, "punct", "PUNCT", "O", False),
            ('"', 10, "punct", "PUNCT", "O", True),
            ("he", 10, "nsubj", "PRON", "O", True),
            ("said", 10, "ROOT", "VERB", "O", False),
            (".", 10, "punct", "PUNCT", "O", False),
        ]
    )
    assert doc.text == 'Lavrov arrived. "We are ready," he said.'
    assert found(doc) == [("We are ready,", "said", "he", "direct")]
    pred = P.predict_parsed("d", "0" * 64, doc)
    assert pred["entities"] == [{"id": "e1", "name": "Lavrov"}]
    assert [(m["text"], m["mention_type"], m["entity_id"]) for m in pred["mentions"]] == [
        ("Lavrov", "NAM", "e1"),
        ("he", "PRO", "e1"),
    ]
    (quote,) = pred["quotes"]
    assert quote["source"] == "m2" and quote["speaker"] == "e1"
    assert quote["content"] == [{"start": 17, "end": 30, "text": "We are ready,"}]


def test_pronoun_without_a_preceding_entity_has_no_speaker() -> None:
    doc = parsed(
        [
            ("He", 1, "nsubj", "PRON", "O", True),
            ("said", 1, "ROOT", "VERB", "O", True),
            ("prices", 3, "nsubj", "NOUN", "O", True),
            ("rose", 1, "ccomp", "VERB", "O", False),
            (".", 1, "punct", "PUNCT", "O", False),
        ]
    )
    (quote,) = P.predict_parsed("d", "0" * 64, doc)["quotes"]
    assert quote["speaker"] is None and quote["source"] is None
    assert quote["content"][0]["text"] == "prices rose"


def test_passive_subject_is_an_addressee_and_makes_no_quote() -> None:
    # He was told that talks would resume.
    doc = parsed(
        [
            ("He", 2, "nsubjpass", "PRON", "O", True),
            ("was", 2, "auxpass", "AUX", "O", True),
            ("told", 2, "ROOT", "VERB", "O", True),
            ("that", 6, "mark", "SCONJ", "O", True),
            ("talks", 6, "nsubj", "NOUN", "O", True),
            ("would", 6, "aux", "AUX", "O", True),
            ("resume", 2, "ccomp", "VERB", "O", False),
            (".", 2, "punct", "PUNCT", "O", False),
        ]
    )
    assert found(doc) == []


def test_verb_outside_the_lexicon_makes_no_quote() -> None:
    # The Ministry hoped that the talks were useful.
    tokens = list(MINISTRY)
    tokens[2] = ("hoped", 2, "ROOT", "VERB", "O", True)
    assert found(parsed(tokens)) == []


def test_conjoined_cue_takes_the_subject_of_its_first_verb() -> None:
    # Officials met and said that a deal was near.
    doc = parsed(
        [
            ("Officials", 1, "nsubj", "NOUN", "O", True),
            ("met", 1, "ROOT", "VERB", "O", True),
            ("and", 1, "cc", "CCONJ", "O", True),
            ("said", 1, "conj", "VERB", "O", True),
            ("that", 7, "mark", "SCONJ", "O", True),
            ("a", 6, "det", "DET", "O", True),
            ("deal", 7, "nsubj", "NOUN", "O", True),
            ("was", 3, "ccomp", "AUX", "O", True),
            ("near", 7, "acomp", "ADJ", "O", False),
            (".", 1, "punct", "PUNCT", "O", False),
        ]
    )
    assert found(doc) == [("a deal was near", "said", "Officials", "indirect")]
    (quote,) = P.predict_parsed("d", "0" * 64, doc)["quotes"]
    assert quote["source"] == "m1"


def test_according_to_gives_cue_source_and_the_rest_of_the_clause() -> None:
    # The deal is dead, according to officials.
    doc = parsed(
        [
            ("The", 1, "det", "DET", "O", True),
            ("deal", 2, "nsubj", "NOUN", "O", True),
            ("is", 2, "ROOT", "AUX", "O", True),
            ("dead", 2, "acomp", "ADJ", "O", False),
            (",", 2, "punct", "PUNCT", "O", True),
            ("according", 2, "prep", "VERB", "O", True),
            ("to", 5, "prep", "ADP", "O", True),
            ("officials", 6, "pobj", "NOUN", "O", False),
            (".", 2, "punct", "PUNCT", "O", False),
        ]
    )
    assert found(doc) == [("The deal is dead", "according to", "officials", "indirect")]
    # According to officials, the deal is dead.
    doc = parsed(
        [
            ("According", 6, "prep", "VERB", "O", True),
            ("to", 0, "prep", "ADP", "O", True),
            ("officials", 1, "pobj", "NOUN", "O", False),
            (",", 6, "punct", "PUNCT", "O", True),
            ("the", 5, "det", "DET", "O", True),
            ("deal", 6, "nsubj", "NOUN", "O", True),
            ("is", 6, "ROOT", "AUX", "O", True),
            ("dead", 6, "acomp", "ADJ", "O", False),
            (".", 6, "punct", "PUNCT", "O", False),
        ]
    )
    assert found(doc) == [("the deal is dead", "According to", "officials", "indirect")]


def test_quoted_stretch_without_a_complement_takes_the_nearest_cue_of_its_sentence() -> None:
    # Lavrov said: "We will respond in kind."
    words = ["Lavrov", "said", ":", '"', "We", "will", "respond", "in", "kind", ".", '"']
    doc = parsed(
        [
            ("Lavrov", 1, "nsubj", "PROPN", "B-PERSON", True),
            ("said", 1, "ROOT", "VERB", "O", False),
            (":", 1, "punct", "PUNCT", "O", True),
            ('"', 6, "punct", "PUNCT", "O", False),
            ("We", 6, "nsubj", "PRON", "O", True),
            ("will", 6, "aux", "AUX", "O", True),
            ("respond", 1, "parataxis", "VERB", "O", True),
            ("in", 6, "prep", "ADP", "O", True),
            ("kind", 7, "pobj", "NOUN", "O", False),
            (".", 6, "punct", "PUNCT", "O", False),
            ('"', 6, "punct", "PUNCT", "O", False),
        ]
    )
    assert [t.text for t in doc] == words
    assert found(doc) == [("We will respond in kind.", "said", "Lavrov", "direct")]


def test_short_quoted_stretch_is_not_a_quote() -> None:
    # Lavrov called it "useful talks". (two words: a title or scare quote)
    doc = parsed(
        [
            ("Lavrov", 1, "nsubj", "PROPN", "B-PERSON", True),
            ("said", 1, "ROOT", "VERB", "O", True),
            ('"', 4, "punct", "PUNCT", "O", False),
            ("useful", 4, "amod", "ADJ", "O", True),
            ("talks", 1, "dobj", "NOUN", "O", False),
            ('"', 4, "punct", "PUNCT", "O", False),
            (".", 1, "punct", "PUNCT", "O", False),
        ]
    )
    assert found(doc) == []


def test_clause_holding_quotation_marks_is_mixed_and_keeps_them() -> None:
    # Lavrov said the talks were "very useful".
    doc = parsed(
        [
            ("Lavrov", 1, "nsubj", "PROPN", "B-PERSON", True),
            ("said", 1, "ROOT", "VERB", "O", True),
            ("the", 3, "det", "DET", "O", True),
            ("talks", 4, "nsubj", "NOUN", "O", True),
            ("were", 1, "ccomp", "AUX", "O", True),
            ('"', 4, "punct", "PUNCT", "O", False),
            ("very", 7, "advmod", "ADV", "O", True),
            ("useful", 4, "acomp", "ADJ", "O", False),
            ('"', 4, "punct", "PUNCT", "O", False),
            (".", 1, "punct", "PUNCT", "O", False),
        ]
    )
    assert found(doc) == [('the talks were "very useful"', "said", "Lavrov", "mixed")]


def test_named_source_gathers_every_entity_with_the_same_last_word() -> None:
    # Sergei Lavrov met Tillerson. Lavrov said that talks went well.
    doc = parsed(
        [
            ("Sergei", 1, "compound", "PROPN", "B-PERSON", True),
            ("Lavrov", 2, "nsubj", "PROPN", "I-PERSON", True),
            ("met", 2, "ROOT", "VERB", "O", True),
            ("Tillerson", 2, "dobj", "PROPN", "B-PERSON", False),
            (".", 2, "punct", "PUNCT", "O", True),
            ("Lavrov", 6, "nsubj", "PROPN", "B-PERSON", True),
            ("said", 6, "ROOT", "VERB", "O", True),
            ("that", 9, "mark", "SCONJ", "O", True),
            ("talks", 9, "nsubj", "NOUN", "O", True),
            ("went", 6, "ccomp", "VERB", "O", True),
            ("well", 9, "advmod", "ADV", "O", False),
            (".", 6, "punct", "PUNCT", "O", False),
        ]
    )
    pred = P.predict_parsed("d", "0" * 64, doc)
    assert [(m["text"], m["entity_id"]) for m in pred["mentions"]] == [
        ("Sergei Lavrov", "e1"),
        ("Lavrov", "e1"),
    ]
    assert pred["entities"] == [{"id": "e1", "name": "Lavrov"}]
    assert pred["quotes"][0]["speaker"] == "e1"


def test_cli_refuses_a_pipeline_without_a_parser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A blank pipeline parses nothing: exit 2 and no file, not a file without quotes."""
    import spacy

    folder = tmp_path / "blank"
    spacy.blank("en").to_disk(folder)
    out = tmp_path / "q.jsonl"
    args = ["baseline", "quotes-parsed", "--model", str(folder), "--gold", str(GOLD)]
    assert main([*args, "--out", str(out)]) == 2
    assert "gives no dependency parse" in capsys.readouterr().err
    assert not out.exists()


def test_cli_unknown_model_exits_2(tmp_path: Path) -> None:
    args = ["baseline", "quotes-parsed", "--model", str(tmp_path / "none"), "--gold", str(GOLD)]
    assert main([*args, "--out", str(tmp_path / "x.jsonl")]) == 2
    assert not (tmp_path / "x.jsonl").exists()
