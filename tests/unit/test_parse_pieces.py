"""Texts over LONG_TEXT_CHARS are parsed in pieces, with the cancel check between them, and
joined into one doc of the same text; shorter texts are parsed whole (models/nlp.py)."""

from __future__ import annotations

import pytest

from models.nlp import LONG_TEXT_CHARS, PIECE_CHARS, load_spacy, parse, pieces


def test_pieces_join_back_into_the_text_and_cut_at_line_breaks_first():
    text = ("One sentence here. Another one follows.\n" * 3000)[:100_000] + "tail without end"
    parts = pieces(text, PIECE_CHARS)
    assert "".join(parts) == text
    assert all(len(p) <= PIECE_CHARS for p in parts)
    assert all(p.endswith("\n") for p in parts[:-1])
    no_breaks = "He said that the cat" + " and the cat" * 9000
    parts = pieces(no_breaks, PIECE_CHARS)
    assert "".join(parts) == no_breaks and all(p.endswith(" ") for p in parts[:-1])
    assert pieces("x" * 45, 20) == ["x" * 20, "x" * 20, "x" * 5]


def test_a_long_text_is_parsed_in_pieces_into_one_doc_with_its_offsets(seed_text):
    paragraphs = seed_text.strip().split("\n")
    text = ""
    while len(text) <= LONG_TEXT_CHARS:
        text += "\n".join(paragraphs) + "\n"
    checks: list[int] = []
    doc = parse(load_spacy(), [text], check=lambda: checks.append(1))[0]
    assert doc.text == text
    whole = parse(load_spacy(), [seed_text], check=None)[0]
    # the first copy of the article gets the sentences it gets alone (up to its last one, which
    # runs on into the second copy)
    first = [(s.start_char, s.end_char) for s in doc.sents if s.end_char < len(seed_text) - 200]
    assert first and first == [(s.start_char, s.end_char) for s in whole.sents if s.end_char < len(seed_text) - 200]
    assert any(e.label_ == "PERSON" for e in doc.ents)
    assert len(checks) > len(pieces(text, PIECE_CHARS)) * 2  # between components, in every piece


def test_a_cancelled_parse_stops_between_pieces():
    class Stop(Exception):
        pass

    calls = 0

    def check() -> None:
        nonlocal calls
        calls += 1
        if calls > 12:  # into the second piece
            raise Stop

    text = "He said that the cat" + " and the cat" * (LONG_TEXT_CHARS // 12 + 100)
    with pytest.raises(Stop):
        parse(load_spacy(), [text], check=check)
    assert calls == 13


def test_texts_of_ordinary_length_are_parsed_whole(seed_text):
    doc = parse(load_spacy(), [seed_text, "Ann said that it works."])
    assert [d.text for d in doc] == [seed_text, "Ann said that it works."]
