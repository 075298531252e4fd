"""Speaker resolution: group source mentions into speakers, and describe each speaker.

Rules, in order, for each source mention (in text order):
1. relative pronouns ("who", "which") take the speaker of the noun their clause hangs on;
2. pronouns ("He", "It", "They", "his") take the speaker of the nearest earlier mention of a
   compatible kind (one person of the pronoun's gender, when known, for he/she; an organisation,
   country, medium or document for it; a group, organisation or state for they);
3. institutional metonyms, country names and a state's government map to their state ("the
   Kremlin" = Russia; "China's Foreign Ministry" = China);
4. definite nominals without a name ("The official", "the piece", "the president") take the
   speaker whose role has the same head, else the nearest earlier mention whose head noun is in
   the same group (lexicon.NOMINAL_GROUPS) and of the same number; an indefinite description of
   an unnamed person ("a prominent columnist") takes the earlier unnamed person of the same head;
5. names merge when one is contained in the other ("Zelensky" = "Volodymyr Zelensky"); a person's
   name is the fullest the article gives (speaker_names.PersonNames);
6. anything else ("a senior U.S. official") is a speaker of its own.

Each speaker gets a type (SPEAKER_TYPES), a role and an affiliation from its mentions
(models/speaker_names.py), an anonymous flag, and at the end (``finish``) a ``key`` that is the
same in every document, and the id of the speaker its affiliation names.

Cost: each mention is resolved by look-ups (``_Names`` for rule 5, the last mention of each
kind and nominal group for rules 2 and 4, dicts for roles and full names), not by a scan of the
speakers or mentions so far, so a document's resolution is linear in its mentions. The one search
left, rule 5's "contained in a longer name", runs over the names of at most MAX_SPEAKERS
speakers: past that many, a new speaker is typed "unknown" and no later mention merges with it
(it stays unresolved beyond its own mention). News articles have a few dozen speakers; the cap
only bites on pathological texts (thousands of "Firstname Lastname said no." sentences).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from .lexicon import (
    ANONYMOUS_NOUNS,
    BODY_NOUNS,
    COUNTRIES,
    COUNTRY_NOUNS,
    GOVERNMENT_NOUNS,
    GROUP_NOUNS,
    HONORIFICS_FEMALE,
    HONORIFICS_MALE,
    INTERNATIONAL_BODIES,
    KIN_NOUNS,
    MEDIA_NAME_WORDS,
    MEDIA_NAMES,
    METONYMS,
    NOMINAL_GROUPS,
    PERSON_NOUNS,
    PRONOUNS_FEMALE,
    PRONOUNS_MALE,
    PRONOUNS_PERSON,
    PRONOUNS_PLURAL,
    PRONOUNS_POSSESSIVE,
    PRONOUNS_RELATIVE,
    PRONOUNS_SELF,
    PRONOUNS_THING,
    SPEAKER_DOCUMENTS,
    SPEAKER_MEDIA,
    TITLES,
)
from .speaker_names import (
    OrgNames,
    PersonNames,
    affiliation,
    affiliation_text,
    appositive_role,
    clean,
    description,
    ent_of,
    person_ent,
    person_role,
    proper_chain,
    untitled,
)
from .types import Offsets, Span, Speaker

SPEAKER_TYPES = ("person", "organization", "country", "media", "document", "group", "unknown")
_DETERMINERS = ("the ", "this ", "that ", "these ", "those ")
_INDEFINITE = ("a ", "an ", "one ")
_DISTINCT = {"another", "other", "second", "third", "different", "separate"}
# the kinds each pronoun class may refer to (``_add``)
_THING_KINDS = {"organization", "country", "media", "document", "unknown"}
_PLURAL_KINDS = {"group", "organization", "country", "media"}
_PLURAL_TAGS = {"NNS", "NNPS"}
# determiners that make a singular noun everyone of its kind ("any taxpayer"): a group
_EVERYONE = {"any", "every"}
_FIRST_SINGULAR = {"i", "me"}
# heads of a share of people ("46 percent"), named with whom they are a share of
_SHARES = {"percent", "percentage", "majority", "minority", "half", "third", "quarter"}
# role heads that name the same post ("the GOP candidate" is the party's nominee)
_ROLE_HEADS = {"candidate": "nominee", "standard-bearer": "nominee"}
_OPENING = "“«„‟\""
_CLOSING = "”»"
# "the plan" looks for the noun that introduced it this many tokens back at most
_AUTHOR_TOKENS = 120
# a he/she looks this many compatible mentions back for one of its gender
_GENDER_LOOKBACK = 4
# a person's title or apposition is read this many tokens either side of the name at most
_DESCRIPTION_TOKENS = 30
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


def _words(name: str) -> list[str]:
    """The lower-case words a name is matched by, without a leading "the"."""
    words = name.lower().split()
    return words[1:] if len(words) > 1 and words[0] == "the" else words


_DOCUMENT_FAMILIES = {"poll": "poll", "survey": "poll", "study": "study", "report": "study",
                      "analysis": "study", "research": "study"}


def _document_family(head: str) -> str:
    return "family:" + _DOCUMENT_FAMILIES.get(head, head)


def _group(head: str) -> frozenset[str] | None:
    for group in NOMINAL_GROUPS:
        if head in group:
            return group
    return None


def name_key(name: str) -> str:
    """A name compared without case, a leading article, punctuation or spacing."""
    low = re.sub(r"[^\w\s]", " ", name.lower())
    return " ".join(w for w in low.split() if w not in ("the", "a", "an"))


def speaker_key(speaker: Speaker) -> str:
    """The key a speaker has in every document of a batch or job: its type and name as compared
    across articles ("person:donald trump", "country:china"). Equal keys of named speakers are the
    same speaker; an anonymous or described one shares its key only with the same description."""
    if speaker.canonical:
        kind, _, name = speaker.canonical.partition(":")
        return f"{kind}:{name_key(name)}"
    return f"{speaker.type}:{name_key(speaker.name)}"


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
        self.words.append(_words(speaker.name))
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
        self.words[pos] = _words(name)
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
        self._names: dict[str, _Names] = {}  # by speaker type: the speakers rule 5 can merge with
        self._indexed = 0
        # the mentions (and their starts) of each pronoun class and of each nominal group
        self._classes: dict[str, tuple[list[int], list[int]]] = {}
        self._unordered: set[str] = set()
        self._ents: list[Any] | None = None  # the doc's entities, read once (_ents_in)
        self._ent_starts: list[int] = []
        self._people: PersonNames | None = None
        self._orgs: OrgNames | None = None
        self._roles: dict[str, Speaker] = {}  # the last speaker of each role's head word (rule 4)
        self._described: dict[str, Speaker] = {}  # the first unnamed person of each head (rule 4)
        self._gender: dict[str, str] = {}  # speaker id -> "m" or "f", once a mention shows it
        self._body_words: dict[str, Speaker] = {}  # the last organisation named with each word
        self._documents: dict[str, Speaker] = {}  # the last document of each head and family
        self._document_nouns: list[int] | None = None  # the doc's document nouns, found once
        self._described_people: dict[str, tuple[str | None, str | None]] | None = None
        # line breaks, quotation marks and straight quotation marks, by offset (``_quoted``)
        self._quotes: tuple[list[int], list[int], list[int]] | None = None
        self._writer: Speaker | None = None
        self._described_by_ent: dict[Any, tuple[str | None, str | None]] = {}
        self._ent_char_starts: list[int] = []
        self._population: str | None = None  # the people the last share was of (``_share_of``)

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
        low = _norm(mention.text)
        if low in PRONOUNS_RELATIVE and span is not None and len(span):
            antecedent = self._relative_antecedent(span.root)
            if antecedent is not None:
                speaker, kind, head = self._speaker_for(antecedent, antecedent.text, antecedent.start_char)
                return self._add(mention, kind, head, speaker), mention
        pronoun = PRONOUNS_POSSESSIVE.get(low, low)
        if pronoun in _FIRST_SINGULAR and not self._quoted(start):
            # "I" outside a quotation is the writer's ("My father would have loved Trump")
            # kind "author": no he/she or nominal refers back to the writer
            return self._add(mention, "author", pronoun, self._author()), mention
        if pronoun in PRONOUNS_PERSON | PRONOUNS_THING | PRONOUNS_PLURAL | PRONOUNS_SELF | PRONOUNS_RELATIVE:
            earlier = self._antecedent(pronoun, start)
            if earlier is None and pronoun in PRONOUNS_PERSON:
                named = self._person_before(start)
                if named is not None:
                    # "she" after a person the article names but never quotes
                    self._note_gender(named, pronoun)
                    return self._add(mention, "person", pronoun, named), mention
            if earlier is None:
                # "she" with no one before it is still one person
                kind = "person" if pronoun in PRONOUNS_PERSON | _FIRST_SINGULAR else "unknown"
                return self._add(mention, kind, pronoun, self._new(mention.text, kind)), mention
            self._note_gender(earlier.speaker, pronoun)
            return self._add(mention, earlier.kind, earlier.head, earlier.speaker), mention
        speaker, kind, head = self._speaker_for(span, mention.text, start)
        return self._add(mention, kind, head, speaker), mention

    def _quoted(self, at: int) -> bool:
        """Whether offset ``at`` is inside a quotation: the last quotation mark before it in its
        paragraph opens one (a curly opening mark, or an odd number of straight ones). Found by
        bisection over the marks and line breaks, listed once per document."""
        if self._quotes is None:
            self._quotes = ([], [], [])
            for n, char in enumerate(self.text):
                if char == "\n":
                    self._quotes[0].append(n)
                elif char in _OPENING or char in _CLOSING:
                    self._quotes[1].append(n)
                if char == '"':
                    self._quotes[2].append(n)
        breaks, marks, straight = self._quotes
        line = bisect.bisect_left(breaks, at)
        begin = breaks[line - 1] if line else -1
        last = bisect.bisect_left(marks, at)
        if not last or marks[last - 1] < begin:
            return False
        char = self.text[marks[last - 1]]
        if char != '"':
            return char in _OPENING
        return (bisect.bisect_left(straight, at) - bisect.bisect_right(straight, begin)) % 2 == 1

    def _author(self) -> Speaker:
        """The writer of the article, who speaks as "I" outside quotations (one per document)."""
        if self._writer is None:
            self._writer = self._new("the author", "person", mergeable=False)
        return self._writer

    def finish(self) -> list[Speaker]:
        """The document's speakers, each with its ``key`` and, where its affiliation is another
        speaker of the document, that speaker's id ("China's plan" -> China)."""
        known: dict[str, Speaker] = {}
        for speaker in self.speakers:
            if speaker.type == "person" and (speaker.role is None or speaker.affiliation is None):
                role, held = self._descriptions().get(speaker.name, (None, None))
                speaker.role = speaker.role or role
                speaker.affiliation = speaker.affiliation or held
            if speaker.affiliation is not None:
                speaker.affiliation = self._affiliation_named(speaker.affiliation)
            speaker.key = speaker_key(speaker)
            known.setdefault(speaker.key.partition(":")[2], speaker)
        for speaker in self.speakers:
            if not speaker.affiliation:
                continue
            other = known.get(name_key(speaker.affiliation))
            if other is not None and other is not speaker:
                speaker.affiliation_id = other.id
        return self.speakers

    # -- rules ---------------------------------------------------------------------------

    def _speaker_for(self, span: Any, text: str, start: int) -> tuple[Speaker, str, str]:
        """The speaker of a mention that is not a pronoun (rules 3 to 6), with the kind and head
        word the mention suggests."""
        root = span.root if span is not None and len(span) else None
        head = (root.lemma_ if root is not None else (text.split() or [""])[-1]).lower()
        low = _norm(text)
        several = root is not None and self._conjoined(root)  # "France and Germany" is not France
        canonical = METONYMS.get(low) or COUNTRIES.get(low) or COUNTRIES.get(_norm(_strip_det(low))) \
            or self._government_of(span, root) or (None if several else self._state_named(span, root))
        if canonical is not None:
            kind = "organization" if canonical in INTERNATIONAL_BODIES else "country"
            return self._keyed(f"{kind}:{canonical}", canonical, kind), kind, head

        kind, proper = self._classify(span, root, low, head)
        plural = kind == "group"
        if not proper and low.startswith(_DETERMINERS):
            known = self._nominal_antecedent(head, start, plural) or self._body_antecedent(kind, head) \
                or (self._described_as(span, head) if kind == "person" else None)
            if known is not None:
                return known, kind, head
        if kind == "group" and span is not None and len(span):
            names = self._conjoined_names(span.root)
            if names:
                # "President Obama and Hillary Clinton" ... "Obama and Clinton": the same people
                speaker = self._keyed("group:" + " and ".join(names), description(span), "group")
                return speaker, kind, head
        if proper:
            speaker = self._named(span, text, kind)
        else:
            speaker = self._described_speaker(span, text, low, kind, head)
        self._note_honorific(speaker, span)
        return speaker, kind, head

    def _affiliation_named(self, held: str) -> str:
        """An affiliation as the article names it in full: a person by the fullest name ("Trump"
        -> "Donald Trump"), a body by the organisation speaker whose name has its head word ("the
        campaign" -> "the Clinton campaign")."""
        people = self._person_names()
        if people.is_person(held) and held[:1].isupper():
            return people.fullest(held)
        words = held.lower().split()
        if len(words) == 2 and words[0] == "the" and words[1] in BODY_NOUNS:
            body = self._body_words.get(words[1])
            if body is not None:
                return body.name
        return held

    def _body_antecedent(self, kind: str, head: str) -> Speaker | None:
        """The speaker "the fund", "the poll" or "the study" refers back to: the last
        organisation whose name has the head word ("the International Monetary Fund"), or the
        last document of the same head or of the same family (a survey is a poll)."""
        if kind == "organization":
            return self._body_words.get(head)
        if kind == "document":
            return self._documents.get(head) or self._documents.get(_document_family(head))
        return None

    @staticmethod
    def _conjoined_names(root: Any) -> list[str]:
        """The sorted surnames of a mention that names several people or bodies, else []."""
        heads = [root, *(c for c in root.children if c.dep_ == "conj")]
        if len(heads) < 2 or any(t.pos_ != "PROPN" for t in heads):
            return []
        return sorted(t.lower_ for t in heads)

    def _relative_antecedent(self, pronoun: Any) -> Any | None:
        """The words of the noun a relative clause hangs on ("Bill Clinton, who said" -> "Bill
        Clinton"): the person it names, or the noun with what stands before it."""
        verb = pronoun.head
        if verb.dep_ != "relcl" or verb.head.i >= pronoun.i:
            return None
        noun = verb.head
        while noun.dep_ == "appos" and noun.head.i < noun.i:
            noun = noun.head  # "McConnell, now the Senate majority leader, who"
        held = ent_of(noun, [e for e in self._ents_near(noun) if e.label_ in {"PERSON", "ORG", "GPE", "NORP"}])
        if held is not None:
            return held
        return self.doc[noun.left_edge.i: noun.i + 1]

    def _antecedent(self, pronoun: str, before: int) -> _Mention | None:
        """The latest mention before ``before`` that the pronoun can refer to: one person for
        he/she (of its gender, when known), an organisation, country, medium or document for it,
        a group, organisation or state for they, any for I/we."""
        if pronoun in PRONOUNS_PERSON or pronoun in {"who", "whom"}:
            return self._gendered("person", pronoun, before)
        cls = "thing" if pronoun in PRONOUNS_THING | {"which"} else "plural" if pronoun in PRONOUNS_PLURAL else "any"
        found = self._last(cls, before)
        return self._mentions[found] if found is not None else None

    def _gendered(self, cls: str, pronoun: str, before: int) -> _Mention | None:
        """The latest person mention whose speaker's known gender does not contradict the
        pronoun, within _GENDER_LOOKBACK mentions of the class (else the latest)."""
        want = "m" if pronoun in PRONOUNS_MALE else "f" if pronoun in PRONOUNS_FEMALE else None
        starts, positions = self._classes.get(cls, ([], []))
        at = bisect.bisect_left(starts, before) if cls not in self._unordered else len(starts)
        first = None
        for k in range(at - 1, max(at - 1 - _GENDER_LOOKBACK, -1), -1):
            found = self._mentions[positions[k]]
            if found.span.start >= before:
                continue
            first = first or found
            if want is None or self._gender.get(found.speaker.id) in (None, want):
                return found
        return first

    def _note_gender(self, speaker: Speaker, pronoun: str) -> None:
        gender = "m" if pronoun in PRONOUNS_MALE else "f" if pronoun in PRONOUNS_FEMALE else None
        if gender is not None and speaker.type == "person":
            self._gender.setdefault(speaker.id, gender)

    def _note_honorific(self, speaker: Speaker, span: Any) -> None:
        if span is None or speaker.type != "person":
            return
        for tok in span:
            if tok.lower_ in HONORIFICS_MALE:
                self._gender.setdefault(speaker.id, "m")
            elif tok.lower_ in HONORIFICS_FEMALE:
                self._gender.setdefault(speaker.id, "f")

    def _nominal_antecedent(self, head: str, before: int, plural: bool) -> Speaker | None:
        """The speaker a definite nominal refers back to: the last with a role of the same head
        ("the president" after "President Barack Obama"), else the last mention of the nominal's
        group that agrees in number (a group for "the analysts", one speaker for "the analyst")."""
        if not plural and head in self._roles:
            return self._roles[head]
        group = _group(head)
        if group is None:
            return None
        found = self._last(f"group{NOMINAL_GROUPS.index(group)}", before)
        if found is None:
            return None
        speaker = self._mentions[found].speaker
        return speaker if (speaker.type == "group") == plural else None

    def _last(self, cls: str, before: int) -> int | None:
        """The last mention of class ``cls`` (``_add``) that starts before ``before``, as its
        position in ``_mentions``."""
        starts, positions = self._classes.get(cls, ([], []))
        if cls in self._unordered:
            return next((n for n in reversed(positions) if self._mentions[n].span.start < before), None)
        at = bisect.bisect_left(starts, before)
        return positions[at - 1] if at else None

    def _government_of(self, span: Any, root: Any) -> str | None:
        """The state whose government the mention names ("China's Foreign Ministry", "the
        Chinese government"): a government noun with a country before it."""
        if root is None or root.lemma_.lower() not in GOVERNMENT_NOUNS:
            return None
        for tok in span:
            if tok.i < root.i and tok.dep_ in {"poss", "compound", "amod", "nmod"}:
                state = COUNTRIES.get(_norm(tok.text)) or METONYMS.get(_norm(tok.text))
                if state is not None:
                    return state
        return None

    def _state_named(self, span: Any, root: Any) -> str | None:
        """The state whose name holds the mention's head ("China, Pyongyang's only ally")."""
        if root is None or root.ent_type_ != "GPE":
            return None
        held = ent_of(root, self._ents_in(span))
        return COUNTRIES.get(_norm(_strip_det(held.text))) if held is not None else None

    def _classify(self, span: Any, root: Any, low: str, head: str) -> tuple[str, bool]:
        """The speaker type a mention suggests, and whether it is a proper name."""
        if _norm(_strip_det(low)) in MEDIA_NAMES or low in MEDIA_NAMES:
            return "media", True
        if root is None:
            return "unknown", False
        if self._conjoined(root):
            states = all(t.ent_type_ == "GPE" for t in (root, *(c for c in root.children if c.dep_ == "conj")))
            # "Mr. Grassley and Mr. Leahy", "Obama, others"; "France and Germany" are states
            return ("country" if states else "group"), False
        ents = self._ents_in(span)
        plural = root.tag_ in _PLURAL_TAGS
        # "Presidential candidates Hillary Clinton and Donald Trump": the plural noun, not its apposition
        if (not plural or root.ent_type_ == "PERSON") and person_ent(span, ents) is not None \
                or self._person_like(span, root):
            return "person", True
        proper = root.pos_ == "PROPN" or bool(root.ent_type_)
        ent = root.ent_type_
        held = ent_of(root, ents)
        if held is not None and ent in {"GPE", "LOC", "NORP"} and len(held) == 1 \
                and self._org_names().is_initials(held.text):
            return "organization", True  # "the I.R.S." where the article names the Internal Revenue Service
        if root.tag_ == "NNPS" and (held is None or len(held) == 1):
            return "group", False  # "Ukrainians", "Democrats", whatever the entity label
        if ent == "NORP":
            if plural:
                return "group", False  # "Republicans", "Ukrainians": people, not a party
            return ("person", False) if low.startswith(_INDEFINITE) else ("organization", True)
        if ent in {"GPE", "LOC"}:
            return "country", True
        if ent in {"ORG", "FAC"}:
            return self._body(root, ents, self._org_names()), True
        if head in SPEAKER_MEDIA or root.lower_ in SPEAKER_MEDIA:
            return "media", False
        if head in SPEAKER_DOCUMENTS or root.lower_ in SPEAKER_DOCUMENTS:
            return "document", False  # "One Tweet"
        if head in GROUP_NOUNS or root.like_num or any(c.lower_ in _EVERYONE for c in root.children):
            return "group", False  # "Twelve percent", "any taxpayer"
        if plural:
            return ("country", False) if head in COUNTRY_NOUNS else ("group", False)
        if head in PERSON_NOUNS or head in KIN_NOUNS:
            return "person", False
        if head in COUNTRY_NOUNS - GOVERNMENT_NOUNS:
            return "country", False  # "the state", "the nation"
        if head in BODY_NOUNS:
            return "organization", False
        if proper:
            return self._body(root, ents, self._org_names()), True
        return "unknown", False

    @staticmethod
    def _body(root: Any, ents: list[Any], orgs: OrgNames) -> str:
        """An outlet ("the Tampa Bay Times", "Christian News Service", "CNS" where the article
        names it) or another organisation."""
        words = orgs.fullest(clean((ent_of(root, ents) or root).text)).lower().split() or [""]
        return "media" if words[-1] in MEDIA_NAME_WORDS or "news" in words else "organization"

    @staticmethod
    def _conjoined(root: Any) -> bool:
        """Whether a mention names several speakers ("Mr. Grassley and Mr. Leahy", "Craig Bryan
        and other scientists"), not one person by a description and a name ("his wife and
        current Democratic presidential nominee Hillary Clinton")."""
        if any(c.dep_ == "preconj" for c in root.children):
            return True  # "both President Obama and Republican presidential nominee Donald Trump"
        for conj in (c for c in root.children if c.dep_ == "conj"):
            described = {root.tag_, conj.tag_} == {"NN", "NNP"}
            if not described:
                return True
        return False

    def _person_like(self, span: Any, root: Any) -> bool:
        """Whether a proper name is a person's though no PERSON entity holds it: a surname the
        article gives a person elsewhere ("Springsteen"), a title or honorific before it ("Sen.
        Cruz", "Tulsa police Chief Chuck Jordan"), or a role in apposition ("Vann R. Newkirk II, a
        writer for The Atlantic")."""
        if root.pos_ != "PROPN":
            return False
        held = ent_of(root, self._ents_in(span)) if root.ent_type_ in {"GPE", "LOC"} else None
        if (held is None or len(held) == 1) and self._person_names().is_person(root.text):
            return True  # a surname, not the end of a place's name ("North Korea")
        if any(t.lower_ in TITLES and TITLES[t.lower_] for t in proper_chain(span)[:-1]):
            return True
        return any(c.dep_ == "appos" and c.lemma_.lower() in PERSON_NOUNS for c in root.children)

    def _named(self, span: Any, text: str, kind: str) -> Speaker:
        ents = self._ents_in(span)
        person = person_ent(span, ents) if kind == "person" and span is not None else None
        if kind == "person":
            if person is not None:
                name = untitled(clean(person.text))
            elif span is not None and len(span):
                name = untitled(clean("".join(t.text_with_ws for t in proper_chain(span))))
            else:
                name = untitled(clean(_strip_det(text)))
            name = self._person_names().fullest(name)
        else:
            held = ent_of(span.root, ents) if span is not None and len(span) else None
            name = clean(held.text if held is not None else _strip_det(text))
            if kind in {"organization", "media"}:
                name = self._org_names().fullest(name)
        tokens = _words(name)
        names = self._names.get(kind)
        # one surname, two first names: "Bill Clinton" is not "Hillary Clinton" (_Names.find)
        pos, by_words = names.find(tokens, kind == "person") if names is not None else (None, False)
        if names is not None and pos is not None:
            if by_words and len(tokens) > len(names.words[pos]):
                names.rename(pos, name)
            speaker = names.speakers[pos]
        else:
            speaker = self._new(name, kind)
        if kind == "person" and span is not None and len(span):
            self._describe_person(speaker, span, ents, person)
        return speaker

    def _describe_person(self, speaker: Speaker, span: Any, ents: list[Any], person: Any | None) -> None:
        """Fill in a named person's role and affiliation from a mention that gives them."""
        if person is None:
            chain = proper_chain(span)
            person = self.doc[chain[0].i: chain[-1].i + 1]
        role = person_role(span, person)
        if role is not None and role.split():
            speaker.role = speaker.role or role
            self._roles[role.split()[-1]] = speaker
        if speaker.affiliation is None:
            speaker.affiliation = affiliation(span, ents, person)

    def _person_before(self, at: int) -> Speaker | None:
        """The speaker of the last person the article names before offset ``at`` (a PERSON
        entity, source or not), found by bisection over the entities."""
        ents = self._all_ents()
        pos = bisect.bisect_left(self._ent_char_starts, at)
        for ent in reversed(ents[max(0, pos - _GENDER_LOOKBACK * 4):pos]):
            if ent.label_ == "PERSON" and ent.end_char <= at:
                return self._named(ent, ent.text, "person")
        return None

    def _described_as(self, span: Any, head: str) -> Speaker | None:
        """The person a definite description names by the role the article gives them elsewhere
        ("the GOP presidential nominee" after "Republican presidential nominee Donald Trump"):
        the one person whose role has the same last word ("nominee"; a candidate is a nominee)
        and whose party, if the description gives one, is the same."""
        want = _ROLE_HEADS.get(head, head)
        party = affiliation(span, self._ents_in(span))
        found = [(ent, held) for ent, (role, held) in self._described_ents().items()
                 if role is not None and _ROLE_HEADS.get(role.split()[-1], role.split()[-1]) == want
                 and (party is None or held == party)]
        if len({self._person_names().fullest(untitled(clean(ent.text))) for ent, _ in found}) != 1:
            return None
        ent = found[0][0]
        return self._named(ent, ent.text, "person")

    def _descriptions(self) -> dict[str, tuple[str | None, str | None]]:
        """The role and affiliation the article gives each person it names with a title or an
        apposition anywhere, source or not ("Republican presidential nominee Donald Trump" ->
        presidential nominee, the Republican Party), by the person's fullest name; the first
        mention that gives each wins. Read once per document, each from a window of at most
        _DESCRIPTION_TOKENS tokens around the name."""
        if self._described_people is not None:
            return self._described_people
        found: dict[str, tuple[str | None, str | None]] = {}
        people = self._person_names()
        for ent in self._all_ents():
            if ent.label_ != "PERSON":
                continue
            root = ent.root
            appos = any(c.dep_ == "appos" for c in root.children)
            if root.left_edge.i >= ent.start and not appos:
                continue
            span = self.doc[max(root.left_edge.i, ent.start - _DESCRIPTION_TOKENS):
                            min(root.right_edge.i + 1, ent.end + _DESCRIPTION_TOKENS)]
            if not (span.start <= root.i < span.end) or span.root.i != root.i:
                continue
            role = person_role(span, ent)
            held = affiliation(span, self._ents_in(span), ent)
            name = people.fullest(untitled(clean(ent.text)))
            was_role, was_held = found.get(name, (None, None))
            found[name] = (was_role or role, was_held or held)
            self._described_by_ent[ent] = (role, held)
        self._described_people = found
        return found

    def _described_ents(self) -> dict[Any, tuple[str | None, str | None]]:
        self._descriptions()
        return self._described_by_ent

    def _described_speaker(self, span: Any, text: str, low: str, kind: str, head: str) -> Speaker:
        """A speaker known by a description ("a senior U.S. official"), or the unnamed person an
        earlier description of the same head introduced ("A Time columnist" ... "a prominent
        columnist")."""
        ents = self._ents_in(span)
        if kind == "person" and low.startswith(_INDEFINITE) and not (set(low.split()) & _DISTINCT) \
                and not any(e.label_ in {"ORG", "GPE", "NORP"} for e in ents):
            earlier = self._described.get(head)
            if earlier is not None:
                return earlier
        name = description(span) if span is not None and len(span) else text
        if kind == "group" and head in _SHARES and span is not None and len(span):
            name = self._share_of(span, name)
        speaker = self._new(name, kind)
        if span is None or not len(span):
            return speaker
        speaker.affiliation = affiliation(span, ents)
        if kind == "document" and speaker.affiliation is None and low.startswith(_DETERMINERS):
            speaker.affiliation = self._document_author(span)
        if kind == "person":
            speaker.role = appositive_role(span.root)
            self._described.setdefault(head, speaker)
        speaker.anonymous = kind in {"person", "group"} and (head in ANONYMOUS_NOUNS or kind == "person"
                                                            and span.root.ent_type_ == "NORP")
        return speaker

    def _share_of(self, span: Any, name: str) -> str:
        """A share named with the people it is a share of ("46 percent" -> "46 percent of likely
        voters"): its own "of" phrase, else the sentence's "among" phrase ("Among likely voters
        in a four-way race, 46 percent ..."), else the last population an earlier share gave."""
        root = span.root
        own = next((c for c in root.children if c.dep_ == "prep" and c.lower_ in {"of", "among"}), None)
        before = self.doc[max(span.sent.start, span.start - _AUTHOR_TOKENS): span.start]  # bounded look-back
        among = own or next((t for t in before if t.lower_ == "among" and t.dep_ == "prep"), None)
        obj = next((c for c in among.children if c.dep_ == "pobj"), None) if among is not None else None
        if obj is not None:
            words = [t for t in obj.subtree if t.i <= obj.i]  # "likely voters", not "in a four-way race"
            self._population = "".join(t.text_with_ws for t in words).strip()
            if own is not None:
                return name
        return f"{name} of {self._population}" if self._population else name

    def _document_author(self, span: Any) -> str | None:
        """Whose document "the plan" is when the article introduced it a little earlier as what
        someone made ("China's Foreign Ministry released a twelve-point framework ... The plan
        also stressed"): that noun's possessor, or the subject of the verb it is the object of."""
        if self._document_nouns is None:
            self._document_nouns = [t.i for t in self.doc if t.pos_ == "NOUN" and t.lemma_.lower() in SPEAKER_DOCUMENTS]
        at = bisect.bisect_left(self._document_nouns, span.start)
        if not at:
            return None
        noun = self.doc[self._document_nouns[at - 1]]
        if span.sent.start - noun.sent.start > _AUTHOR_TOKENS:
            return None
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        if owner is None and noun.dep_ == "dobj":
            owner = next((c for c in noun.head.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if owner is None or owner.pos_ == "PRON":
            return None
        words = self.doc[owner.left_edge.i: owner.i + 1]
        return self._government_of(words, owner) or affiliation_text(words)

    def _org_names(self) -> OrgNames:
        if self._orgs is None:
            self._orgs = OrgNames(self._all_ents())
        return self._orgs

    def _person_names(self) -> PersonNames:
        if self._people is None:
            self._people = PersonNames(self._all_ents())
        return self._people

    # -- bookkeeping ---------------------------------------------------------------------

    def _all_ents(self) -> list[Any]:
        if self._ents is None:
            self._ents = list(self.doc.ents)
            self._ent_starts = [e.start for e in self._ents]
            self._ent_char_starts = [e.start_char for e in self._ents]
        return self._ents

    def _ents_near(self, token: Any) -> list[Any]:
        """The entities that start at most 8 tokens before ``token`` and end after it."""
        ents = self._all_ents()
        at = bisect.bisect_right(self._ent_starts, token.i)
        return [e for e in ents[max(0, at - 8):at] if e.end > token.i]

    def _ents_in(self, span: Any) -> list[Any]:
        """``span.ents`` (the entities from the span's start that end inside it, in order), found by
        bisection: ``span.ents`` builds all the doc's entities on every call, which made this step
        quadratic on 7,000 "X said no." sentences (22 s at 100,000 characters)."""
        if span is None:
            return []
        ents = self._all_ents()
        out = []
        for ent in ents[bisect.bisect_left(self._ent_starts, span.start):]:
            if ent.end > span.end:
                break
            out.append(ent)
        return out

    def _new(self, name: str, kind: str, mergeable: bool = True) -> Speaker:
        """A new speaker; ``mergeable``: later names may merge with it (rule 5), up to MAX_SPEAKERS
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
        if speaker.type == "organization":
            for word in _words(speaker.name)[-3:]:
                self._body_words[word] = speaker
        elif speaker.type == "document":
            self._documents[head] = self._documents[_document_family(head)] = speaker
        position = len(self._mentions) - 1
        classes = ["any"]
        if kind == "person":
            classes.append("person")
        if kind in _THING_KINDS:
            classes.append("thing")
        if kind in _PLURAL_KINDS:
            classes.append("plural")
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
