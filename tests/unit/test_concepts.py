"""Concept targets matched by meaning (models/concepts.py), with the real base sentence embedder
and the real spaCy model; the stance classifier is a fixed stand-in."""

from __future__ import annotations

import pytest

from models.base import DocumentInput
from models.concepts import THRESHOLD, ConceptMatcher, phrases
from models.nlp import load_spacy


@pytest.fixture(scope="module")
def matcher() -> ConceptMatcher:
    return ConceptMatcher.load()


def test_phrases_are_content_words_and_their_short_subtrees():
    doc = load_spacy()("The official said Russia uses any pause in hostilities to consolidate control.")
    span = doc[3:len(doc) - 1]  # the claim: "Russia uses ... control"
    texts = [t for t, _ in phrases(span)]
    assert "pause in hostilities" in texts  # "any" is dropped from the front
    assert "hostilities" in texts and "pause" in texts
    assert not any(t.startswith(("any ", "to ")) for t in texts)
    heads = dict(phrases(span))
    assert heads["pause in hostilities"].text == "pause"
    assert len(texts) == len(set(texts))


def test_paraphrases_come_within_the_threshold_and_unrelated_words_do_not(matcher):
    doc = load_spacy()("Lower taxes for families. The weather in Paris was sunny.")
    first, second = list(doc.sents)
    ((score_a, head_a), ), ((score_b, _), ) = matcher.best([phrases(first), phrases(second)], ["tax cuts"])
    assert score_a >= THRESHOLD and head_a.text in {"taxes", "Lower"}
    assert score_b < THRESHOLD
    assert matcher.best([[]], ["tax cuts"]) == [[(0.0, None)]]
    assert matcher.best([phrases(first)], []) == [[]]


def test_match_compares_phrase_by_phrase_only_the_claims_near_a_target(matcher):
    doc = load_spacy()("Lower taxes for families. The weather in Paris was sunny.")
    first, second = list(doc.sents)
    near = matcher.in_context([first, second], ["tax cuts"])
    assert near[0][0] >= matcher.prefilter > near[1][0]
    (row_a,), (row_b,) = matcher.match([first, second], ["tax cuts"])
    assert row_a == matcher.best([phrases(first)], ["tax cuts"])[0][0]
    assert row_b == (0.0, None)  # never compared phrase by phrase
    assert matcher.match([], ["tax cuts"]) == []


class _Leaning:
    speaker_input = ""
    label_weights: dict[str, float] = {}

    def predict_proba(self, pairs):
        return [{"favor": 0.6, "against": 0.1, "neutral": 0.3} for _ in pairs]

    def info(self):
        return {"name": "leaning"}


def test_the_stance_step_scores_a_claim_that_means_the_target(matcher):
    from models import ClaimPipeline
    from models.spacy_extractor import SpacyExtractor

    text = "The senator said that lower taxes would help working families. The mayor said the park will open in May."
    doc = DocumentInput(text=text, targets=("tax cuts",))
    by_meaning = ClaimPipeline(SpacyExtractor.load(), stance=_Leaning(), concepts=matcher).predict([doc])[0]
    words_only = ClaimPipeline(SpacyExtractor.load(), stance=_Leaning()).predict([doc])[0]
    stances = {c.text: [s.target for s in c.stances] for c in by_meaning.claims}
    assert [v for k, v in stances.items() if "taxes" in k] == [["tax cuts"]]
    assert [v for k, v in stances.items() if "park" in k] == [[]]
    assert len(words_only.claims) == 2 and all(not c.stances for c in words_only.claims)
