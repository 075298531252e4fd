from __future__ import annotations

from models.nlp import SentenceIndex, load_spacy, quoted_fraction, quoted_regions, sentences


def test_quoted_regions_curly_straight_and_unclosed():
    text = 'He said “we win” and "they lose".\nShe said "open to the end'
    regions = quoted_regions(text)
    assert [text[a:b] for a, b in regions] == ["we win", "they lose", "open to the end"]


def test_quoted_fraction():
    text = '“All of this is quoted,” she said.'
    regions = quoted_regions(text)
    assert quoted_fraction(regions, 1, 22, text) == 1.0
    assert quoted_fraction(regions, 24, 33, text) == 0.0
    assert quoted_fraction(regions, 5, 5, text) == 0.0


def test_sentences_never_cross_paragraphs_and_trim_whitespace():
    text = "A heading without a stop\nThe minister said it. Then she left.\n\n  Last one."
    sents = sentences(load_spacy()(text))
    assert [text[s.start:s.end] for s in sents] == [
        "A heading without a stop", "The minister said it.", "Then she left.", "Last one."]
    index = SentenceIndex(sents)
    assert index(text.index("minister")) == 1 and index(text.index("Last")) == 3
