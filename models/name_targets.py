"""Targets that are people: where a document refers to "Donald Trump" without writing his name.

A target written as a person's name ("Donald Trump", "Hillary Clinton") is matched as an entity,
not as a string. In one document it is referred to by:

* its surname or first name alone ("Trump", "Hillary"), but not inside another person's name
  ("Bill Clinton", "Ivanka Trump");
* a title the document attaches to the name ("Democratic nominee Hillary Clinton", "Donald Trump,
  the Republican nominee" make "the Democratic nominee" and "the Republican nominee" mentions);
* a third-person pronoun whose nearest earlier person, of a compatible gender, is the target
  (gender is learnt from the document: the pronouns that follow a person in its own sentence);
* the first person ("I", "my", "we") in a claim whose speaker is the target.

``refers`` returns the token indices of a document that refer to the target; the stance step keeps
the claims that hold one of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours"})
# words that may stand before a surname without making it another person's name
_TITLES = frozenset(
    """
    mr mr. mrs mrs. ms ms. dr dr. sen sen. senator rep rep. gov gov. president secretary nominee
    candidate candidates rival opponent mogul billionaire businessman madam
    """.split()
)
# how far back (in tokens) a pronoun looks for its person
PRONOUN_WINDOW = 120


@dataclass(frozen=True)
class NameTarget:
    """A target that names a person: its lowercase name words."""

    words: tuple[str, ...]

    @property
    def surname(self) -> str:
        return self.words[-1]

    @property
    def first(self) -> str | None:
        return self.words[0] if len(self.words) > 1 else None


def name_target(target_doc: Any) -> NameTarget | None:
    """A NameTarget when the parsed target phrase is a person's name of two or more words."""
    words = [t for t in target_doc if not (t.is_punct or t.is_space)]
    if len(words) < 2 or len(words) > 4:
        return None
    person = any(e.label_ == "PERSON" and e.end - e.start == len(target_doc) for e in target_doc.ents)
    proper = all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words)
    if not (person or proper):
        return None
    return NameTarget(tuple(t.lower_.rstrip(".") for t in words))


def _name_hits(doc: Any, target: NameTarget) -> list[tuple[int, int]]:
    """(start, end) token ranges where the document writes the target's name or part of it."""
    hits = []
    n = len(target.words)
    i = 0
    while i < len(doc):
        tok = doc[i]
        low = tok.lower_
        if [t.lower_ for t in doc[i:i + n]] == list(target.words):
            hits.append((i, i + n))
            i += n
            continue
        if low == target.surname and tok.text[:1].isupper():
            prev = doc[i - 1] if i > 0 else None
            if (prev is not None and i >= 2 and _initial(prev.text) and target.first is not None
                    and doc[i - 2].lower_ == target.first):
                hits.append((i - 2, i + 1))  # "Donald J. Trump"
                i += 1
                continue
            other_first = (prev is not None and prev.pos_ == "PROPN" and prev.text[:1].isupper()
                           and prev.lower_ not in _TITLES and prev.lower_ != target.first)
            if not other_first:
                hits.append((i, i + 1))
        elif target.first is not None and low == target.first and tok.text[:1].isupper():
            nxt = doc[i + 1] if i + 1 < len(doc) else None
            other_last = nxt is not None and nxt.pos_ == "PROPN" and nxt.text[:1].isupper()
            if not other_last:
                hits.append((i, i + 1))
        i += 1
    return hits


def _initial(text: str) -> bool:
    """A middle initial: "J." (or "J" before the surname)."""
    return len(text.rstrip(".")) == 1 and text[:1].isupper()


def _titles(doc: Any, hits: list[tuple[int, int]]) -> set[tuple[str, ...]]:
    """Lowercase title phrases the document attaches to the name: the words before the name in its
    noun phrase ("Democratic nominee Hillary Clinton") or an apposition after it ("Donald Trump,
    the Republican nominee,")."""
    out: set[tuple[str, ...]] = set()
    for start, end in hits:
        head = doc[end - 1]
        before = [t for t in head.lefts if t.i < start and t.dep_ in {"compound", "amod", "nmod"}]
        if before:
            words = [t.lower_ for t in doc[min(t.left_edge.i for t in before):start]
                     if not t.is_punct and t.pos_ != "DET"]
            if words and any(t.pos_ == "NOUN" for t in doc[before[0].left_edge.i:start]):
                out.add(tuple(words))
        for child in head.rights:
            if child.dep_ == "appos" and child.pos_ == "NOUN":
                words = [t.lower_ for t in doc[child.left_edge.i:child.i + 1]
                         if not t.is_punct and t.pos_ != "DET"]
                if words:
                    out.add(tuple(words))
    # a bare head noun ("nominee") alone is too vague to stand for one person
    return {t for t in out if len(t) >= 2}


def _title_hits(doc: Any, titles: set[tuple[str, ...]], taken: set[int]) -> list[int]:
    """Token indices of "the <title>" written without the name."""
    out = []
    for title in titles:
        n = len(title)
        for i in range(1, len(doc) - n + 1):
            if doc[i - 1].lower_ != "the" or i in taken:
                continue
            if tuple(t.lower_ for t in doc[i:i + n]) != title:
                continue
            nxt = doc[i + n] if i + n < len(doc) else None
            if nxt is not None and nxt.pos_ == "PROPN":
                continue  # "the Republican nominee Donald Trump": the name is already counted
            out.append(i + n - 1)
    return out


def _persons(doc: Any, target_tokens: set[int]) -> list[tuple[int, str]]:
    """Every person mention in token order as (last token index, key); the target's key is ""."""
    out: list[tuple[int, str]] = [(i, "") for i in target_tokens]
    for ent in doc.ents:
        if ent.label_ != "PERSON" or any(i in target_tokens for i in range(ent.start, ent.end)):
            continue
        out.append((ent.end - 1, ent[-1].lower_))
    return sorted(out)


def _genders(doc: Any, persons: list[tuple[int, str]]) -> dict[str, str]:
    """A person's gender as the document's pronouns show it: in a sentence with one person before
    a subject pronoun, or a possessive in a subject ("Hillary said her plan works"), the pronoun
    votes for that person. Other pronouns vote for nobody: in "Bill Clinton campaigned for her" and
    "Clinton dismissed his remarks" they are someone else."""
    votes: dict[str, Counter] = {}
    if not persons:
        return {}
    # each token's sentence start, in one pass: ``tok.sent`` scans the whole sentence per call,
    # quadratic in one huge sentence
    sent_start: list[int] = []
    for tok in doc:
        sent_start.append(tok.i if tok.is_sent_start or tok.i == 0 else sent_start[-1])
    by_sentence: dict[int, list[tuple[int, str]]] = {}
    for i, key in persons:
        by_sentence.setdefault(sent_start[i], []).append((i, key))
    for tok in doc:
        low = tok.lower_
        subject = tok.dep_ in {"nsubj", "nsubjpass"} or tok.dep_ == "poss" and tok.head.dep_ == "nsubj"
        if low not in _MALE and low not in _FEMALE or not subject:
            continue
        before = {key for i, key in by_sentence.get(sent_start[tok.i], []) if i < tok.i}
        if len(before) == 1:
            votes.setdefault(before.pop(), Counter())["m" if low in _MALE else "f"] += 1
    return {key: c.most_common(1)[0][0] for key, c in votes.items()}


def refers(doc: Any, target: NameTarget) -> set[int]:
    """Token indices in ``doc`` that refer to the target (name, title or pronoun)."""
    hits = _name_hits(doc, target)
    tokens = {end - 1 for _, end in hits}
    tokens |= set(_title_hits(doc, _titles(doc, hits), tokens))
    persons = _persons(doc, tokens)
    genders = _genders(doc, persons)
    mine = genders.get("")
    k = 0
    for tok in doc:
        while k < len(persons) and persons[k][0] < tok.i:
            k += 1
        low = tok.lower_
        if low not in _MALE and low not in _FEMALE:
            continue
        gender = "m" if low in _MALE else "f"
        for j in range(k - 1, -1, -1):
            i, key = persons[j]
            if tok.i - i > PRONOUN_WINDOW:
                break
            g = genders.get(key)
            if g is not None and g != gender:
                continue
            if key == "" and (mine is None or mine == gender):
                tokens.add(tok.i)
            break
    return tokens


def is_target_speaker(target: NameTarget, speaker_names: set[str] | None) -> bool:
    """Does the claim's speaker (its lowercase names) stand for the target?"""
    if not speaker_names:
        return False
    return any(_names_target(name, target) for name in speaker_names)


def _names_target(name: str, target: NameTarget) -> bool:
    """Is ``name`` (lowercase) the target: its surname, with only titles, initials or the target's
    own first and middle names before it ("mrs. clinton", "donald j. trump"; not "bill clinton")."""
    words = [w.strip(",;:") for w in name.split()]
    if not words or words[-1].removesuffix("'s").removesuffix("’s") != target.surname:
        return False
    return all(w in _TITLES or w.rstrip(".") in target.words or len(w.rstrip(".")) == 1 for w in words[:-1])


SIDES = ("self", "ally", "rival")


def speaker_side(target: NameTarget, speaker_names: set[str] | None, others: Sequence[NameTarget] = ()) -> str | None:
    """Where a claim's speaker stands to a person target, by its names alone: "self" when the
    speaker is the target; "ally" when a name or description of the speaker holds the target's
    surname ("Clinton campaign manager Robby Mook", "a top Trump surrogate", affiliation "Trump
    campaign"); "rival" when the speaker is, or is described by, another person target of the same
    request and not this one; otherwise None. The stance step weighs each side's labels by how
    often annotators gave them (``side_weights`` in the stance model's metrics.json)."""
    if not speaker_names:
        return None
    if is_target_speaker(target, speaker_names):
        return "self"
    words = {w.strip(".,;:'\u2019").removesuffix("'s").removesuffix("\u2019s")
             for name in speaker_names for w in name.split()}
    if target.surname in words:
        return "ally"
    if any(o.surname != target.surname and (is_target_speaker(o, speaker_names) or o.surname in words) for o in others):
        return "rival"
    return None


def own_pronouns(span: Any, refs: set[int]) -> list[Any]:
    """In a reported claim whose speaker is the target, the third-person pronouns that stand for
    the speaker ("Trump said he would win": "he"): those of the target's gender, as the pronouns
    already linked to it in the document show it, with no other person named before them in the
    claim. Direct quotes are left out by the caller (there "he" is someone else)."""
    doc = span.doc
    male = sum(doc[i].lower_ in _MALE for i in refs)
    female = sum(doc[i].lower_ in _FEMALE for i in refs)
    if male == female:
        return []
    own = _MALE if male > female else _FEMALE
    out = []
    for tok in span:
        if tok.ent_type_ == "PERSON" and tok.i not in refs:
            break  # someone else is named: later pronouns may be theirs
        if tok.lower_ in own:
            out.append(tok)
    return out


_POSSESSIVE = frozenset({"his", "hers"})


def with_names(doc: Any, start: int, end: int, refs: set[int], target: NameTarget) -> str:
    """The text ``doc.text[start:end]`` with the pronouns that refer to the target written as its
    surname ("he lied" -> "Trump lied", "her emails" -> "Clinton's emails"), so a classifier that
    reads the claim alone knows who it is about. Other characters are kept as they are."""
    text = doc.text
    surname = target.surname.capitalize()
    out, pos = [], start
    for tok in doc.char_span(start, end, alignment_mode="expand") or ():
        if tok.i not in refs or (tok.lower_ not in _MALE and tok.lower_ not in _FEMALE):
            continue
        if tok.idx < pos or tok.idx + len(tok.text) > end:
            continue
        possessive = tok.lower_ in _POSSESSIVE or tok.lower_ == "her" and tok.dep_ == "poss"
        out += [text[pos:tok.idx], surname + ("'s" if possessive else "")]
        pos = tok.idx + len(tok.text)
    out.append(text[pos:end])
    return "".join(out)


SPEAKER_WORDS = 15  # a longer mention is a clause, not a description of the speaker


def speaker_label(speaker: Any, mode: str) -> str:
    """How a speaker-aware stance model sees the speaker: ``mode`` "name" gives the resolved name
    ("Jason Miller"); "description" the longest of its mentions, which keeps the role and side a
    reader sees ("Trump campaign spokesman Jason Miller"), when it has at most SPEAKER_WORDS words."""
    if mode != "description":
        return str(speaker.name)
    best = max((" ".join(m.text.split()) for m in speaker.mentions), key=lambda t: len(t.split()), default="")
    best = best.rstrip(",;: ")
    return best if best and len(best.split()) <= SPEAKER_WORDS and len(best) > len(speaker.name) else str(speaker.name)


def speaker_input(speaker: str | None, claim: str) -> str:
    """What a speaker-aware stance model reads: "<speaker>: <claim>" (the claim alone without one)."""
    return f"{speaker}: {claim}" if speaker else claim
