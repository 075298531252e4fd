"""Cancelling a prediction: a CancelToken stops the pipeline between steps and the models between
forward passes, with Cancelled (what a request's timeout relies on, service/limits.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from models import Cancelled, CancelToken, ClaimPipeline, DocumentInput, FakePredictor, cancelling
from service.predict import predict_each

TEXT = "The senator said that the ceasefire would hold. Ann said that the plan works."
WEIGHTS = Path(__file__).resolve().parents[2] / "models" / "weights"


@pytest.fixture(scope="module")
def pipeline() -> ClaimPipeline:
    from models.spacy_extractor import SpacyExtractor

    return ClaimPipeline(SpacyExtractor.load())


def test_token_cancelled_during_a_step_stops_before_the_next(pipeline):
    token = CancelToken()
    ran: list[str] = []
    real = pipeline.steps()

    def wrap(step):
        def run(states):
            ran.append(step.name)
            step(states)
            if step.name == "attribute":
                token.cancel()  # as a request's timeout would, while the step runs
        return run

    original = pipeline.steps
    pipeline.steps = lambda: [wrap(s) for s in real]  # type: ignore[method-assign]
    try:
        with pytest.raises(Cancelled):
            pipeline.predict([DocumentInput(TEXT)], cancel=token)
    finally:
        pipeline.steps = original  # type: ignore[method-assign]
    assert ran == ["attribute"]
    # the lock is free again and a prediction without a token runs to the end
    (result,) = pipeline.predict([DocumentInput(TEXT)])
    assert result.claims


def test_the_current_token_counts_when_none_is_passed(pipeline):
    token = CancelToken()
    token.cancel()
    with cancelling(token), pytest.raises(Cancelled):
        pipeline.predict([DocumentInput(TEXT)])
    assert pipeline.predict([DocumentInput(TEXT)])  # outside the block: no token


def test_deadline():
    token = CancelToken(seconds=0.05)
    token.check()
    time.sleep(0.1)
    assert token.cancelled
    with pytest.raises(Cancelled):
        token.check()
    assert not CancelToken(seconds=0).cancelled  # 0: no deadline


def test_classifier_checks_between_batches():
    from models.classifier import SequenceClassifier

    path = WEIGHTS / "checkworthiness-fast"
    if not (path / "model.safetensors").exists():
        pytest.skip("no check-worthiness weights")
    model = SequenceClassifier(path, batch_size=2)
    texts = ["Ann said that the plan works."] * 4
    assert len(model.predict_proba(texts)) == 4
    token = CancelToken()
    token.cancel()
    with cancelling(token), pytest.raises(Cancelled):
        model.predict_proba(texts)


def test_predict_each_does_not_retry_a_cancelled_batch():
    predictor = FakePredictor()
    token = CancelToken()
    token.cancel()
    docs = [DocumentInput("Ann said that the plan works."), DocumentInput("Bob said no.")]
    with cancelling(token), pytest.raises(Cancelled):
        predict_each(predictor, docs)
    assert predictor.calls == [2]  # no retry one by one


def test_parse_matches_nlp_pipe_and_checks_between_components(seed_text):
    from models.nlp import load_spacy, parse

    nlp = load_spacy()
    texts = [seed_text, TEXT, "He said that the cat and the cat and the cat"]

    def rows(doc):
        return [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.lemma_, t.is_sent_start) for t in doc]

    checks: list[int] = []
    docs = parse(nlp, texts, check=lambda: checks.append(1))
    assert [rows(d) for d in docs] == [rows(d) for d in nlp.pipe(texts)]
    assert len(checks) == len(nlp.pipeline)
