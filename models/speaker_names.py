"""How a speaker is written down: the name a reader files it under, its role and its affiliation.

Read from the parse of one source mention ("The company's chief executive, John Park" -> name
"John Park", role "chief executive", affiliation "the company") and, for people, from the whole
article: a surname alone takes the fullest form the article gives ("Trump" -> "Donald Trump",
even where "Donald Trump" is never a source). The grouping of mentions is models/speakers.py's.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .lexicon import (
    BODY_NOUNS,
    COUNTRIES,
    EVALUATIVE,
    GROUP_NOUNS,
    MORE_COUNTRIES,
    NAME_SUFFIXES,
    PARTIES,
    PARTY_NOUNS,
    ROLE_DROPPED,
    ROLE_WORDS,
    TITLES,
)

_NAMED = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"}
_CUT_DEPS = {"relcl", "acl", "appos", "advcl", "parataxis"}
_AFFILIATION_PREPS = {"for", "of", "at", "with", "to", "from", "in"}
# a role "to" a place that names the host, not the sender ("U.S. ambassador to Burma")
_HOSTED_ROLES = {"ambassador", "envoy"}
# words of a role kept when a name follows them ("a former Democratic National Committee chairman")
_KEPT_ACROSS = {"former", "retired", "ex", "outgoing", "acting", "interim"}
_LOWERED = {"DET", "ADJ", "NUM", "ADV", "PRON"}  # sentence-initial words written lower case inside
_PARTY_CODE = re.compile(r"\(\s*([RD])\s*[-–,]")


def clean(text: str) -> str:
    """``text`` with its spacing normalised and a trailing possessive or punctuation dropped
    ("Donald Trump’s" -> "Donald Trump"; "GOP's" -> "GOP")."""
    text = " ".join(text.replace("\u00a0", " ").split())
    text = re.sub(r"[’']s?$", "", text) if re.search(r"\w[’']s?$", text) else text
    return text.strip(" ,;:-–—(")


def surname_words(name: str) -> list[str]:
    """The lower-case words of a person's name without a suffix ("Joseph R. Biden Jr." ->
    [joseph, r., biden])."""
    words = name.lower().replace("’", "'").split()  # "O’Neill" is "O'Neill"
    while len(words) > 1 and words[-1] in NAME_SUFFIXES:
        words.pop()
    return words


def untitled(name: str) -> str:
    """A person's name without the titles and honorifics before it ("Gov. Chris Christie" ->
    "Chris Christie"), in title case when the article shouts it ("WALLACE" -> "Wallace")."""
    words = name.split()
    while len(words) > 1 and words[0].lower() in TITLES:
        words.pop(0)
    name = " ".join(words)
    if name.isupper() and any(c.isalpha() for c in name):
        name = " ".join(w.capitalize() for w in name.split())
    return name


class PersonNames:
    """The people the article names (its PERSON entities), to give a surname its full name.

    Built once per document from its entities; each look-up is one dict access, so resolution
    stays linear in the mentions however many people share a surname.
    """

    def __init__(self, ents: list[Any]) -> None:
        self.by_first_last: dict[tuple[str, str], str] = {}
        self.surnames: set[str] = set()
        counts: dict[str, Counter[str]] = {}
        first_seen: dict[str, str] = {}
        for ent in ents:
            if ent.label_ != "PERSON":
                continue
            name = untitled(clean(ent.text))
            words = surname_words(name)
            if not words or not any(c.isalpha() for c in words[-1]):
                continue
            self.surnames.add(words[-1])
            if len(words) < 2:
                continue
            # the first full form the article gives is the one it introduces the person with
            self.by_first_last.setdefault((words[0], words[-1]), name)
            counts.setdefault(words[-1], Counter())[words[0]] += 1
            first_seen.setdefault(words[-1] + " " + words[0], name)
        # a surname alone: the person of that surname the article names most often
        self.by_last = {last: first_seen[last + " " + c.most_common(1)[0][0]] for last, c in counts.items()}

    def is_person(self, name: str) -> bool:
        words = surname_words(clean(name))
        return bool(words) and words[-1] in self.surnames

    def fullest(self, name: str) -> str:
        """The article's full form of ``name`` ("Trump" -> "Donald Trump"), or ``name``."""
        words = surname_words(name)
        if not words:
            return name
        if len(words) == 1:
            return self.by_last.get(words[0], name)
        return self.by_first_last.get((words[0], words[-1]), name)


class OrgNames:
    """The organisations the article names (its ORG entities), to give an acronym or a short
    name its full form ("IMF" -> "International Monetary Fund"; "the Supreme Court" -> "the U.S.
    Supreme Court"). Built once per document; each look-up is one dict access."""

    def __init__(self, ents: list[Any]) -> None:
        self.by_initials: dict[str, str] = {}
        self.by_ending: dict[tuple[str, ...], str] = {}
        for ent in ents:
            if ent.label_ != "ORG":
                continue
            name = clean(ent.text)
            words = name.split()
            if len(words) < 2:
                continue
            self.by_initials.setdefault(initials(words), name)
            ending = tuple(w.lower() for w in words[-2:])
            if len(words) > len(self.by_ending.get(ending, "").split()):
                self.by_ending[ending] = name

    def is_initials(self, name: str) -> bool:
        """Whether ``name`` is the acronym of an organisation the article names ("I.R.S.")."""
        letters = re.sub(r"[.&]", "", name)
        return 2 <= len(letters) <= 6 and letters.isupper() and letters.isalpha() and letters in self.by_initials

    def fullest(self, name: str) -> str:
        words = name.split()
        if len(words) == 1:
            letters = re.sub(r"[.&]", "", words[0])
            if 2 <= len(letters) <= 6 and letters.isupper() and letters.isalpha():
                return self.by_initials.get(letters, name)
            return name
        longer = self.by_ending.get(tuple(w.lower() for w in words[-2:]))
        if longer is None:
            return name
        low = [w.lower() for w in words if w.lower() != "the"]
        other = [w.lower() for w in longer.split()]
        return longer if len(other) > len(low) and other[-len(low):] == low else name


def initials(words: list[str]) -> str:
    """The acronym of a name ("Securities and Exchange Commission" -> "SEC")."""
    return "".join(w[0].upper() for w in words if w[:1].isupper() and w.lower() not in {"the", "of", "and", "for"})


def ent_of(token: Any, ents: list[Any]) -> Any | None:
    """The entity among ``ents`` that holds ``token``."""
    return next((e for e in ents if e.start <= token.i < e.end), None)


def person_ent(span: Any, ents: list[Any]) -> Any | None:
    """The PERSON entity a mention names: the one that holds its head, else the one in apposition
    to its head ("The company's chief executive, John Park"), else None (the mention describes)."""
    people = [e for e in ents if e.label_ == "PERSON"]
    if not people or span is None or not len(span):
        return None
    root = span.root
    held = ent_of(root, people)
    if held is not None:
        return held
    for child in root.children:
        if child.dep_ == "appos":
            held = ent_of(child, people)
            if held is not None:
                return held
    return None


def proper_chain(span: Any) -> list[Any]:
    """The run of proper nouns that ends at the mention's head ("Tulsa police Chief Chuck
    Jordan" -> Chief Chuck Jordan)."""
    root = span.root
    chain = [root]
    for tok in reversed(span[: root.i - span.start]):
        joined = not tok.whitespace_  # "Jean-Marc": the hyphen belongs to the name
        if tok.pos_ != "PROPN" and tok.lower_ not in TITLES and not joined:
            break
        chain.insert(0, tok)
    return chain


def description(span: Any) -> str:
    """The name of a speaker known by a description: its words without the clauses, appositions
    and participles that hang on it, up to the first comma after its head ("A Government
    Accountability Office report released last year" -> "a Government Accountability Office
    report"; "Critics of the program, like Senator X," -> "critics of the program")."""
    root = span.root
    cut: set[int] = set()
    for tok in span:
        if tok.dep_ in _CUT_DEPS and tok.i != root.i and tok.head.i >= span.start:
            cut.update(t.i for t in tok.subtree)
    words = []
    for tok in span:
        if tok.i > root.i and tok.text in {",", ";", "(", "—", "–"}:
            break
        if tok.i not in cut:
            words.append(tok)
    while len(words) > 1 and words[0].pos_ in {"ADP", "SCONJ", "CCONJ"}:
        words.pop(0)  # "As many tax experts, including ..."
    text = "".join(t.text_with_ws for t in words).strip()
    return sentence_case(clean(text), span[0]) or span.text


def sentence_case(text: str, first: Any) -> str:
    """``text`` with its first letter lowered where only the sentence start raised it ("Many
    Democrats" -> "many Democrats"; "A Time columnist" -> "a Time columnist")."""
    if not text or not (first.i == 0 or first.is_sent_start) or first.pos_ not in _LOWERED or first.ent_type_ \
            or len(first.text) > 1 and first.text.isupper():
        return text
    return text[0].lower() + text[1:]


def role_words(tokens: list[Any]) -> str | None:
    """A role from the words of a title or a description, without names, places, parties and
    praise ("Trump campaign spokesman" -> "spokesman"; "a senior U.S. official" -> "senior
    official"; "Gov." -> "governor"; "PolitiFact Executive Director" -> "executive director")."""
    out: list[str] = []
    for tok in tokens:
        low = tok.lower_
        if tok.is_space or not tok.text.strip():
            continue  # a line break inside the title ("Gov.\nChris Christie")
        if tok.ent_type_ in _NAMED or tok.pos_ in {"DET", "PUNCT", "NUM", "PRON", "PART"}:
            if out and tok.pos_ != "PUNCT":
                # "Trump campaign spokesman": what came before the name is not the role, but
                # "a former Democratic National Committee chairman" is still a former one
                out = [w for w in out if w in _KEPT_ACROSS]
            continue
        if low in EVALUATIVE or low in ROLE_DROPPED or tok.dep_ == "poss" or _names_a_body(tok):
            continue
        if tok.pos_ == "PROPN" and low not in TITLES and low not in ROLE_WORDS:
            continue
        word = TITLES.get(low, low)
        if word:
            out.append(word)
    while out and out[-1] in {"former", "vice", "first", "prime"}:
        out.pop()
    return " ".join(out) or None


def _names_a_body(tok: Any) -> bool:
    """Whether a noun of a title is a body with its name before it ("Trump campaign" in "Trump
    campaign spokesman"): the body is the affiliation, not part of the role."""
    if tok.dep_ != "compound" or tok.lemma_.lower() not in BODY_NOUNS or tok.i == 0:
        return False
    # the name hangs on the noun, or is the word before it ("Trump" may hang on "spokesman")
    names = [c for c in tok.children if c.dep_ == "compound" and (c.ent_type_ in _NAMED or c.pos_ == "PROPN")]
    before = tok.doc[tok.i - 1]
    if before.ent_type_ in {"PERSON", "ORG"}:
        names.append(before)
    return any(n.lower_ not in TITLES and n.lower_ not in ROLE_WORDS for n in names)


def title_role(span: Any, name_start: int) -> str | None:
    """The role in the title before a name ("Ukrainian President Volodymyr Zelensky" ->
    "president"; "New Jersey Gov. Chris Christie" -> "governor"). An abbreviated title after a
    fuller one gives way to it ("Republican vice-presidential nominee Gov. Mike Pence" ->
    "vice-presidential nominee")."""
    before = [t for t in span if t.i < name_start]
    run: list[Any] = []
    for tok in reversed(before):
        if tok.pos_ in {"DET", "PUNCT"} or tok.dep_ == "poss" or tok.lower_ in {"'s", "’s"}:
            break
        run.insert(0, tok)
    fuller = [t for t in run if not (t.lower_.endswith(".") and t.lower_ in TITLES)]
    return (role_words(fuller) if len(fuller) < len(run) else None) or role_words(run)


def appositive_role(noun: Any) -> str | None:
    """The role a description gives ("a spokesman for the campaign" -> "spokesman"; "chief
    executive" -> "chief executive"; "secretary of state" -> "secretary of state")."""
    left = [t for t in noun.lefts if t.dep_ in {"amod", "compound", "nmod"}]
    tokens = [t for t in noun.subtree if t.i < noun.i and any(t.i in {x.i for x in a.subtree} for a in left)]
    role = role_words([*tokens, noun])
    if role is None:
        return None
    for prep in noun.rights:
        if prep.dep_ == "prep" and prep.lower_ in {"of", "for"}:
            words = list(prep.subtree)
            if all(not t.ent_type_ and (t.is_lower or t.is_punct) for t in words) and len(words) <= 4 \
                    and not any(t.lemma_.lower() in BODY_NOUNS for t in words):
                role += " " + " ".join(t.lower_ for t in words)
            break
    return role


def has_body(noun: Any) -> bool:
    """Whether a role names the body it is held in ("head of the Congressional Black Caucus")."""
    return any(p.dep_ == "prep" and p.lower_ in {"of", "for", "at"} and any(
        o.dep_ == "pobj" and (o.ent_type_ in {"ORG", "NORP"} or o.lemma_.lower() in BODY_NOUNS) for o in p.children)
        for p in noun.rights)


def person_role(span: Any, person: Any) -> str | None:
    """A named person's role in a mention: the title before the name, unless an apposition gives
    a role in a body ("Rep. G.K. Butterfield (D-N.C.), head of the Congressional Black Caucus" is
    its head), else the apposition's ("The company's chief executive, John Park")."""
    root = span.root
    noun = root if not (person.start <= root.i < person.end) else \
        next((c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"), None)
    titled = None if noun is not None and has_body(noun) else title_role(span, person.start)
    return titled or (appositive_role(noun) if noun is not None else None) or title_role(span, person.start)


def affiliation(span: Any, ents: list[Any], name: Any | None = None) -> str | None:
    """The organisation, state or party a speaker speaks for, as the mention gives it, in this
    order: a party as the description's noun ("Senator Dianne Feinstein, Democrat of California");
    a possessor ("China's Foreign Ministry" -> China); a phrase after the role ("a spokesman for
    the Trump campaign", "head of the Congressional Black Caucus"); a party code ("(R-Utah)"); a
    body, place or party named before the role ("a senior U.S. official" -> United States; "Trump
    campaign spokesman" -> the Trump campaign; "a Democratic strategist"). ``name``: the words of
    the speaker's own name, never its affiliation."""
    if span is None or not len(span):
        return None
    skip = set(range(name.start, name.end)) if name is not None else set()
    for tok in span:
        if tok.i not in skip and tok.lower_ in PARTY_NOUNS and tok.tag_ in {"NN", "NNP"} \
                and tok.dep_ not in {"amod", "compound"}:
            return PARTIES[tok.lower_]
    for tok in span:
        if tok.i in skip:
            continue
        if tok.dep_ == "poss" and tok.pos_ != "PRON":
            return affiliation_text([t for t in tok.subtree if t.i not in skip])
        if tok.dep_ == "prep" and tok.lower_ in _AFFILIATION_PREPS and _role_head(tok.head, span, skip) \
                and not (tok.lower_ == "to" and tok.head.lower_ in _HOSTED_ROLES):
            obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if obj is not None and (obj.ent_type_ in {"ORG", "GPE", "NORP"} or obj.pos_ == "PROPN"
                                    or obj.lemma_.lower() in BODY_NOUNS):
                return _object_text(obj, ents)
    code = _PARTY_CODE.search(span.text)
    if code is not None:
        return PARTIES[code.group(1).lower()]
    for ent in ents:
        if ent.start in skip or ent.label_ not in {"ORG", "GPE", "NORP", "PERSON"}:
            continue
        body = ent.doc[ent.end] if ent.end < len(ent.doc) else ent.root
        if ent.label_ in {"PERSON", "ORG"} and _names_a_body(body) and body.i not in skip:
            return f"the {clean(ent.text)} {body.lower_}"  # "a Trump campaign spokesman"
        body = ent.root.head
        if ent.label_ == "PERSON":
            if ent.root.dep_ != "compound" or body.i in skip:
                continue
            return clean(ent.text)  # "Trump lawyer Marc Kasowitz" -> Trump
        party = PARTIES.get(ent.text.lower())
        if party is not None:
            return party
        return state_or_text(ent.text)
    for tok in span:
        if tok.i not in skip and (tok.lower_ in COUNTRIES or tok.lower_ in MORE_COUNTRIES):
            return COUNTRIES.get(tok.lower_) or MORE_COUNTRIES[tok.lower_]
    return None


def _role_head(noun: Any, span: Any, skip: set[int]) -> bool:
    """Whether a preposition hangs on the speaker or its role ("head of the caucus", "a
    spokesman for the campaign"), not on a word further in ("an advocate for human rights in
    Burma"; "a group of Republicans", a quantity)."""
    if noun.lemma_.lower() in GROUP_NOUNS:
        return False
    return noun.i == span.root.i or noun.i in skip or noun.dep_ in {"appos", "conj", "attr"} \
        or noun.lemma_.lower() in ROLE_WORDS


def _object_text(obj: Any, ents: list[Any]) -> str:
    """The body a preposition's object names: the entity that holds it, with its "the" ("the
    Brussels-based Egmont Foundation" -> "the Egmont Foundation"), else its words without clauses,
    appositions or lower-case phrases after it ("Iraq and Afghanistan Veterans of America", "the
    campaign")."""
    cut: set[int] = set()
    for tok in obj.subtree:
        if tok.i <= obj.i or tok.i in cut:
            continue
        lower_prep = tok.dep_ == "prep" and not any(c.pos_ == "PROPN" for c in tok.children)
        if tok.dep_ in _CUT_DEPS or lower_prep or tok.text in {",", ";", "(", "—", "–"}:
            cut.update(t.i for t in tok.subtree)
    words = [t for t in obj.subtree if t.i not in cut]
    held = ent_of(obj, ents)
    if held is not None and all(held.start <= t.i < held.end for t in words if t.pos_ == "PROPN"):
        text = clean(held.text)
        det = obj.left_edge.lower_ == "the" and obj.left_edge.i < held.start
        return state_or_text(("the " if det and not text.lower().startswith("the ") else "") + text)
    words = [t for t in words if not (t.i < obj.i and t.dep_ == "amod" and t.is_lower)]
    return state_or_text(sentence_case("".join(t.text_with_ws for t in words), words[0]))


def state_or_text(text: str) -> str:
    """A country's name for its words or demonym ("U.S." -> "United States"), else ``text``
    as written, without a possessive."""
    text = clean(text)
    low = text.lower()
    bare = re.sub(r"^the ", "", low)
    return COUNTRIES.get(low) or COUNTRIES.get(bare) or MORE_COUNTRIES.get(low) or MORE_COUNTRIES.get(bare) or text


def affiliation_text(span: Any) -> str:
    """The words of a speaker's affiliation as a reader writes them ("the company", "China")."""
    words = [t for t in span if t.dep_ != "case"]
    if not words:
        return clean("".join(t.text_with_ws for t in span))
    return state_or_text(sentence_case("".join(t.text_with_ws for t in words), words[0]))
