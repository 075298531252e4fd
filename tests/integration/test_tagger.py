"""The trained attribution tagger on written sentences (needs models/weights/attribution/)."""

from __future__ import annotations

import pytest

from models.encoder import weights_path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["attribution", "attribution-fast"])
def tagger(request):
    """The 6-layer tagger and the 3-layer student distilled from it: both must pass every test."""
    path = weights_path(request.param)
    if not (path / "model.safetensors").exists():
        pytest.skip(f"{request.param} weights not trained")
    from models.tagger import AttributionTagger

    return AttributionTagger.load(path)


def _covers(text: str, span, word: str) -> bool:
    if span is None:
        return False
    i = text.index(word)
    return span[0] <= i and i + len(word) <= span[1]


def _claim_type(tagger, text: str, content: str) -> str:
    """The type of the claim that holds ``content`` when the pipeline runs on this tagger alone: the
    pipeline, not the tagger, tells a quote from reported speech (models/steps/claims.py)."""
    from models import ClaimPipeline, DocumentInput

    result = ClaimPipeline(tagger).predict([DocumentInput(text)])[0]
    return next(c.type for c in result.claims if content in c.text)


def _check_offsets(text: str, atts) -> None:
    for a in atts:
        for span in [a.cue, a.source, *a.content]:
            if span is None:
                continue
            s, e = span
            assert 0 <= s < e <= len(text)
            piece = text[s:e]
            assert piece == piece.strip()
        assert 0.0 <= a.score <= 1.0


def test_indirect_attribution(tagger):
    text = "A senior official stated that Washington opposes a rushed ceasefire."
    atts = tagger.extract(text)
    _check_offsets(text, atts)
    assert atts, "no attribution found"
    a = next(x for x in atts if _covers(text, x.cue, "stated"))
    assert _covers(text, a.source, "official")
    content = "Washington opposes a rushed ceasefire"
    assert any(_covers(text, p, content) for p in a.content)
    assert _claim_type(tagger, text, content) == "indirect"


def test_direct_quote(tagger):
    text = '"We will win," she said.'
    atts = tagger.extract(text)
    _check_offsets(text, atts)
    a = next(x for x in atts if _covers(text, x.cue, "said"))
    assert _covers(text, a.source, "she")
    assert any(_covers(text, p, "We will win") for p in a.content)
    assert _claim_type(tagger, text, "We will win") == "direct"


def test_two_attributions_in_one_sentence(tagger):
    text = "The mayor said the bridge is safe, but engineers warned that the cables are badly corroded."
    atts = tagger.extract(text)
    _check_offsets(text, atts)
    first = next(x for x in atts if _covers(text, x.cue, "said"))
    second = next(x for x in atts if _covers(text, x.cue, "warned"))
    assert _covers(text, first.source, "mayor")
    assert _covers(text, second.source, "engineers")
    assert any(_covers(text, p, "the bridge is safe") for p in first.content)
    assert any(_covers(text, p, "the cables are badly corroded") for p in second.content)


def test_offsets_exact_with_leading_text_and_unicode(tagger):
    prefix = "Café naïve résumé.\n\n  "
    sentence = "A senior official stated that Washington opposes a rushed ceasefire."
    text = prefix + sentence
    atts = tagger.extract(text)
    _check_offsets(text, atts)
    a = next(x for x in atts if x.cue and text[x.cue[0] : x.cue[1]] == "stated")
    assert text[a.source[0] : a.source[1]].endswith("official")
    assert tagger.extract_many([sentence, text])[0] == tagger.extract(sentence)


def test_info(tagger):
    info = tagger.info()
    assert info["name"] == "claimscope-attribution"
    assert "version" in info and "base" in info and "training_data" in info
    assert info["weights"] in {"attribution", "attribution-fast"}
    assert info["layers"] == (3 if info["weights"] == "attribution-fast" else 6)
