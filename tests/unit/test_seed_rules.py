"""The seed article through the pipeline with the rule extractor (the issue's acceptance list)."""

from __future__ import annotations

from models import DocumentInput

EXPECTED = [
    # (cue, content starts with, speaker name)
    ("stated", "Washington opposes a temporary, rushed ceasefire", "a senior U.S. official"),
    ("emphasized", "the Security Council bears a heavy duty", "a senior U.S. official"),
    ("asserted", "Russia uses any pause in hostilities", "a senior U.S. official"),
    ("urged", "Security Council members not to accept", "a senior U.S. official"),
    ("urged", "a ceasefire and negotiations", "China"),
    ("signaled", "some elements of China’s peace proposal", "Volodymyr Zelensky"),
    ("noted", "discussions focused on implementing Istanbul", "Russia"),
    ("suggested", "U.S. officials fear a rapid advance", "a Time columnist"),
]


def test_seed_article_claims(rules_predictor, seed_text):
    result = rules_predictor.predict([DocumentInput(text=seed_text)])[0]
    names = {s.id: s.name for s in result.speakers}
    found = [(c.cue.text if c.cue else None, c.text, names.get(c.speaker_id)) for c in result.claims]
    for cue, content, speaker in EXPECTED:
        assert any(f[0] == cue and f[1].startswith(content) and f[2] == speaker for f in found), (cue, content)
    for c in result.claims:
        assert seed_text[c.start:c.end] == c.text
    # paragraphs 1-3: every claim belongs to the official
    para3_end = seed_text.index("On February 24")
    first = {names[c.speaker_id] for c in result.claims if c.start < para3_end}
    assert first == {"a senior U.S. official"}


def test_seed_speakers_are_the_ones_a_newsroom_would_file(rules_predictor, seed_text):
    result = rules_predictor.predict([DocumentInput(text=seed_text)])[0]
    by_name = {s.name: s for s in result.speakers}
    named = {"a senior U.S. official", "China", "Volodymyr Zelensky", "Russia", "Ukraine", "Turkey",
             "a Time columnist"}
    assert named <= set(by_name)
    official = by_name["a senior U.S. official"]
    assert (official.type, official.affiliation, official.anonymous) == ("person", "United States", True)
    assert by_name["Volodymyr Zelensky"].role == "president"
    assert by_name["Volodymyr Zelensky"].affiliation_id == by_name["Ukraine"].id
    # one Time columnist: "A Time columnist", "a prominent columnist", the piece, the article, the writer
    columnist = by_name["a Time columnist"]
    assert {"A Time columnist", "a prominent columnist", "The piece", "The article", "The writer"} <= \
        {m.text for m in columnist.mentions}
    assert (columnist.type, columnist.role, columnist.affiliation) == ("person", "columnist", "Time")
    # China's plan is a document of China's, linked by id; no speaker is typed "other"
    plan = next(s for s in result.speakers if s.name == "the plan")
    assert plan.type == "document" and plan.affiliation_id == by_name["China"].id
    # apart from the plan, the rule extractor's one other source is the group "U.S. officials"
    others = {s.name: s.type for s in result.speakers if s.name not in named | {"the plan"}}
    assert others == {"U.S. officials": "group"}
    assert len({s.key for s in result.speakers}) == len(result.speakers)


def test_seed_ministry_is_china_and_ukrainians_are_a_group(seed_text):
    """The trained extractor's extra sources in the seed: "China’s Foreign Ministry" (China) and
    "Ukrainians" (a group, not an organisation, and not Ukraine)."""
    from models.nlp import load_spacy
    from models.speakers import SpeakerResolver

    resolver = SpeakerResolver(load_spacy()(seed_text))
    found = {}
    for source in ("China’s Foreign Ministry", "Beijing", "Ukraine", "Ukrainians"):
        start = seed_text.index(source + (" also" if source == "Ukraine" else ""))
        found[source], _ = resolver.resolve((start, start + len(source)))
    assert found["China’s Foreign Ministry"] is found["Beijing"]
    assert found["Beijing"].name == "China" and found["Beijing"].type == "country"
    assert found["Ukrainians"].type == "group" and found["Ukrainians"] is not found["Ukraine"]
