"""Behaviour of the trained check-worthiness and stance weights (slow: loads both models)."""

from __future__ import annotations

import threading

import pytest

from models.encoder import weights_path

pytestmark = pytest.mark.slow

needs_cw = pytest.mark.skipif(
    not (weights_path("checkworthiness") / "model.safetensors").exists(),
    reason="check-worthiness weights not trained",
)
needs_stance = pytest.mark.skipif(
    not (weights_path("stance") / "model.safetensors").exists(), reason="stance weights not trained"
)


@pytest.fixture(scope="module", params=["checkworthiness", "checkworthiness-fast"])
def cw(request):
    """The 6-layer model and the student distilled from it: both must pass every test."""
    path = weights_path(request.param)
    if not (path / "model.safetensors").exists():
        pytest.skip(f"{request.param} weights not trained")
    from models.checkworthiness import CheckworthinessModel

    return CheckworthinessModel.load(path)


@pytest.fixture(scope="module", params=["stance", "stance-fast"])
def stance(request):
    """The 6-layer model and its 3-layer student: both must pass (and strictly fail) the same tests."""
    path = weights_path(request.param)
    if not (path / "model.safetensors").exists():
        pytest.skip(f"{request.param} weights not trained")
    from models.stance import StanceModel

    return StanceModel.load(path)


@needs_cw
def test_checkworthiness_orders_factual_claim_above_pleasantry(cw):
    factual, pleasantry = cw.predict(
        [
            "Unemployment rose to 7.5 percent in 2012, the highest in a decade.",
            "Thank you all for coming tonight.",
        ]
    )
    assert 0.0 <= pleasantry < factual <= 1.0
    assert factual >= cw.threshold > pleasantry


@needs_cw
def test_checkworthiness_batching_and_info(cw):
    texts = [f"The deficit grew by {i} billion dollars last year." for i in range(70)] + ["Hello."]
    probs = cw.predict(texts)
    assert len(probs) == len(texts)
    assert all(isinstance(p, float) and 0.0 <= p <= 1.0 for p in probs)
    # batched result equals one-by-one result
    assert abs(cw.predict([texts[-1]])[0] - probs[-1]) < 1e-4
    assert cw.predict([]) == []
    assert 0.05 <= cw.threshold <= 0.95
    info = cw.info()
    assert info["name"] == "claimscope-checkworthiness"
    assert {"version", "base_model", "training_data", "dev_metrics"} <= set(info)
    assert 0.0 < info["dev_metrics"]["f1"] <= 1.0


@needs_stance
def test_stance_seed_favor(stance):
    ((label, score),) = stance.predict([("ceasefire", "Beijing urged a ceasefire and negotiations.")])
    assert label == "favor"
    assert 1 / 3 <= score <= 1.0


@needs_stance
@pytest.mark.xfail(
    strict=True,
    reason="stance 2.0.0 predicts favor (0.55; its student 0.50) here: opposition verbs "
    "towards a short target are a known weakness, see models/cards/stance.md",
)
def test_stance_seed_against(stance):
    ((label, score),) = stance.predict([("ceasefire", "Washington opposes a temporary, rushed ceasefire.")])
    assert label == "against"
    assert 1 / 3 <= score <= 1.0


@needs_stance
def test_stance_labels_scores_and_consistency(stance):
    pairs = [
        ("ceasefire", "The ceasefire must hold."),
        ("tax cuts", "The weather in Paris was sunny on Sunday."),
        ("vaccination", "Vaccines save millions of lives and should be mandatory."),
    ] * 12
    out = stance.predict(pairs)
    assert len(out) == len(pairs)
    assert {lab for lab, _ in out} <= {"favor", "against", "neutral"}
    assert all(1 / 3 <= s <= 1.0 for _, s in out)
    # same input, same answer across batches (padding differs: tiny float noise only)
    assert out[0][0] == out[3][0] == out[33][0]
    assert abs(out[0][1] - out[33][1]) < 1e-4
    dist = stance.predict_proba(pairs[:1])[0]
    assert set(dist) == {"favor", "against", "neutral"}
    assert abs(sum(dist.values()) - 1.0) < 1e-4
    assert stance.predict([]) == []
    info = stance.info()
    assert info["name"] == "claimscope-stance"
    assert info["labels"] == ["favor", "against", "neutral"]
    assert info["layers"] in (3, 6) and 0.5 < info["dev_metrics"]["macro_f1"] < 1.0


@needs_stance
def test_stance_unrelated_text_is_neutral(stance):
    # stance 1.0.0 called this pair 'against' (0.57); 2.0.0, trained with news claims that are half
    # neutral, calls it neutral
    ((label, _),) = stance.predict([("tax cuts", "The weather in Paris was sunny on Sunday.")])
    assert label == "neutral"


@needs_stance
def test_stance_is_thread_safe(stance):
    pairs = [("ceasefire", "Beijing urged a ceasefire and negotiations.")] * 8
    expected = stance.predict(pairs)
    results, errors = [], []

    def work():
        try:
            results.append(stance.predict(pairs))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for r in results:
        assert [lab for lab, _ in r] == [lab for lab, _ in expected]


def test_seed_ceasefire_stances_through_the_pipeline(real_predictor, seed_text):
    from models import DocumentInput
    from models.nlp import load_spacy

    (result,) = real_predictor.predict([DocumentInput(text=seed_text, targets=("ceasefire",))])
    names = {s.id: s.name for s in result.speakers}
    by_speaker = {(names[x.speaker_id], x.target): x for x in result.speaker_stances}
    claims = {c.id: c for c in result.claims}
    beijing = next(c for c in result.claims if c.text.startswith("a ceasefire and negotiations"))
    kyiv = next(c for c in result.claims if c.text.startswith("an immediate ceasefire"))
    official = by_speaker[("a senior U.S. official", "ceasefire")]
    assert official.label == "against"
    opposes = claims[official.claim_ids[0]]
    assert opposes.text == "Washington opposes a temporary, rushed ceasefire"
    assert opposes.stances[0].evidence.text == "opposes"
    for claim in (beijing, kyiv):
        (stance,) = claim.stances
        assert stance.label == "favor" and stance.evidence.text == "urged"
        assert seed_text[stance.evidence.start:stance.evidence.end] == "urged"
    assert {names[beijing.speaker_id], names[kyiv.speaker_id]} == {"China", "Ukraine"}
    # default scope: the claims that name the target carry a stance towards it, and of the others
    # only those the concept matcher finds by meaning (models/concepts.py)
    assert all(c.stances for c in result.claims if "ceasefire" in c.text)
    others = [c for c in result.claims if "ceasefire" not in c.text]
    doc = load_spacy()(seed_text)
    scores = real_predictor.concepts.match(
        [doc.char_span(c.start, c.end, alignment_mode="expand") for c in result.claims], ["ceasefire"])
    found = {c.id for c, ((score, _),) in zip(result.claims, scores, strict=True)
             if score >= real_predictor.concepts.threshold}
    assert {c.id for c in others if c.stances} == {c.id for c in others if c.id in found}
    assert any(c.text.startswith("Russia uses any pause in hostilities") for c in others if c.stances)


def test_seed_stance_scope_all_scores_every_claim(real_predictor, seed_text):
    from models import DocumentInput

    (result,) = real_predictor.predict(
        [DocumentInput(text=seed_text, targets=("ceasefire",), options={"stance_scope": "all"})])
    assert all(len(c.stances) == 1 for c in result.claims)
    opposes = next(c for c in result.claims if c.text.startswith("Washington opposes"))
    assert opposes.stances[0].label == "against"


NEWS = (
    "Democratic nominee Hillary Clinton said on Tuesday that Republican nominee Donald Trump was "
    "temperamentally unfit to be president. \"He cannot be trusted with the nuclear codes,\" she said.\n"
    "Trump's campaign manager said the Republican nominee would win Ohio easily.\n"
    "Bill Clinton told reporters that the economy had grown by 2 percent last year.\n"
    "Senator John Smith said the weather in Iowa was cold."
)


def test_person_targets_through_the_pipeline(real_predictor):
    """Targets written as a user writes them: "Donald Trump" is found as "Trump", "He" and "the
    Republican nominee"; "Hillary Clinton" is not found in "Bill Clinton"."""
    from models import DocumentInput

    (result,) = real_predictor.predict([DocumentInput(text=NEWS, targets=("Donald Trump", "Hillary Clinton"))])
    toward = {c.text.strip('"'): {s.target: s.label for s in c.stances} for c in result.claims}
    unfit = next(t for t in toward if t.startswith("Republican nominee Donald Trump was"))
    codes = next(t for t in toward if t.startswith("He cannot be trusted"))
    win = next(t for t in toward if t.startswith("the Republican nominee would win"))
    economy = next(t for t in toward if t.startswith("the economy had grown"))
    weather = next(t for t in toward if t.startswith("the weather in Iowa"))
    assert toward[unfit] == {"Donald Trump": "against"}
    assert toward[codes] == {"Donald Trump": "against"}
    # found through the title the article gives him; the classifier reads this as neutral, where
    # annotators would say favor: the model's news weakness (models/cards/stance.md)
    assert set(toward[win]) == {"Donald Trump"} and toward[win]["Donald Trump"] != "against"
    assert toward[economy] == {} and toward[weather] == {}
    names = {s.id: s.name for s in result.speakers}
    stances = {(names[x.speaker_id], x.target): x for x in result.speaker_stances}
    clinton = stances[("Hillary Clinton", "Donald Trump")]
    assert clinton.label == "against" and len(clinton.evidence) == 2
    assert {e.claim.text.strip('"') for e in clinton.evidence} == {unfit, codes}
