"""The sped-up attribute ruler and lemmatizer give exactly the stock components' annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.nlp import build_spacy
from models.spacy_speed import FastAttributeMatch, memoized_lemmatize
from models.training.polnear import split_dir

ROOT = Path(__file__).resolve().parents[2]
POLNEAR_DEV = split_dir("dev") / "text"

# every kind of pattern in en_core_web_sm's attribute ruler: two-token ones ("gonna", "let's",
# "y'all", "ain't", "c'mon", existential "there is"), DEP conditions ("but" as advmod, "it" as
# subject or object, aux, mark), whitespace tokens, and words the lemmatizer sees in many forms
TRICKY = (
    "I'm gonna go, y'all. Let's go! We gotta run. There is a dog; there's more, and there were cats. "
    "It ain't so. C'mon on. I told it to you and you told it to me. But he left, but slowly.\n\n"
    "  \t Whether she had done it, he did not know. Does he? That is what that means. Ministers were "
    "meeting; the minister meets ministers who met. Better, best, good; running ran runs.\n \n"
)


def _annotations(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, str(t.morph), t.ent_type_, t.ent_iob_,
             t.is_sent_start) for t in doc]


@pytest.fixture(scope="module")
def pipelines():
    return build_spacy(speed_up_rules=True), build_spacy(speed_up_rules=False)


def test_the_stand_ins_are_installed(pipelines) -> None:
    fast, stock = pipelines
    assert isinstance(fast.get_pipe("attribute_ruler").match, FastAttributeMatch)
    assert not isinstance(stock.get_pipe("attribute_ruler").match, FastAttributeMatch)
    assert fast.get_pipe("lemmatizer").lemmatize is not stock.get_pipe("lemmatizer").lemmatize


def test_same_annotations_as_stock_components(pipelines) -> None:
    fast, stock = pipelines
    texts = [TRICKY, TRICKY.upper(), (ROOT / "seeds" / "ukraine-negotiations.txt").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted(POLNEAR_DEV.glob("*.txt"))[:12]]
    for _ in range(2):  # the second pass runs on the stand-ins' remembered results
        for text in texts:
            assert _annotations(fast(text)) == _annotations(stock(text))


def test_two_token_patterns_apply(pipelines) -> None:
    fast, _ = pipelines
    lemmas = {t.text: t.lemma_ for t in fast("We are gonna win. Let's go.")}
    assert lemmas["gon"] == "go" and lemmas["na"] == "to" and lemmas["'s"] == "us"


def test_memoized_lemmatize_calls_through_once_per_key() -> None:
    calls: list[str] = []

    class Tok:
        def __init__(self, orth: int, pos: int, morph: int) -> None:
            self.orth, self.pos, self.text = orth, pos, str(orth)
            self.morph = type("M", (), {"key": morph})()

    def lemmatize(token) -> list[str]:
        calls.append(token.text)
        return [token.text + "!"]

    fast = memoized_lemmatize(lemmatize)
    assert fast(Tok(1, 2, 3)) == ["1!"] and fast(Tok(1, 2, 3)) == ["1!"]
    assert fast(Tok(1, 2, 4)) == ["1!"]  # another morphology is another key
    assert calls == ["1", "1"]
