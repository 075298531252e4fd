"""Speaker resolution: group source mentions into speakers.

Rules, in order, for each source mention (in text order):
1. pronouns ("He", "It", "They") take the speaker of the nearest earlier mention of a compatible
   kind (a person for he/she; an organisation, country or medium for it; any group for they);
2. definite nominals without a name ("The official", "the piece", "the writer") take the speaker
   of the nearest earlier mention whose head noun is in the same group (lexicon.NOMINAL_GROUPS);
3. institutional metonyms and country names map to their state ("the Kremlin" = Russia);
4. names merge when one is contained in the other ("Zelensky" = "Volodymyr Zelensky");
5. anything else ("a senior U.S. official") is a speaker of its own, with an affiliation when a
   country or organisation is named inside the mention.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from .lexicon import (
    COUNTRIES,
    DOCUMENT_NOUNS,
    MEDIA_NAMES,
    MEDIA_NOUNS,
    METONYMS,
    NOMINAL_GROUPS,
    ORG_NOUNS,
    PERSON_NOUNS,
    PRONOUNS_PERSON,
    PRONOUNS_PLURAL,
    PRONOUNS_SELF,
    PRONOUNS_THING,
)
from .types import Offsets, Span, Speaker

_DETERMINERS = ("the ", "this ", "that ", "these ", "those ")
_PLURAL_KINDS = {"organization", "country", "media", "other", "unknown"}


@dataclass
class _Mention:
    span: Span
    kind: str  # the speaker type this surface form suggests
    head: str  # lower-case lemma of the head word
    speaker: Speaker


def _norm(text: str) -> str:
    text = re.sub(r"[’']s$", "", text.strip())
    return re.sub(r"\s+", " ", text).lower()


def _strip_det(name: str) -> str:
    low = name.lower()
    for det in _DETERMINERS + ("a ", "an "):
        if low.startswith(det):
            return name[len(det):]
    return name


def _nominal_name(span: Any, text: str, ents: list[Any]) -> str:
    """The name of a speaker known by a description: the description up to the comma after its
    head ("a senior official, who spoke on condition of anonymity" -> "a senior official"; "a
    prominent columnist, center" where the parser took a verb for an apposition). What follows
    the comma stays when it names someone ("a spokesman, John Smith"); the mention keeps it all.
    ``ents``: the span's entities (``SpeakerResolver._ents_in``)."""
    if span is None or not len(span):
        return text
    root = span.root
    comma = next((t for t in span[root.i - span.start + 1:] if t.text == ","), None)
    if comma is None:
        return text
    if any(e.label_ in {"PERSON", "ORG", "GPE", "NORP"} and e.start > comma.i for e in ents):
        return text
    name = span.doc.text[span.start_char:comma.idx].strip()
    return name or text


def _group(head: str) -> frozenset[str] | None:
    for group in NOMINAL_GROUPS:
        if head in group:
            return group
    return None


class SpeakerResolver:
    """Resolves the sources of one document's attributions to speaker entities."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.text: str = doc.text
        self.speakers: list[Speaker] = []
        self._mentions: list[_Mention] = []
        self._by_key: dict[str, Speaker] = {}
        self._ents: list[Any] | None = None  # the doc's entities, read once (_ents_in)
        self._ent_starts: list[int] = []

    # -- public --------------------------------------------------------------------------

    def resolve(self, source: Offsets | None) -> tuple[Speaker | None, Span | None]:
        """Return the speaker and the mention for one source span (call in text order)."""
        if source is None:
            return None, None
        start, end = source
        mention = Span(self.text[start:end], start, end)
        if not mention.text.strip():
            return None, None
        span = self.doc.char_span(start, end, alignment_mode="expand")
        root = span.root if span is not None and len(span) else None
        head = (root.lemma_ if root is not None else mention.text.split()[-1]).lower()
        low = _norm(mention.text)

        if low in PRONOUNS_PERSON | PRONOUNS_THING | PRONOUNS_PLURAL | PRONOUNS_SELF:
            earlier = self._antecedent(low, start)
            if earlier is None:
                return self._add(mention, "unknown", head, self._new(mention.text, "unknown")), mention
            return self._add(mention, earlier.kind, earlier.head, earlier.speaker), mention

        canonical = METONYMS.get(low) or COUNTRIES.get(low) or COUNTRIES.get(_norm(_strip_det(low)))
        if canonical is not None:
            speaker = self._keyed("country:" + canonical, canonical, "country")
            return self._add(mention, "country", head, speaker), mention

        kind, proper = self._classify(span, root, low, head)
        if not proper and low.startswith(_DETERMINERS):
            group = _group(head)
            if group is not None:
                known = self._nominal_antecedent(group, start)
                if known is not None:
                    return self._add(mention, kind, head, known), mention

        if proper:
            speaker = self._named(span, mention, kind)
        else:
            speaker = self._new(_nominal_name(span, mention.text, self._ents_in(span)), kind)
            speaker.affiliation = self._affiliation(span)
        return self._add(mention, kind, head, speaker), mention

    # -- rules ---------------------------------------------------------------------------

    def _antecedent(self, pronoun: str, before: int) -> _Mention | None:
        for m in reversed(self._mentions):
            if m.span.start >= before:
                continue
            if pronoun in PRONOUNS_PERSON and m.kind == "person":
                return m
            if pronoun in PRONOUNS_THING and m.kind in _PLURAL_KINDS:
                return m
            if pronoun in PRONOUNS_PLURAL | PRONOUNS_SELF:
                return m
        return None

    def _nominal_antecedent(self, group: frozenset[str], before: int) -> Speaker | None:
        for m in reversed(self._mentions):
            if m.span.start < before and m.head in group:
                return m.speaker
        return None

    def _classify(self, span: Any, root: Any, low: str, head: str) -> tuple[str, bool]:
        """The speaker type a mention suggests, and whether it is a proper name."""
        if _norm(_strip_det(low)) in MEDIA_NAMES or low in MEDIA_NAMES:
            return "media", True
        if root is None:
            return "unknown", False
        proper = root.pos_ == "PROPN" or bool(root.ent_type_)
        ent = root.ent_type_
        if ent == "PERSON":
            return "person", True
        if ent in {"GPE", "LOC"}:
            return "country", True
        if ent in {"ORG", "NORP", "FAC"}:
            return "organization", True
        if head in MEDIA_NOUNS:
            return "media", False
        if head in PERSON_NOUNS:
            return "person", False
        if head in ORG_NOUNS:
            return "organization", False
        if head in DOCUMENT_NOUNS:
            return "other", False
        if proper:
            return "other", True
        return "unknown", False

    def _named(self, span: Any, mention: Span, kind: str) -> Speaker:
        ents = [e for e in self._ents_in(span) if e.label_ in {"PERSON", "ORG", "GPE", "NORP"}]
        name = ents[-1].text if ents and kind == "person" else _strip_det(mention.text)
        tokens = name.lower().split()
        for sp in self.speakers:
            if sp.type != kind or sp.canonical is not None and sp.canonical.startswith("country:"):
                continue
            other = sp.name.lower().split()
            # one surname, two first names: "Bill Clinton" is not "Hillary Clinton"
            relatives = len(tokens) > 1 and len(other) > 1 and tokens[0] != other[0]
            if tokens == other or kind == "person" and tokens and other and tokens[-1] == other[-1] and not relatives:
                if len(tokens) > len(other):
                    sp.name = name
                return sp
            if len(tokens) > 1 and " ".join(tokens) in " ".join(other):
                return sp
        speaker = self._new(name, kind)
        if kind == "person" and span is not None:
            speaker.affiliation = self._affiliation(span, skip_ents=True)
        return speaker

    def _affiliation(self, span: Any, skip_ents: bool = False) -> str | None:
        if span is None:
            return None
        for ent in self._ents_in(span):
            if ent.label_ in {"GPE", "NORP"}:
                return COUNTRIES.get(_norm(ent.text), ent.text)
            if ent.label_ == "ORG" and not skip_ents:
                return ent.text
        for token in span:
            name = COUNTRIES.get(token.lower_)
            if name is not None:
                return name
        return None

    # -- bookkeeping ---------------------------------------------------------------------

    def _ents_in(self, span: Any) -> list[Any]:
        """``span.ents`` (the entities from the span's start that end inside it, in order), found by
        bisection: ``span.ents`` builds all the doc's entities on every call, which made this step
        quadratic on 7,000 "X said no." sentences (22 s at 100,000 characters)."""
        if span is None:
            return []
        if self._ents is None:
            self._ents = list(self.doc.ents)
            self._ent_starts = [e.start for e in self._ents]
        out = []
        for ent in self._ents[bisect.bisect_left(self._ent_starts, span.start):]:
            if ent.end > span.end:
                break
            out.append(ent)
        return out

    def _new(self, name: str, kind: str) -> Speaker:
        speaker = Speaker(id=f"s{len(self.speakers) + 1}", name=name, type=kind)
        self.speakers.append(speaker)
        return speaker

    def _keyed(self, key: str, name: str, kind: str) -> Speaker:
        speaker = self._by_key.get(key)
        if speaker is None:
            speaker = self._new(name, kind)
            speaker.canonical = key
            self._by_key[key] = speaker
        return speaker

    def _add(self, mention: Span, kind: str, head: str, speaker: Speaker) -> Speaker:
        self._mentions.append(_Mention(mention, kind, head, speaker))
        speaker.mentions.append(mention)
        return speaker
