"""Rule-based attribution extractor over spaCy's dependency parse.

It finds reporting-verb cues ("stated", "urged", "warned of"), "according to X" and
"as described by X" constructions, and returns each as a RawAttribution (source, cue, content
offsets). The trained transformer tagger (models/tagger.py) returns the same type, so either can
stand behind the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .lexicon import (
    DOCUMENT_NOUNS,
    MEDIA_NOUNS,
    ORG_NOUNS,
    PERSON_NOUNS,
    PREPOSITIONAL_CUES,
    PRONOUNS,
    QUOTE_CHARS,
    REPORTING_VERBS,
)
from .nlp import load_spacy
from .types import Offsets, RawAttribution

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "parataxis"})
OBJECT_DEPS = frozenset({"dobj", "dative"})
_STRIP = " \t\r\n,;:–—-" + QUOTE_CHARS
_MAX_SOURCE_TOKENS = 10


def _trim(text: str, start: int, end: int, strip: str = _STRIP) -> Offsets | None:
    """Shrink [start, end) past characters in ``strip`` and a trailing full stop."""
    while start < end and text[start] in strip:
        start += 1
    while end > start and (text[end - 1] in strip or text[end - 1] in ".!?"):
        end -= 1
    return (start, end) if end > start else None


def _span(tokens: Sequence[Any]) -> Offsets:
    first, last = tokens[0], tokens[-1]
    return first.idx, last.idx + len(last.text)


def _noun_phrase(head: Any, left_only: bool = False) -> Offsets:
    """The offsets of a source noun phrase: its subtree, or left part + head when long."""
    sub = list(head.subtree)
    if left_only or len(sub) > _MAX_SOURCE_TOKENS:
        sub = [t for t in sub if t.i <= head.i]
        sub = sub[-_MAX_SOURCE_TOKENS:]
    sub = [t for t in sub if not t.is_space]
    while sub and (sub[-1].is_punct or sub[-1].dep_ in {"cc", "prep"}):
        sub.pop()
    while sub and sub[0].is_punct:
        sub.pop(0)
    return _span(sub) if sub else (head.idx, head.idx + len(head.text))


def _subject(verb: Any) -> Any | None:
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            return child
    # a conjoined verb shares the subject of its head ("stated ..., but emphasized ...")
    head = verb.head
    if verb.dep_ == "conj" and head.pos_ in {"VERB", "AUX"} and head.lemma_.lower() in REPORTING_VERBS:
        return _subject(head)
    return None


_AGENT_NOUNS = PERSON_NOUNS | ORG_NOUNS | MEDIA_NOUNS | DOCUMENT_NOUNS


def _can_speak(subject: Any) -> bool:
    """Whether a subject can be a source: a name, a pronoun, or an agent or document noun."""
    if subject.pos_ == "PROPN" or subject.ent_type_ or subject.lower_ in PRONOUNS:
        return True
    return subject.lemma_.lower() in _AGENT_NOUNS or subject.lower_ in _AGENT_NOUNS


def _own_clause(token: Any) -> bool:
    """Whether a conjoined or adverbial verb starts a clause of its own (a cut point)."""
    if token.pos_ not in {"VERB", "AUX"}:
        return False
    if token.lemma_.lower() in REPORTING_VERBS:
        return True
    return any(c.dep_ in SUBJECT_DEPS for c in token.children)


def _sentence_tokens(sent: Any) -> list[Any]:
    return [t for t in sent if not t.is_space]


class SpacyExtractor:
    """Dependency-parse attribution extractor (no training needed)."""

    name = "claimscope-spacy-rules"
    version = "1.0.0"

    def __init__(self) -> None:
        self._nlp: Any = None

    @classmethod
    def load(cls) -> SpacyExtractor:
        ext = cls()
        ext._nlp = load_spacy()
        return ext

    def info(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "task": "attribution",
            "base": "spaCy en_core_web_sm 3.8.0 dependency parse + reporting-verb lexicon",
            "training_data": None,
        }

    def extract(self, text: str) -> list[RawAttribution]:
        return self.extract_doc(load_spacy()(text))

    def extract_many(self, texts: Sequence[str]) -> list[list[RawAttribution]]:
        return [self.extract_doc(doc) for doc in load_spacy().pipe(texts)]

    def extract_docs(self, docs: Sequence[Any]) -> list[list[RawAttribution]]:
        return [self.extract_doc(doc) for doc in docs]

    def extract_doc(self, doc: Any) -> list[RawAttribution]:
        text = doc.text
        found: list[RawAttribution] = []
        for sent in doc.sents:
            tokens = _sentence_tokens(sent)
            if not tokens:
                continue
            for token in tokens:
                att = self._according_to(text, tokens, token) or self._verb_cue(text, tokens, token)
                if att is not None:
                    found.append(att)
        found.sort(key=lambda a: a.content[0][0])
        return found

    # -- constructions -------------------------------------------------------------------

    def _according_to(self, text: str, tokens: list[Any], token: Any) -> RawAttribution | None:
        if token.lower_ != "according":
            return None
        to = next((c for c in token.children if c.lower_ == "to"), None)
        if to is None:
            nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
            to = nxt if nxt is not None and nxt.lower_ == "to" else None
        if to is None:
            return None
        obj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if obj is None:
            return None
        phrase = sorted({token.i, to.i} | {t.i for t in obj.subtree})
        lo, hi = phrase[0], phrase[-1]
        return self._around(text, tokens, lo, hi, cue=_span([token, to]), source=_noun_phrase(obj),
                            score=0.8)

    def _around(self, text: str, tokens: list[Any], lo: int, hi: int, cue: Offsets,
                source: Offsets, score: float) -> RawAttribution | None:
        """Content = the sentence minus the token range lo..hi (an inserted attribution)."""
        before = [t for t in tokens if t.i < lo]
        after = [t for t in tokens if t.i > hi]
        pieces: list[Offsets] = []
        for part in (before, after):
            if part:
                trimmed = _trim(text, *_span(part))
                if trimmed is not None and len(text[trimmed[0]:trimmed[1]].split()) >= 2:
                    pieces.append(trimmed)
        if not pieces:
            return None
        return RawAttribution(cue=cue, source=source, content=tuple(pieces), score=score)

    def _verb_cue(self, text: str, tokens: list[Any], verb: Any) -> RawAttribution | None:
        if verb.pos_ not in {"VERB", "AUX"}:
            return None
        lemma = verb.lemma_.lower()
        preps = PREPOSITIONAL_CUES.get(lemma, frozenset())
        if lemma not in REPORTING_VERBS and not preps:
            return None
        children = list(verb.children)
        cue = self._cue_span(verb)

        # "as described by a columnist": passive cue with an agent, inserted in a sentence
        agent = next((c for c in children if c.dep_ == "agent"), None)
        if agent is not None and verb.dep_ in {"advcl", "acl", "relcl"}:
            pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                lo = min(t.i for t in verb.subtree)
                return self._around(text, tokens, lo, pobj.i, cue=cue,
                                    source=_noun_phrase(pobj, left_only=True), score=0.7)

        subject = _subject(verb)
        if subject is None or subject.dep_ == "csubj":
            return None
        if not _can_speak(subject):
            return None

        comps = [c for c in children if c.dep_ in CLAUSE_DEPS]
        objs = [c for c in children if c.dep_ in OBJECT_DEPS]
        prep_objs = [c for c in children if c.dep_ == "prep" and c.lower_ in preps]
        before = [c for c in comps if c.i < verb.i]
        if before and not [c for c in comps if c.i > verb.i]:
            # '"We will win," she said.' — the quote precedes its cue
            sub = sorted(t.i for c in before for t in c.subtree)
            span = _trim(text, *_span([verb.doc[sub[0]], verb.doc[sub[-1]]]))
            if span is None:
                return None
            return RawAttribution(cue=cue, source=_noun_phrase(subject), content=(span,),
                                  score=0.9)

        after = [c for c in comps + objs + prep_objs if c.i > verb.i]
        if not after:
            return None
        if lemma in {"tell", "inform", "remind", "assure"} and not [c for c in after if c.dep_ in CLAUSE_DEPS]:
            return None
        first = min(min(t.i for t in c.subtree) for c in after)
        if after[0].dep_ == "prep" and after[0] in prep_objs:
            first = after[0].i + 1
        end_i = self._content_end(verb, tokens, first)
        content_tokens = [t for t in tokens if first <= t.i < end_i]
        while content_tokens and content_tokens[0].dep_ == "mark" and content_tokens[0].lower_ in {"that", "whether", "if"}:
            content_tokens.pop(0)
        if not content_tokens:
            return None
        span = _trim(text, *_span(content_tokens))
        if span is None or len(text[span[0]:span[1]].split()) < 2 and not objs:
            return None
        score = 0.85 if comps else 0.7
        return RawAttribution(cue=cue, source=_noun_phrase(subject), content=(span,), score=score)

    @staticmethod
    def _cue_span(verb: Any) -> Offsets:
        parts = [verb] + [c for c in verb.children if c.dep_ == "prt"]
        parts.sort(key=lambda t: t.i)
        return _span(parts)

    @staticmethod
    def _content_end(verb: Any, tokens: list[Any], first: int) -> int:
        """Token index where the content ends: the sentence end, or before a clause of its own."""
        end_i = tokens[-1].i + 1
        for child in verb.children:
            if child.i <= first or child.dep_ not in {"conj", "advcl"}:
                continue
            if _own_clause(child) or child.dep_ == "conj" and child.pos_ in {"VERB", "AUX"} and child.lemma_.lower() in REPORTING_VERBS:
                left = min(t.i for t in child.subtree)
                # also drop the coordinating "but"/"while" and comma in front of it
                while left - 1 >= first and verb.doc[left - 1].dep_ in {"cc", "punct", "mark"}:
                    left -= 1
                end_i = min(end_i, left)
        return end_i
