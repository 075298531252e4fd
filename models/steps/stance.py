"""ScoreStance: each claim's stance toward each target it mentions (or toward every target with
``stance_scope`` "all"), the (target, claim) pairs of the whole batch in one classifier call.

A person target is found by name, title or pronoun (models/name_targets.py). A stance-taking
predicate that governs the mention ("opposes a ceasefire", "urged a ceasefire") is evidence
multiplied into the classifier's distribution (models/stance_cues.py); a denial cue swaps favor
and against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..name_targets import (
    FIRST_PERSON,
    own_pronouns,
    refers,
    speaker_input,
    speaker_label,
    speaker_side,
    with_names,
)
from ..stance import apply_label_weights
from ..stance_cues import (
    CUE_WEIGHT,
    combine,
    denies,
    explicit_stance,
    held_by_speaker,
    mentions,
    names_of,
    swap_polarity,
    terms_for_many,
    words_of,
)
from ..types import Claim, Span, Speaker, Stance
from .state import DocState
from .targets import MAX_TARGETS


@dataclass
class _Pair:
    """One (target, claim) question for the classifier, with the rule evidence found for it."""

    state: DocState
    claim: Claim
    target: str
    cue: tuple[str, Any] | None  # (label, predicate token) of a stance-taking predicate
    text: str  # what the classifier reads: the claim, names for pronouns, the speaker's label
    person: bool = False  # the target is a person's name
    side: str | None = None  # where the speaker stands to a person target (speaker_side)


class ScoreStance:
    name = "score_stance"

    def __init__(self, model: Any, concepts: Any = None) -> None:
        self.model = model  # models.stance.StanceModel
        # models.concepts.ConceptMatcher: a concept target found by meaning ("a pause in
        # hostilities" for "ceasefire"); without it, by its words only
        self.concepts = concepts
        # "", "name" or "description": how the model was trained to see the speaker
        self.mode: str = model.speaker_input
        # favor / against / neutral multipliers for person targets (none: the model's own answer)
        self.weights: dict[str, float] = getattr(model, "label_weights", None) or {}
        # and per speaker side toward such a target (the speaker is the target, speaks for it, or
        # is another person target of the request)
        self.side_weights: dict[str, dict[str, float]] = getattr(model, "side_weights", None) or {}

    def __call__(self, states: Sequence[DocState]) -> None:
        pairs = [p for s in states if s.claims and s.targets for p in self.pairs(s)]
        if not pairs:
            return
        dists = self.model.predict_proba([(p.target, p.text) for p in pairs])
        for pair, dist in zip(pairs, dists, strict=True):
            if pair.person and self.weights:
                # chosen on news claims about people (models/training/stance_priors.py)
                dist = apply_label_weights(dist, self.weights)
            if pair.side is not None and pair.side in self.side_weights:
                # learnt from the news train labels (models/training/speaker_sides.py)
                dist = apply_label_weights(dist, self.side_weights[pair.side])
            pair.claim.stances.append(self.decide(pair, dist))

    def pairs(self, state: DocState) -> list[_Pair]:
        doc, targets, scope = state.doc, state.targets[:MAX_TARGETS], state.options.stance_scope
        names = speaker_names(state.speakers)
        # keyed by a claim's speaker_id, which is None for a claim without a speaker
        label: dict[str | None, str] = {sp.id: speaker_label(sp, self.mode) for sp in state.speakers} if self.mode else {}
        refs: dict[str, set[int]] = {}  # per name target: the tokens that refer to it
        out: list[_Pair] = []
        target_terms = list(zip(targets, terms_for_many(targets), strict=True))
        persons = [terms.name for _, terms in target_terms if terms is not None and terms.name is not None]
        spans = [doc.char_span(c.start, c.end, alignment_mode="expand") for c in state.claims]
        # by meaning only for the targets a user wrote: detected targets are the article's own
        # phrases, which their words find (and matching by meaning costs model passes)
        given = set(state.item.targets or ())
        near = self.by_meaning(state, spans, [t for t, terms in target_terms
                                              if terms is not None and terms.name is None and t in given])
        for claim, span in zip(state.claims, spans, strict=True):
            words = words_of(span) if span is not None else None
            cue_span = (claim.cue.start, claim.cue.end) if claim.cue is not None else None
            for target, terms in target_terms:
                text_in = claim.text
                person = terms.name if terms is not None else None
                side = None
                if person is not None and span is not None:
                    side = speaker_side(person, names.get(claim.speaker_id), persons)
                    if target not in refs:
                        refs[target] = refers(doc, person)
                    found = [t for t in span if t.i in refs[target]]
                    own = None
                    if side == "self":  # the speaker is the target (is_target_speaker)
                        found += [t for t in span if t.lower_ in FIRST_PERSON]  # "I will win"
                        if claim.type == "indirect":  # "Trump said he would win"
                            own = own_pronouns(span, refs[target])
                            found += own
                    text_in = with_names(doc, claim.start, claim.end,
                                         refs[target] | {t.i for t in own} if own else refs[target], person)
                else:
                    found = mentions(words, terms) if words is not None and terms is not None else []
                    if not found and (claim.id, target) in near:
                        found = [near[claim.id, target]]
                if not found and scope != "all":
                    continue
                cue = next((c for c in map(explicit_stance, found) if c is not None
                            and held_by_speaker(c[1], names.get(claim.speaker_id), cue_span)), None)
                if self.mode:
                    text_in = speaker_input(label.get(claim.speaker_id), text_in)
                out.append(_Pair(state, claim, target, cue, text_in, person is not None, side))
        return out

    def by_meaning(self, state: DocState, spans: Sequence[Any], targets: list[str]) -> dict[tuple[str, str], Any]:
        """(claim id, concept target) -> the head token of the claim's phrase that means the target,
        for the pairs whose similarity reaches the matcher's threshold (models/concepts.py);
        ``spans`` are the claims' spans in the document."""
        if self.concepts is None or not targets or not state.claims:
            return {}
        claims = [(c, sp) for c, sp in zip(state.claims, spans, strict=True) if sp is not None]
        best = self.concepts.match([sp for _, sp in claims], targets)
        return {(claim.id, target): tok
                for (claim, _), row in zip(claims, best, strict=True)
                for target, (score, tok) in zip(targets, row, strict=True)
                if tok is not None and score >= self.concepts.threshold}

    @staticmethod
    def decide(pair: _Pair, dist: dict[str, float]) -> Stance:
        evidence = None
        claim = pair.claim
        if pair.cue is not None:
            label, word = pair.cue
            dist = combine(dist, label, CUE_WEIGHT)
            evidence = Span(word.text, word.idx, word.idx + len(word.text))
        elif claim.cue is not None and denies(pair.state.doc, claim.cue.start, claim.cue.end):
            # "X denied that ...": the content's stance is the opposite of the speaker's
            dist = swap_polarity(dist)
            evidence = claim.cue
        best = max(dist, key=dist.get)  # type: ignore[arg-type]
        return Stance(pair.target, best, round(float(dist[best]), 4), evidence)


def speaker_names(speakers: Sequence[Speaker]) -> dict[str | None, set[str]]:
    """The words each speaker goes by (name, mentions, affiliation), to tell whether a stance
    predicate is the speaker's own and whether the speaker is the target ("I will win")."""
    names: dict[str | None, set[str]] = {None: set()}
    for sp in speakers:
        known = names_of(sp.name) | {n for m in sp.mentions for n in names_of(m.text)}
        for extra in (sp.affiliation, (sp.canonical or "").partition(":")[2]):
            if extra:
                known |= names_of(extra)
        names[sp.id] = known
    return names
