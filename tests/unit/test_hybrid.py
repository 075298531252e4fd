from __future__ import annotations

from models.hybrid import merge
from models.steps.claims import inherit_speakers, main_span, topic_only
from models.types import Claim, RawAttribution, Span


def test_rules_replace_content_that_the_tagger_put_on_the_wrong_sentence():
    tagged = [RawAttribution(cue=(30, 38), source=(20, 29), content=((0, 18),), score=0.7)]
    ruled = [RawAttribution(cue=(30, 38), source=(20, 29), content=((44, 80),), score=0.85)]
    (out,) = merge(tagged, ruled)
    assert out.content == ((44, 80),) and out.score == 0.85


def test_tagger_content_kept_when_the_rules_agree_and_missing_source_filled():
    tagged = [RawAttribution(cue=(30, 38), source=None, content=((0, 18), (44, 80)), score=0.7)]
    ruled = [RawAttribution(cue=(30, 38), source=(20, 29), content=((44, 70),), score=0.85)]
    (out,) = merge(tagged, ruled)
    assert out.content == ((0, 18), (44, 80)) and out.source == (20, 29)


def test_rule_only_attributions_are_not_added_and_tagger_only_ones_kept():
    tagged = [RawAttribution(cue=(5, 9), source=(0, 4), content=((10, 20),))]
    ruled = [RawAttribution(cue=(40, 44), source=(30, 39), content=((45, 60),))]
    assert merge(tagged, ruled) == tagged


def test_audience_after_remarks_to_is_not_the_source():
    text = "In remarks to the Council about Ukraine, an official stated that peace matters."
    cue = (3, 13)
    tagged = [RawAttribution(cue=cue, source=(14, 25), content=((26, 39),))]
    (out,) = merge(tagged, [], text=text)
    assert text[cue[0]:cue[1]] == "remarks to" and out.source is None
    according = "According to the Council, peace matters."
    kept = [RawAttribution(cue=(0, 12), source=(13, 24), content=((26, 39),))]
    assert merge(kept, [], text=according)[0].source == (13, 24)


def test_main_span_takes_the_larger_side_of_the_cue():
    raw = RawAttribution(cue=(20, 26), source=(10, 19), content=((0, 8), (30, 90)))
    assert main_span(raw) == (30, 90)
    assert main_span(RawAttribution(cue=None, source=None, content=((0, 8), (30, 90)))) == (0, 90)


def claim(cid, start, sentence, speaker, mention=True, cue=True):
    return Claim(id=cid, text="x", start=start, end=start + 1, sentence=sentence, speaker_id=speaker,
                 speaker_mention=Span("S", 0, 1) if mention else None,
                 cue=Span("said", 0, 4) if cue else None, type="indirect", confidence=1.0)


def test_sourceless_cues_inherit_a_speaker():
    same_sentence = claim("a", 0, 0, None, mention=False)
    named = claim("b", 10, 0, "s1")
    next_sentence = claim("c", 20, 1, None, mention=False)
    far = claim("d", 40, 3, None, mention=False)
    author = claim("e", 50, 4, None, mention=False, cue=False)
    claims = [same_sentence, named, next_sentence, far, author]
    inherit_speakers(claims)
    assert [c.speaker_id for c in claims] == ["s1", "s1", "s1", None, None]


def test_topic_only_phrases_are_not_claims() -> None:
    from models.nlp import load_spacy

    nlp = load_spacy()
    for topic in ("about Ukraine", "on the federal budget", "regarding the talks", "over the deal in Gaza"):
        assert topic_only(nlp(topic)), topic
    for claim in ("about 300 people were killed", "about 300 people died in the attack", "Ukraine",
                  "the talks are about Ukraine", "on Tuesday the talks collapsed", "about", ""):
        assert not topic_only(nlp(claim)), claim


def test_content_pieces_join_across_words_the_tagger_left_out():
    text = ("Priorities, as described by a columnist, center on protecting Kyiv without getting entangled "
            "in border talks. \"We will win,\" she said, \"and soon.\"")

    def at(sub: str) -> tuple[int, int]:
        i = text.index(sub)
        return i, i + len(sub)

    gap = RawAttribution(cue=at("described by"), source=at("a columnist"),
                         content=(at("protecting Kyiv without"), at("in border talks")), score=0.7)
    quote = RawAttribution(cue=at("said"), source=at("she"), content=(at("We will win,"), at("and soon.")),
                           score=0.9)
    joined, split = merge([gap, quote], [], text=text)
    assert joined.content == ((at("protecting")[0], at("in border talks")[1]),)
    assert split.content == quote.content  # the cue and source lie between: the pieces stay apart
    assert merge([gap], [])[0].content == gap.content  # without the text nothing is joined
