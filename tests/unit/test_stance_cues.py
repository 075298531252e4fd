"""Explicit stance evidence (models/stance_cues.py) on written examples, with the real spaCy model."""

from __future__ import annotations

import pytest

from models.nlp import load_spacy
from models.stance_cues import (
    combine,
    explicit_stance,
    held_by_speaker,
    mentions,
    names_of,
    target_terms,
    terms_for,
    terms_for_many,
    words_of,
)


def evidence(target: str, text: str, speaker: set[str] | None = None):
    doc = load_spacy()(text)
    found = mentions(doc, terms_for(target))
    for tok in found:
        cue = explicit_stance(tok)
        if cue is not None and held_by_speaker(cue[1], speaker, None):
            return cue[0], cue[1].text
    return ("mentioned" if found else None), None


@pytest.mark.parametrize(
    ("target", "text", "label", "word"),
    [
        ("ceasefire", "We oppose a temporary, rushed ceasefire.", "against", "oppose"),
        ("ceasefire", "We urged a ceasefire and negotiations.", "favor", "urged"),
        ("negotiations", "We urged a ceasefire and negotiations.", "favor", "urged"),
        ("ceasefire", "I called for an immediate cease-fire.", "favor", "called"),
        ("ceasefire", "We campaigned against the ceasefire.", "against", "campaigned"),
        ("peace plan", "We reject the peace plan as unacceptable.", "against", "reject"),
        ("peace plan", "The peace plan was rejected.", "against", "rejected"),
        ("gun control", "I strongly support gun control laws.", "favor", "support"),
        # negation and negative verbs above the predicate flip it
        ("ceasefire", "We do not support the ceasefire.", "against", "support"),
        ("ceasefire", "We refused to accept the ceasefire.", "against", "accept"),
        ("sanctions", "We do not oppose the sanctions.", "favor", "oppose"),
        # mentioned, but no stance-taking predicate governs it
        ("ceasefire", "The ceasefire must hold.", "mentioned", None),
        ("ceasefire", "We discussed the ceasefire at length.", "mentioned", None),
        # not mentioned at all; a multi-word target needs half of its other words
        ("ceasefire", "We oppose the new tax.", None, None),
        ("China's peace plan", "We reject the plan to build a road.", None, None),
    ],
)
def test_explicit_stance(target, text, label, word):
    assert evidence(target, text, speaker=set()) == (label, word)


def test_someone_elses_predicate_is_not_the_speakers_stance():
    text = "Russia rejected the ceasefire."
    assert evidence("ceasefire", text, speaker={"an official"}) == ("mentioned", None)
    # ... unless that subject is the speaker, or the state the speaker stands for
    assert evidence("ceasefire", text, speaker={"russia"}) == ("against", "rejected")
    assert evidence("ceasefire", "Moscow rejected the ceasefire.", speaker=names_of("Russia")) == (
        "against", "rejected")
    official = names_of("a senior U.S. official") | names_of("United States")
    assert evidence("ceasefire", "Washington opposes a temporary, rushed ceasefire.", official) == (
        "against", "opposes")


def test_the_claims_own_cue_counts_whoever_its_subject_is():
    doc = load_spacy()("Beijing urged a ceasefire.")
    (tok,) = mentions(doc, terms_for("ceasefire"))
    label, pred = explicit_stance(tok)
    assert (label, pred.text) == ("favor", "urged")
    assert not held_by_speaker(pred, {"an official"}, None)
    assert held_by_speaker(pred, {"an official"}, (pred.idx, pred.idx + len(pred.text)))


def test_names_of_maps_seats_of_power_to_states():
    assert names_of("Washington") >= {"washington", "united states"}
    assert names_of("the Kremlin") >= {"the kremlin", "kremlin", "russia"}


def test_combine_multiplies_and_renormalises():
    out = combine({"favor": 0.6, "against": 0.3, "neutral": 0.1}, "against", 6.0)
    assert out["against"] == pytest.approx(1.8 / 2.5)
    assert sum(out.values()) == pytest.approx(1.0)
    assert max(out, key=out.get) == "against"


def test_terms_for_blank_target_has_no_terms():
    assert terms_for("the of") is None


def test_terms_for_many_parses_a_batch_like_one_at_a_time():
    targets = ["ceasefire", "China's peace plan", "the Affordable Care Act", "  climate   change ", "the of",
               "Donald Trump", "tariffs on steel"]
    nlp = load_spacy()
    alone = [target_terms(nlp(" ".join(t.split()))) for t in targets]
    assert terms_for_many(targets) == alone
    assert terms_for_many(list(reversed(targets))) == list(reversed(alone))  # now from the cache
    assert alone[0].head == "ceasefire" and alone[4] is None


@pytest.mark.parametrize("target", ["ceasefire", "peace plan", "China's peace plan", "negotiations", "sanctions"])
def test_mentions_on_precomputed_words_matches_the_span(target):
    doc = load_spacy()("China's peace plan calls for a cease-fire, then a cease fire, and talks on sanctions.")
    terms = terms_for(target)
    if target == "ceasefire":
        assert [t.text for t in mentions(words_of(doc), terms)] == ["fire", "fire"]  # cease-fire, cease fire
    assert [t.i for t in mentions(words_of(doc[2:]), terms)] == [t.i for t in mentions(doc[2:], terms)]
    assert [t.i for t in mentions(words_of(doc), terms)] == [t.i for t in mentions(list(doc), terms)]
