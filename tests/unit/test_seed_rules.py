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
    ("suggested", "U.S. officials fear a rapid advance", "A Time columnist"),
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
