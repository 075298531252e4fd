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

Cost: each mention is resolved by look-ups (``_Names`` for rule 4, the last mention of each
kind and nominal group for rules 1 and 2), not by a scan of the speakers or mentions so far, so
a document's resolution is linear in its mentions. The one search left, rule 4's "contained in a
longer name", runs over the names of at most MAX_SPEAKERS speakers: past that many, a new speaker
is typed "unknown" and no later mention merges with it (it stays unresolved beyond its own
mention). News articles have a few dozen speakers; the cap only bites on pathological texts
(thousands of "Firstname Lastname said no." sentences).
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
# speakers a later name can merge with, per document (see the module docstring)
MAX_SPEAKERS = 1000


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


class _Names:
    """The speakers of one type that a name can merge with (rule 4), in the order they were made.

    ``find`` returns the first of them that the rule matches, as a scan in that order would:
    the same words, the same surname (a person, unless both names have first names and those
    differ), or a name of two words or more contained in the speaker's name. The first two are
    look-ups by key (``_keys``); containment is one ``str.find`` over the names joined by
    newlines (a name holds no newline once split into words).
    """

    def __init__(self) -> None:
        self.speakers: list[Speaker] = []
        self.words: list[list[str]] = []
        self.by_key: dict[tuple[str, ...], list[int]] = {}
        # the names joined by newlines (each name's words joined by spaces), and where each starts;
        # extended by ``add``, rebuilt after a rename
        self._joined = ""
        self._starts: list[int] = []

    @staticmethod
    def _keys(words: list[str]) -> list[tuple[str, ...]]:
        if not words:
            return [("empty",)]
        keys: list[tuple[str, ...]] = [("exact", " ".join(words)), ("last", words[-1])]
        keys.append(("last1", words[-1]) if len(words) == 1 else ("first_last", words[0], words[-1]))
        return keys

    def add(self, speaker: Speaker) -> None:
        self.speakers.append(speaker)
        self.words.append(speaker.name.lower().split())
        self._index(len(self.speakers) - 1)
        self._starts.append(len(self._joined) + 1 if self._starts else 0)
        self._joined += ("\n" if len(self._starts) > 1 else "") + " ".join(self.words[-1])

    def _index(self, pos: int) -> None:
        for key in self._keys(self.words[pos]):
            bisect.insort(self.by_key.setdefault(key, []), pos)

    def rename(self, pos: int, name: str) -> None:
        for key in self._keys(self.words[pos]):
            self.by_key[key].remove(pos)
        self.speakers[pos].name = name
        self.words[pos] = name.lower().split()
        self._index(pos)
        names = [" ".join(w) for w in self.words]
        self._starts = []
        at = 0
        for n in names:
            self._starts.append(at)
            at += len(n) + 1
        self._joined = "\n".join(names)

    def _first(self, key: tuple[str, ...]) -> int | None:
        found = self.by_key.get(key)
        return found[0] if found else None

    def find(self, words: list[str], person: bool) -> tuple[int | None, bool]:
        """The position of the first speaker the name ``words`` merges with, and whether it
        matched by words or surname (True) or by containment (False); (None, False): none."""
        if not words:
            return self._first(("empty",)), True
        if not person:
            candidates = [self._first(("exact", " ".join(words)))]
        elif len(words) == 1:
            candidates = [self._first(("last", words[-1]))]
        else:  # a surname alone, or the same first name and surname (the same words among them)
            candidates = [self._first(("last1", words[-1])), self._first(("first_last", words[0], words[-1]))]
        by_words = min((c for c in candidates if c is not None), default=None)
        contained = self._containing(" ".join(words)) if len(words) > 1 else None
        if contained is not None and (by_words is None or contained < by_words):
            return contained, False
        return by_words, by_words is not None

    def _containing(self, name: str) -> int | None:
        found = self._joined.find(name)
        return None if found < 0 else bisect.bisect_right(self._starts, found) - 1


class SpeakerResolver:
    """Resolves the sources of one document's attributions to speaker entities."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.text: str = doc.text
        self.speakers: list[Speaker] = []
        self._mentions: list[_Mention] = []
        self._by_key: dict[str, Speaker] = {}
        self._names: dict[str, _Names] = {}  # by speaker type: the speakers rule 4 can merge with
        self._indexed = 0
        # the mentions (and their starts) of each pronoun class and of each nominal group
        self._classes: dict[str, tuple[list[int], list[int]]] = {}
        self._unordered: set[str] = set()
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
        """The latest mention before ``before`` that the pronoun can refer to: a person for he/she,
        an organisation, country, medium or the like for it, any for they/we."""
        classes = [cls for cls, pronouns in (("person", PRONOUNS_PERSON), ("thing", PRONOUNS_THING),
                                             ("any", PRONOUNS_PLURAL | PRONOUNS_SELF)) if pronoun in pronouns]
        found = [n for n in (self._last(cls, before) for cls in classes) if n is not None]
        return self._mentions[max(found)] if found else None

    def _nominal_antecedent(self, group: frozenset[str], before: int) -> Speaker | None:
        found = self._last(f"group{NOMINAL_GROUPS.index(group)}", before)
        return self._mentions[found].speaker if found is not None else None

    def _last(self, cls: str, before: int) -> int | None:
        """The last mention of class ``cls`` (``_add``) that starts before ``before``, as its
        position in ``_mentions``."""
        starts, positions = self._classes.get(cls, ([], []))
        if cls in self._unordered:
            return next((n for n in reversed(positions) if self._mentions[n].span.start < before), None)
        at = bisect.bisect_left(starts, before)
        return positions[at - 1] if at else None

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
        names = self._names.get(kind)
        # one surname, two first names: "Bill Clinton" is not "Hillary Clinton" (_Names.find)
        pos, by_words = names.find(tokens, kind == "person") if names is not None else (None, False)
        if names is not None and pos is not None:
            if by_words and len(tokens) > len(names.words[pos]):
                names.rename(pos, name)
            return names.speakers[pos]
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

    def _new(self, name: str, kind: str, mergeable: bool = True) -> Speaker:
        """A new speaker; ``mergeable``: later names may merge with it (rule 4), up to MAX_SPEAKERS
        of them, after which a new speaker is typed "unknown" and merges with nothing."""
        if mergeable and self._indexed >= MAX_SPEAKERS:
            kind, mergeable = "unknown", False
        speaker = Speaker(id=f"s{len(self.speakers) + 1}", name=name, type=kind)
        self.speakers.append(speaker)
        if mergeable:
            self._indexed += 1
            self._names.setdefault(kind, _Names()).add(speaker)
        return speaker

    def _keyed(self, key: str, name: str, kind: str) -> Speaker:
        speaker = self._by_key.get(key)
        if speaker is None:
            # a state, found by its key: names never merge with it
            speaker = self._new(name, kind, mergeable=False)
            speaker.canonical = key
            self._by_key[key] = speaker
        return speaker

    def _add(self, mention: Span, kind: str, head: str, speaker: Speaker) -> Speaker:
        self._mentions.append(_Mention(mention, kind, head, speaker))
        position = len(self._mentions) - 1
        classes = ["any"]
        if kind == "person":
            classes.append("person")
        if kind in _PLURAL_KINDS:
            classes.append("thing")
        classes += [f"group{n}" for n, group in enumerate(NOMINAL_GROUPS) if head in group]
        for cls in classes:
            starts, positions = self._classes.setdefault(cls, ([], []))
            # mentions come in text order (ResolveSpeakers sorts the sources), so each class is
            # sorted by start and ``_last`` bisects it; a caller that resolves out of order gets
            # the scan back for the classes it disordered
            if starts and mention.start < starts[-1]:
                self._unordered.add(cls)
            starts.append(mention.start)
            positions.append(position)
        speaker.mentions.append(mention)
        return speaker
