"""Detect the salient issues of an article: short lowercase noun phrases usable as stance targets.

Candidates are the heads of spaCy noun chunks plus their noun compound modifiers, counted by
their lemmas ("peace plans" and "peace plan" are one candidate) and returned in the form the
article uses most ("talks", "hostilities": the lemmas "talk" and "hostility" read otherwise). Named people, places, organisations and groups, dates, numbers,
pronouns, stop words and generic reporting nouns ("official", "statement") are dropped. Candidates
are ranked by frequency with a small bonus for an early first mention; ties break by position,
then alphabetically, so the output is deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

_ENT_EXCLUDE = {
    "PERSON",
    "GPE",
    "ORG",
    "NORP",
    "LOC",
    "FAC",
    "DATE",
    "TIME",
    "CARDINAL",
    "ORDINAL",
    "PERCENT",
    "MONEY",
    "QUANTITY",
    "EVENT",
    "LANGUAGE",
    "WORK_OF_ART",
    "PRODUCT",
    "LAW",
}
_GENERIC = {
    "people",
    "person",
    "thing",
    "way",
    "time",
    "year",
    "day",
    "week",
    "month",
    "hour",
    "lot",
    "part",
    "number",
    "percent",
    "kind",
    "sort",
    "fact",
    "case",
    "point",
    "place",
    "world",
    "official",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "reporter",
    "journalist",
    "statement",
    "interview",
    "comment",
    "remark",
    "source",
    "news",
    "report",
    "question",
    "president",
    "minister",
    "leader",
    "secretary",
    "member",
    "man",
    "woman",
    "group",
    "side",
    "country",
    "state",
    "city",
    "government",
    "administration",
    "today",
    "yesterday",
    "tomorrow",
    "morning",
    "evening",
    "night",
    "something",
    "anything",
    "everything",
    "nothing",
    "someone",
    "anyone",
    "everyone",
    "one",
    "other",
    "others",
    "end",
    "issue",
    "matter",
    "term",
}
_MIN_LEN = 3
MAX_SENTENCE_TOKENS = 1000  # longer sentences give no targets (_noun_chunks)


def _usable(tok) -> bool:
    return (
        tok.pos_ == "NOUN"
        and tok.is_alpha
        and not tok.is_stop
        and not tok.like_num
        and tok.ent_type_ not in _ENT_EXCLUDE
        and len(tok.lemma_) >= _MIN_LEN
    )


def _phrase(head) -> tuple[tuple[str, ...], str] | None:
    """Lemmas of the head's contiguous noun-compound modifiers plus the head itself, and the
    same words as written (lowercased)."""
    if not _usable(head):
        return None
    lemma = head.lemma_.lower()
    if lemma in _GENERIC:
        return None
    mods: list[Any] = []
    i = head.i - 1
    # back to the sentence's start at most: checked token by token, as ``head.sent`` scans the
    # whole sentence on every call (one huge sentence made the step quadratic: 11 s at 100k chars)
    while i >= 0 and not head.doc[i + 1].is_sent_start:
        tok = head.doc[i]
        if tok.head.i == head.i and tok.dep_ == "compound" and _usable(tok):
            mods.insert(0, tok)
            i -= 1
        else:
            break
    words = mods[-2:] + [head]
    return tuple(t.lemma_.lower() for t in words[:-1]) + (lemma,), " ".join(t.lower_ for t in words)


def _noun_chunks(doc) -> Iterable[Any]:
    """``doc.noun_chunks``, leaving out sentences longer than MAX_SENTENCE_TOKENS.

    spaCy's English noun chunker walks each conjunct's chain of heads, quadratic in one long
    coordination: "the cat and the cat and ..." without a full stop took 19 s at 100,000
    characters. No news sentence comes near the limit, so ordinary text gets doc.noun_chunks.
    """
    sents = list(doc.sents)
    if all(len(sent) <= MAX_SENTENCE_TOKENS for sent in sents):
        return doc.noun_chunks
    # the chunker run on each sentence (Span.noun_chunks would chunk the whole doc and filter)
    chunker = doc.noun_chunks_iterator
    return (doc[start:end] for sent in sents if len(sent) <= MAX_SENTENCE_TOKENS
            for start, end, _label in chunker(sent))


def detect_targets(doc, max_targets: int = 5) -> list[str]:
    """Top ``max_targets`` issue phrases of the spaCy ``doc`` (lowercase, in their commonest form)."""
    if max_targets <= 0 or len(doc) == 0:
        return []
    counts: dict[tuple[str, ...], int] = defaultdict(int)
    first: dict[tuple[str, ...], int] = {}
    forms: dict[tuple[str, ...], dict[str, int]] = defaultdict(dict)  # first-seen order kept
    for chunk in _noun_chunks(doc):
        found = _phrase(chunk.root)
        if found is None:
            continue
        key, form = found
        counts[key] += 1
        first.setdefault(key, chunk.root.i)
        forms[key][form] = forms[key].get(form, 0) + 1
    # credit a bare head ("plan") to its most frequent compound form ("peace plan") when that
    # form is at least as frequent; a head mostly used bare ("negotiations") stays bare
    for key in [k for k in counts if len(k) == 1]:
        longer = [k for k in counts if len(k) > 1 and k[-1] == key[0]]
        if longer:
            best = min(longer, key=lambda k: (-counts[k], first[k], k))
            if counts[best] >= counts[key]:
                counts[best] += counts.pop(key)
                first[best] = min(first[best], first.pop(key))
    n = max(1, len(doc))
    ranked = sorted(
        counts,
        key=lambda k: (-(counts[k] + 0.5 * (1.0 - first[k] / n)), first[k], k),
    )
    return [max(forms[k], key=forms[k].__getitem__) for k in ranked[:max_targets]]
