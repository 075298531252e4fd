"""Loading the trained parts and reading a long article leave the server log quiet: no "Loading
weights" progress bar per model, no "Token indices sequence length is longer" warning (the tagger
reads long articles in windows on purpose)."""

from __future__ import annotations

import logging

import pytest

pytestmark = pytest.mark.slow

NOISE = ("Loading weights", "Token indices sequence length", "it/s]")


@pytest.mark.parametrize("models", ["full", "fast"])
def test_loading_the_parts_and_reading_a_long_article_log_nothing(models, seed_text, capfd, caplog):
    from models import Settings
    from models.components import load_optional

    caplog.set_level(logging.DEBUG)
    long_text = "\n\n".join([seed_text] * 3)  # about 3,000 wordpieces, past the models' 512
    tagger = load_optional("attribution", Settings(models=models))
    checkworthiness = load_optional("checkworthiness", Settings(models=models))
    stance = load_optional("stance", Settings(models=models))
    assert tagger is not None and checkworthiness is not None and stance is not None
    assert len(tagger.tokenizer(long_text, add_special_tokens=False, verbose=False)["input_ids"]) > 512

    tagger.token_probs([long_text])
    checkworthiness.predict([long_text])
    stance.predict([("ceasefire", long_text)])

    out, err = capfd.readouterr()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in (out, err, logged):
        assert not any(n in text for n in NOISE), text[-2000:]
