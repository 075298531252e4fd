"""Where a text names the target and says outright what it wants done with it.

Two helpers for the stance step, both working on a spaCy parse:

* ``TargetTerms`` / ``mentions``: does a claim mention a target? The target phrase is parsed once;
  its syntactic head must occur in the claim as a lemma ("ceasefires" -> "ceasefire", "cease-fire"
  and "cease fire" included), and at least half of its other content words must occur as well
  ("China's peace plan" needs "plan" and one of "china", "peace").
* ``explicit_stance``: from a mention, walk up the dependency tree to the word that governs it.
  A stance-taking predicate decides the label: "opposes a ceasefire", "rejected the plan",
  "campaigned against the deal" -> against; "urged a ceasefire", "called for talks",
  "backs the plan" -> favor. A negation on that predicate, or a negative verb above it
  ("refused to accept", "not to accept"), flips the label.

The classifier stays the main signal; an explicit predicate is evidence that the pipeline
multiplies into the classifier's distribution (``combine``). ``eval_stance --cues`` measures how
often that evidence fires on the dev splits and how precise it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .name_targets import NameTarget, name_target

FAVOR, AGAINST = "favor", "against"
# How much an explicit stance-taking predicate ("opposes the ceasefire") multiplies the classifier's
# probability of its label; chosen with `python -m models.training.eval_stance --cues`.
CUE_WEIGHT = 6.0

# Predicates whose direct object (or passive subject) is the thing the subject is for or against.
FAVOR_VERBS = frozenset(
    """
    accept advocate applaud approve back champion demand embrace endorse favor favour hail implement
    praise promote propose ratify request seek sign support sustain uphold urge want welcome
    """.split()
)
AGAINST_VERBS = frozenset(
    """
    abandon assail attack ban blast block boycott challenge condemn criticise criticize decry
    denounce deplore derail disavow dismiss disparage fight halt lambast oppose protest reject
    repudiate resist revoke scrap scuttle slam sabotage torpedo undermine veto
    """.split()
)
# (predicate, preposition) pairs: "called for a ceasefire", "argued against the plan".
FAVOR_PREP = frozenset(
    {("call", "for"), ("push", "for"), ("press", "for"), ("appeal", "for"), ("plead", "for"),
     ("argue", "for"), ("vote", "for"), ("campaign", "for"), ("lobby", "for"), ("ask", "for"),
     ("advocate", "for"), ("support", "for"), ("demand", "for"), ("call", "to"),
     ("commit", "to"), ("agree", "to"), ("consent", "to"), ("back", "for")}
)
AGAINST_PREP = frozenset(
    {("object", "to"), ("objection", "to"), ("opposition", "to"), ("resistance", "to"),
     ("opposed", "to"), ("hostile", "to"), ("averse", "to"), ("say", "no")}
)
# Nouns that carry a stance on their object: "support for X", "rejection of X".
FAVOR_NOUN_PREP = frozenset({("support", "for"), ("backing", "for"), ("call", "for"),
                             ("demand", "for"), ("endorsement", "of"), ("approval", "of")})
AGAINST_NOUN_PREP = frozenset({("rejection", "of"), ("condemnation", "of"), ("criticism", "of"),
                               ("opposition", "to"), ("objection", "to")})
# Verbs above a predicate that negate it: "refused to accept", "declined to back".
NEGATING_VERBS = frozenset("refuse decline fail reject resist oppose avoid".split())
# Words the walk may climb through between the mention and its governor.
_CLIMB = {"conj", "appos", "compound", "amod", "nmod", "poss"}
_ARG = {"dobj", "obj", "nsubjpass", "dative"}


def _norm(word: str) -> str:
    return word.lower().replace("-", "").replace("\u2010", "").replace("\u2011", "")


@dataclass(frozen=True)
class TargetTerms:
    head: str
    others: tuple[str, ...]
    name: NameTarget | None = None  # a person's name: matched as an entity (models/name_targets.py)

    @property
    def needed(self) -> int:
        return (len(self.others) + 1) // 2


_TERMS: dict[str, TargetTerms | None] = {}
_TERMS_CAP = 4096


def terms_for_many(targets: Iterable[str]) -> list[TargetTerms | None]:
    """``terms_for`` of each target; the targets not seen before are parsed in one spaCy pipe.

    Parsing a short phrase costs spaCy a fixed 5-20 ms on its own, most of which a batch shares:
    an article's five detected targets cost about as much as one when piped together (and
    without the entity recogniser, which the terms do not use).
    """
    keys = [" ".join(t.split()) for t in targets]
    new = list(dict.fromkeys(k for k in keys if k not in _TERMS))
    if new:
        from .nlp import load_spacy

        if len(_TERMS) + len(new) > _TERMS_CAP:
            _TERMS.clear()
        nlp = load_spacy()
        # entities are not used: a name target is told by its proper nouns (name_targets.name_target)
        skip = [name for name in ("ner",) if name in nlp.pipe_names]
        for key, doc in zip(new, nlp.pipe(new, disable=skip), strict=True):
            _TERMS[key] = target_terms(doc)
    return [_TERMS.get(k) for k in keys]


def terms_for(target: str) -> TargetTerms | None:
    """Head lemma and other content lemmas of a target phrase (None when it has no content word)."""
    return terms_for_many([target])[0]


def target_terms(doc: Any) -> TargetTerms | None:
    content = [t for t in doc if not (t.is_stop or t.is_punct or t.is_space) and t.pos_ != "DET"]
    if not content:
        return None
    roots = [t for t in content if t.dep_ == "ROOT" and t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ"}]
    head = roots[0] if roots else content[-1]
    others = tuple(dict.fromkeys(_norm(t.lemma_) for t in content if t is not head))
    return TargetTerms(_norm(head.lemma_), tuple(o for o in others if o != _norm(head.lemma_)),
                       name_target(doc))


@dataclass(frozen=True)
class Words:
    """A span's tokens with their normalised lemmas and forms, computed once for many targets."""

    tokens: tuple[Any, ...]
    lemmas: tuple[str, ...]
    forms: tuple[str, ...]
    present: frozenset[str]


def words_of(tokens: Iterable[Any]) -> Words:
    toks = tuple(t for t in tokens if not t.is_space)
    lemmas = tuple(_norm(t.lemma_) for t in toks)
    forms = tuple(_norm(t.text) for t in toks)
    return Words(toks, lemmas, forms, frozenset(lemmas) | frozenset(forms))


def mentions(tokens: Iterable[Any] | Words, terms: TargetTerms) -> list[Any]:
    """Tokens (from ``tokens``: a span, a token list or their ``words_of``) that realise the target's head."""
    w = tokens if isinstance(tokens, Words) else words_of(tokens)
    toks, lemmas, words = w.tokens, w.lemmas, w.forms
    heads = {terms.head, terms.head + "s"}
    if terms.head not in w.present and not any(h.startswith(f) for f in w.present if f for h in heads):
        return []  # neither the head nor a piece of it occurs
    found = []
    for i, tok in enumerate(toks):
        if lemmas[i] == terms.head or words[i] == terms.head:
            found.append(tok)
        else:  # "cease fire" and "cease-fire" (three tokens) for "ceasefire"
            for n in (2, 3):
                if i + n <= len(toks) and "".join(words[i:i + n]) in heads:
                    found.append(toks[i + n - 1])
                    break
    if not found or not terms.others:
        return found
    if sum(1 for o in terms.others if o in w.present) < terms.needed:
        return []
    return found


def _negated(word: Any) -> bool:
    if any(c.dep_ == "neg" for c in word.children):
        return True
    # "refused to accept", "urged members not to accept": a negative or negated verb above it
    node = word
    for _ in range(2):
        if node.dep_ not in {"xcomp", "ccomp"} or node.head is node:
            break
        node = node.head
        if node.lemma_.lower() in NEGATING_VERBS:
            return True
    return False


def explicit_stance(token: Any, max_hops: int = 4) -> tuple[str, Any] | None:
    """(label, predicate token) when ``token`` is the object of a stance-taking predicate."""
    node, prep = token, None
    for _ in range(max_hops):
        dep, head = node.dep_, node.head
        if head is node:
            return None
        if dep in _CLIMB:
            node = head
            continue
        if dep == "pobj":
            prep, node = head.lemma_.lower(), head
            continue
        if dep == "prep" and prep is not None:
            return _judge(head, prep)
        if dep in _ARG and prep is None:
            return _judge(head, None)
        return None
    return None


def _judge(pred: Any, prep: str | None) -> tuple[str, Any] | None:
    lemma = pred.lemma_.lower()
    label = None
    if prep is None:
        if pred.pos_ in {"VERB", "AUX"}:
            label = FAVOR if lemma in FAVOR_VERBS else AGAINST if lemma in AGAINST_VERBS else None
    elif prep == "against":
        label = AGAINST
    elif pred.pos_ in {"NOUN", "PROPN"}:
        key = (lemma, prep)
        label = FAVOR if key in FAVOR_NOUN_PREP else AGAINST if key in AGAINST_NOUN_PREP else None
    else:
        key = (lemma, prep)
        label = FAVOR if key in FAVOR_PREP else AGAINST if key in AGAINST_PREP else None
    if label is None:
        return None
    if _negated(pred):
        label = AGAINST if label == FAVOR else FAVOR
    return label, pred


_FIRST_PERSON = frozenset({"i", "we", "he", "she"})
_DETERMINERS = ("the ", "a ", "an ")


def holder(pred: Any) -> Any | None:
    """The subject of a predicate; a conjoined verb shares its first verb's subject."""
    for node in (pred, pred.head if pred.dep_ == "conj" else None):
        if node is None:
            continue
        subj = [c for c in node.children if c.dep_ in {"nsubj", "csubj"}]
        if subj:
            return subj[0]
    return None


def names_of(phrase: str) -> set[str]:
    """A lowercase phrase and the state it stands for ("Washington" -> "united states")."""
    from .lexicon import COUNTRIES, METONYMS

    low = " ".join(phrase.lower().split())
    out = {low}
    for det in _DETERMINERS:
        if low.startswith(det):
            out.add(low[len(det):])
    for name in list(out):
        state = METONYMS.get(name) or COUNTRIES.get(name)
        if state:
            out.add(state.lower())
    return out


def held_by_speaker(pred: Any, speaker_names: set[str] | None, cue: tuple[int, int] | None) -> bool:
    """Is the predicate the speaker's own? True when it is the claim's cue ("Beijing urged a
    ceasefire"), when it has no subject or a first-person or he/she subject ("we reject the plan"),
    or when its subject names the speaker or the state the speaker stands for ("an official said
    Washington opposes ...", the official being affiliated to the United States). "X said Russia
    rejected the plan" is Russia's stance, not X's, and gives no evidence."""
    if cue is not None and cue[0] <= pred.idx < cue[1]:
        return True
    subj = holder(pred)
    if subj is None or subj.lower_ in _FIRST_PERSON:
        return True
    if not speaker_names:
        return False
    words = [t for t in subj.subtree if not t.is_punct]
    phrase = " ".join(t.text for t in words) if words else subj.text
    return bool((names_of(phrase) | names_of(subj.text)) & speaker_names)


def combine(dist: dict[str, float], label: str, weight: float) -> dict[str, float]:
    """Multiply the explicit label's probability by ``weight`` and renormalise."""
    raw = {k: v * (weight if k == label else 1.0) for k, v in dist.items()}
    total = sum(raw.values()) or 1.0
    return {k: v / total for k, v in raw.items()}


# Cues by which a speaker rejects what the content says: "denied that he had offered land".
DENIAL_CUES = frozenset("deny dispute refute rebut disavow contradict debunk reject dismiss".split())


def denies(doc: Any, start: int, end: int) -> bool:
    """Is the cue at ``start:end`` a denial ("denied", "disputes", "rejected claims"), not negated?"""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    verbs = [t for t in span if t.pos_ in {"VERB", "NOUN"}] or [span.root]
    return any(t.lemma_.lower() in DENIAL_CUES and not _negated(t) for t in verbs)


def opposite(label: str) -> str:
    """favor <-> against; neutral stays."""
    return {FAVOR: AGAINST, AGAINST: FAVOR}.get(label, label)


def swap_polarity(dist: dict[str, float]) -> dict[str, float]:
    """The distribution with favor and against exchanged."""
    return {opposite(k): v for k, v in dist.items()}
