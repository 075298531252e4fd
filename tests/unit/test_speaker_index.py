"""Speaker resolution by look-up: the same speakers as a scan of every speaker so far, and a cap
on the speakers that later names can merge with (models/speakers.py)."""

from __future__ import annotations

import random

from models.speakers import _Names
from models.types import Speaker


def scan(speakers: list[Speaker], name: str, kind: str) -> Speaker | None:
    """Rule 4 as a scan over the speakers in the order they were made (what _Names replaces)."""
    tokens = name.lower().split()
    for sp in speakers:
        if sp.type != kind:
            continue
        other = sp.name.lower().split()
        relatives = len(tokens) > 1 and len(other) > 1 and tokens[0] != other[0]
        if tokens == other or kind == "person" and tokens and other and tokens[-1] == other[-1] and not relatives:
            if len(tokens) > len(other):
                sp.name = name
            return sp
        if len(tokens) > 1 and " ".join(tokens) in " ".join(other):
            return sp
    return None


def test_name_index_finds_the_speaker_a_scan_in_order_finds():
    rng = random.Random(18)
    words = ["Ann", "Bo", "Smith", "Lee", "John", "Smithson", "Van", "Der", "Berg", "Jo"]
    for _ in range(200):
        # the scan's speakers and the index's: the same names, kept apart
        scanned: list[Speaker] = []
        indexed: dict[str, _Names] = {}
        for n in range(40):
            kind = rng.choice(["person", "person", "organization"])
            name = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
            expected = scan(scanned, name, kind)
            names = indexed.setdefault(kind, _Names())
            pos, by_words = names.find(name.lower().split(), kind == "person")
            if pos is not None and by_words and len(name.split()) > len(names.words[pos]):
                names.rename(pos, name)
            if expected is None:
                assert pos is None, (name, kind, [s.name for s in scanned])
                scanned.append(Speaker(id=f"s{n}", name=name, type=kind))
                names.add(Speaker(id=f"s{n}", name=name, type=kind))
            else:
                assert pos is not None, (name, kind, expected.name)
                found = names.speakers[pos]
                assert (found.id, found.name) == (expected.id, expected.name)


def said(names: list[str]) -> tuple[str, list[tuple[int, int]]]:
    parts, sources, at = [], [], 0
    for name in names:
        sources.append((at, at + len(name)))
        sentence = f"{name} said no. "
        parts.append(sentence)
        at += len(sentence)
    return "".join(parts), sources


def test_past_the_cap_a_new_speaker_is_unknown_and_merges_with_nothing(monkeypatch):
    from models import speakers
    from models.nlp import load_spacy

    monkeypatch.setattr(speakers, "MAX_SPEAKERS", 5)
    first = ["Anna", "Boris", "Carla", "Dmitri", "Elena", "Fiona", "Georg"]
    names = [f"{f} Petrova" if f.endswith("a") else f"{f} Ivanov" for f in first]
    text, sources = said(names + ["Fiona Petrova", "Carla Petrova"])
    resolver = speakers.SpeakerResolver(load_spacy()(text))
    found = [resolver.resolve(source)[0] for source in sources]
    assert [s.type for s in found[:5]] == ["person"] * 5
    assert [s.type for s in found[5:7]] == ["unknown", "unknown"]
    assert found[7] is not found[5]  # the sixth speaker is past the cap: "Fiona Petrova" again is new
    assert found[8] is found[2]  # a speaker within the cap still takes its later mentions
    assert len({id(s) for s in found}) == 8


def test_a_pronoun_takes_the_nearest_earlier_mention_of_its_kind():
    from models.nlp import load_spacy
    from models.speakers import SpeakerResolver

    text = "Anna Petrova said no. The ministry said yes. It said maybe. She said never."
    resolver = SpeakerResolver(load_spacy()(text))
    spans = [(text.index(s), text.index(s) + len(s)) for s in ("Anna Petrova", "The ministry", "It", "She")]
    anna, ministry, it, she = (resolver.resolve(span)[0] for span in spans)
    assert it is ministry
    assert she is anna
