"""Person targets matched as entities (models/name_targets.py), with the real spaCy model."""

from __future__ import annotations

import pytest

from models.name_targets import (
    is_target_speaker,
    name_target,
    own_pronouns,
    refers,
    speaker_input,
    speaker_side,
    with_names,
)
from models.nlp import load_spacy
from models.stance_cues import denies, swap_polarity, terms_for

TEXT = (
    "Democratic nominee Hillary Clinton said on Monday that Donald Trump was unfit. "
    "Bill Clinton campaigned for her in Ohio.\n"
    "Trump, the Republican nominee, said he would win. The Democratic nominee dismissed his remarks. "
    "Hillary said her plan works."
)


def referring(target: str, text: str = TEXT) -> list[tuple[int, str]]:
    nlp = load_spacy()
    doc = nlp(text)
    return sorted((doc[i].idx, doc[i].text) for i in refers(doc, name_target(nlp(target))))


def test_only_names_of_people_are_name_targets():
    nlp = load_spacy()
    assert name_target(nlp("Donald Trump")).words == ("donald", "trump")
    assert name_target(nlp("ceasefire")) is None
    assert name_target(nlp("the peace plan")) is None
    assert terms_for("Hillary Clinton").name is not None
    assert terms_for("tax cuts").name is None


def test_surname_title_and_pronouns_refer_to_the_person():
    found = referring("Donald Trump")
    words = [w for _, w in found]
    assert words.count("Trump") == 2 and "nominee" in words  # "the Republican nominee" learnt from the text
    assert [w for w in words if w in {"he", "his"}] == ["he", "his"]
    assert all(w != "Clinton" for w in words)


def test_another_person_of_the_same_family_is_not_the_target():
    found = referring("Hillary Clinton")
    starts = [s for s, _ in found]
    assert TEXT.index("Clinton said") in starts
    assert TEXT.index("Bill Clinton") + len("Bill ") not in starts
    assert TEXT.index("Hillary said") in starts
    # "her plan" follows Hillary in her own sentence; "his remarks" is not hers
    assert TEXT.index("her plan") in starts
    assert TEXT.index("his remarks") not in starts


def test_pronouns_are_written_as_the_surname_for_the_classifier():
    nlp = load_spacy()
    text = "Donald Trump spoke in Ohio. His aides said he lied about his taxes."
    doc = nlp(text)
    target = name_target(nlp("Donald Trump"))
    start = text.index("he lied")
    assert with_names(doc, start, len(text) - 1, refers(doc, target), target) == "Trump lied about Trump's taxes"
    assert speaker_input("Hillary Clinton", "Trump lied") == "Hillary Clinton: Trump lied"
    assert speaker_input(None, "Trump lied") == "Trump lied"


def test_the_target_speaking_is_the_target():
    nlp = load_spacy()
    target = name_target(nlp("Donald Trump"))
    assert is_target_speaker(target, {"donald trump", "he"})
    assert is_target_speaker(target, {"trump"})
    assert not is_target_speaker(target, {"ivanka trump's aide"})
    assert not is_target_speaker(target, None)
    assert is_target_speaker(target, {"mr. trump"}) and is_target_speaker(target, {"donald j. trump"})
    assert is_target_speaker(target, {"trump’s"})
    # another person of the same surname is not the target
    assert not is_target_speaker(target, {"donald trump jr."}) and not is_target_speaker(target, {"eric trump"})
    clinton = name_target(nlp("Hillary Clinton"))
    assert clinton is not None and not is_target_speaker(clinton, {"former president bill clinton"})


def test_a_middle_initial_keeps_the_name_whole():
    text = "Leaders in New York honored Donald J. Trump yesterday. Ivanka J. Trump spoke."
    found = referring("Donald Trump", text)
    assert (text.index("Trump yesterday"), "Trump") in found
    assert (text.rindex("Trump"), "Trump") not in found  # another first name before the initial


def test_the_target_speaking_of_itself_in_the_third_person():
    nlp = load_spacy()
    text = "Donald Trump spoke in Ohio. He said his plan works. Trump said he would be awake for a 3 a.m. call."
    doc = nlp(text)
    target = name_target(nlp("Donald Trump"))
    refs = refers(doc, target)
    start = text.index("he would")
    claim = doc.char_span(start, len(text) - 1, alignment_mode="expand")
    assert [t.text for t in own_pronouns(claim, refs)] == ["he"]
    other = nlp("Trump spoke in Ohio. He said that Mike Pence thinks he will win.")
    refs = refers(other, target)
    span = other.char_span(other.text.index("Mike"), len(other.text) - 1, alignment_mode="expand")
    assert own_pronouns(span, refs) == []  # "he" after another person named in the claim
    assert own_pronouns(span, set()) == []  # the target's gender unknown: nothing


@pytest.mark.parametrize(
    ("text", "cue", "expected"),
    [
        ("Moscow denied that it had offered land.", "denied", True),
        ("The campaign disputes the report.", "disputes", True),
        ("She did not deny that she had met him.", "deny", False),
        ("He said that it had offered land.", "said", False),
    ],
)
def test_denial_cues(text, cue, expected):
    doc = load_spacy()(text)
    start = text.index(cue)
    assert denies(doc, start, start + len(cue)) is expected


def test_swap_polarity_exchanges_favor_and_against():
    assert swap_polarity({"favor": 0.7, "against": 0.1, "neutral": 0.2}) == {"favor": 0.1, "against": 0.7, "neutral": 0.2}


def test_speaker_label_by_name_or_by_its_longest_mention():
    from models.name_targets import speaker_label
    from models.types import Span, Speaker

    miller = Speaker("s1", "Jason Miller", "person", [Span("Trump campaign spokesman Jason Miller", 0, 37),
                                                      Span("he", 90, 92)])
    assert speaker_label(miller, "name") == "Jason Miller"
    assert speaker_label(miller, "description") == "Trump campaign spokesman Jason Miller"
    long = Speaker("s2", "Ann Lee", "person", [Span(" ".join(["word"] * 20), 0, 99)])
    assert speaker_label(long, "description") == "Ann Lee"


def test_speaker_side_self_ally_rival():
    nlp = load_spacy()
    trump, clinton = name_target(nlp("Donald Trump")), name_target(nlp("Hillary Clinton"))
    both = [trump, clinton]
    assert speaker_side(trump, {"donald trump", "he"}, both) == "self"
    assert speaker_side(clinton, {"robby mook", "clinton campaign manager robby mook"}, both) == "ally"
    assert speaker_side(trump, {"jason miller", "trump’s spokesman jason miller"}, both) == "ally"
    assert speaker_side(trump, {"robby mook", "clinton campaign manager robby mook"}, both) == "rival"
    assert speaker_side(trump, {"hillary clinton", "she"}, both) == "rival"
    # without the other person among the request's targets there is no rival
    assert speaker_side(trump, {"hillary clinton"}, [trump]) is None
    assert speaker_side(trump, {"the senator"}, both) is None and speaker_side(trump, None, both) is None
