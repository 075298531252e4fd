"""Faster, output-identical stand-ins for two of en_core_web_sm's rule components.

Timed per component on the seed and 20 PolNeAR dev articles (1 thread), the attribute ruler cost
34 ms per article and the lemmatizer 34 ms, next to 46 ms for the parser: both are rules run in
Python or by the Matcher over every token.

* The attribute ruler runs its 179 Matcher patterns over every token. All but a handful are
  one-token patterns on the token's own TAG / LOWER / DEP / IS_SPACE, so which of them match is a
  function of those values: it is looked up in tables built as tokens are seen (see
  ``FastAttributeMatch``). The multi-token patterns still go through a Matcher of their own. The matches are then applied
  by the ruler's own ``set_annotations``, in the ruler's order (by pattern number).
* The rule lemmatizer caches its result per (word, POS, morphology) except on the "base form"
  path, which it recomputes for every token; the stand-in remembers every result by that key.

``tests/unit/test_spacy_speed.py`` compares every token attribute with the stock
components on PolNeAR texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_MEMO_LIMIT = 200_000
_FIELDS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}


def _predicate(field: int, spec: Any) -> Callable[[tuple], bool] | None:
    """A test on one (tag, lower, dep, is_space) tuple, or None for a spec this does not model."""
    if isinstance(spec, bool):
        return (lambda v: v[field] is spec) if field == 3 else None
    if field == 3:
        return None
    if isinstance(spec, str):
        return lambda v: v[field] == spec
    if isinstance(spec, dict) and len(spec) == 1:
        (op, arg), = spec.items()
        if op == "IN":
            allowed = frozenset(arg)
            return lambda v: v[field] in allowed
        if op == "NOT_IN":
            banned = frozenset(arg)
            return lambda v: v[field] not in banned
        if op == "REGEX":
            rx = re.compile(arg)
            return lambda v: rx.search(v[field]) is not None
    return None


def _compile(token_pattern: dict) -> Callable[[tuple], bool] | None:
    tests = []
    for key, spec in token_pattern.items():
        field = _FIELDS.get(key)
        test = _predicate(field, spec) if field is not None else None
        if test is None:
            return None
        tests.append(test)
    return lambda v: all(t(v) for t in tests)


class FastAttributeMatch:
    """Drop-in for ``AttributeRuler.match``: the same sorted (attr id, match id, start, end) list.

    One-token patterns without a LOWER condition depend on (TAG, DEP, IS_SPACE) alone: their
    matches are remembered per such triple. Those with a LOWER condition are looked up by the
    token's lowercase form first (remembered per form), and only the few that pass are tested on
    the rest of the token.
    """

    def __init__(self, ruler: Any) -> None:
        from spacy.matcher import Matcher

        strings = ruler.vocab.strings
        self._shape: list[tuple[int, int, Callable[[tuple], bool]]] = []
        self._lexical: list[tuple[int, int, Callable[[tuple], bool], Callable[[tuple], bool]]] = []
        self._multi = Matcher(ruler.vocab)
        for attr_id in range(len(ruler.attrs)):
            key = str(attr_id)
            _, patterns = ruler.matcher.get(key)
            for pattern in patterns:
                if len(pattern) == 1:
                    lower = pattern[0].get("LOWER")
                    rest = _compile({k: v for k, v in pattern[0].items() if k != "LOWER"})
                    lower_test = _predicate(1, lower) if lower is not None else None
                    if rest is not None and lower is None:
                        self._shape.append((attr_id, strings.add(key), rest))
                        continue
                    if rest is not None and lower_test is not None:
                        self._lexical.append((attr_id, strings.add(key), lower_test, rest))
                        continue
                self._multi.add(key, [pattern])
        self._strings = strings
        self._by_shape: dict[tuple, tuple[tuple[int, int], ...]] = {}
        self._by_lower: dict[int, tuple] = {}

    def _shape_matches(self, key: tuple, token: Any) -> tuple[tuple[int, int], ...]:
        values = (token.tag_, token.lower_, token.dep_, token.is_space)
        found = tuple((a, m) for a, m, test in self._shape if test(values))
        if len(self._by_shape) >= _MEMO_LIMIT:
            self._by_shape.clear()
        self._by_shape[key] = found
        return found

    def _lower_candidates(self, lower: int, token: Any) -> tuple:
        values = (token.tag_, token.lower_, token.dep_, token.is_space)
        found = tuple((a, m, rest) for a, m, lower_test, rest in self._lexical if lower_test(values))
        if len(self._by_lower) >= _MEMO_LIMIT:
            self._by_lower.clear()
        self._by_lower[lower] = found
        return found

    def __call__(self, doc: Any) -> list[tuple[int, int, int, int]]:
        by_shape, by_lower = self._by_shape, self._by_lower
        matches: list[tuple[int, int, int, int]] = []
        for token in doc:
            i = token.i
            key = (token.tag, token.dep, token.is_space)
            found = by_shape.get(key)
            if found is None:
                found = self._shape_matches(key, token)
            matches.extend((a, m, i, i + 1) for a, m in found)
            lower = token.lower
            candidates = by_lower.get(lower)
            if candidates is None:
                candidates = self._lower_candidates(lower, token)
            if candidates:
                values = (token.tag_, token.lower_, token.dep_, token.is_space)
                matches.extend((a, m, i, i + 1) for a, m, rest in candidates if rest(values))
        if len(self._multi):
            strings = self._strings
            matches.extend((int(strings[m_id]), m_id, s, e)
                           for m_id, s, e in self._multi(doc, allow_missing=True, as_spans=False))
        matches.sort()
        return matches


def memoized_lemmatize(lemmatize: Callable[[Any], list[str]]) -> Callable[[Any], list[str]]:
    """``lemmatize`` remembered by (word, POS, morphology), the only token facts the English
    rule lemmatizer reads."""
    memo: dict[tuple[int, int, int], list[str]] = {}

    def fast(token: Any) -> list[str]:
        key = (token.orth, token.pos, token.morph.key)
        got = memo.get(key)
        if got is None:
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            got = memo[key] = lemmatize(token)
        return got

    return fast


def speed_up(nlp: Any) -> None:
    """Swap in the stand-ins where the pipeline has the stock components they mirror."""
    from spacy.lang.en.lemmatizer import EnglishLemmatizer
    from spacy.pipeline import AttributeRuler

    for _, pipe in nlp.pipeline:
        if type(pipe) is AttributeRuler:
            # replacing a method of this one instance is the point; spaCy types it as the method
            pipe.match = FastAttributeMatch(pipe)  # type: ignore[method-assign]
        elif type(pipe) is EnglishLemmatizer and pipe.mode == "rule":
            # spaCy types ``lemmatize`` as the bound method it first assigns, not as a callable
            pipe.lemmatize = memoized_lemmatize(pipe.rule_lemmatize)  # type: ignore[assignment]
