"""The claim pipeline: text in, speakers and attributed claims out (no web framework here).

    parse (spaCy) -> extract attributions -> resolve speakers -> claim records
    -> check-worthiness -> stance toward targets -> per-speaker stance summary

Every part after parsing is optional at load time: the pipeline uses what it finds in
models/weights/ and reports in info() which parts ran.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import re
import threading
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from .base import DocumentInput, Settings
from .nlp import SentenceIndex, load_spacy, quoted_fraction, quoted_regions, sentences
from .types import Claim, DocumentResult, RawAttribution, Span, SpeakerStance, Stance, StanceEvidence
from .version import __version__

log = logging.getLogger(__name__)

PIPELINE_NAME = "claimscope"
MAX_TARGETS = 20


def claim_type(fraction_quoted: float) -> str:
    if fraction_quoted >= 0.8:
        return "direct"
    if fraction_quoted >= 0.15:
        return "mixed"
    return "indirect"


_TOPIC_WORDS = frozenset({"about", "on", "regarding", "concerning", "over"})


def topic_only(span: Any) -> bool:
    """A short phrase that names a topic ("about Ukraine", "on the federal budget") with nothing
    said about it: a topic preposition, then at most five words and no verb. PolNeAR marks such
    phrases as content after cues like "asked" or "remarks to" (35 of 19,831 train attributions,
    2 of 2,192 dev); a claim needs a proposition, so the pipeline drops them."""
    words = [t for t in span if not (t.is_space or t.is_punct)]
    return (1 < len(words) <= 6 and words[0].lower_ in _TOPIC_WORDS
            and not any(t.pos_ in {"VERB", "AUX"} for t in words[1:]))


def main_span(raw: RawAttribution) -> tuple[int, int]:
    """The claim's span: its content pieces on the side of the cue that holds most of the content.

    Content split around its cue ("We will win," she said, "and soon.") keeps every piece in
    ``segments``; the span itself never covers the cue and source between the pieces.
    """
    pieces = sorted(raw.content)
    if raw.cue is not None and len(pieces) > 1:
        before = [p for p in pieces if p[1] <= raw.cue[0]]
        after = [p for p in pieces if p[1] > raw.cue[0]]
        if before and after:
            size = sum(b - a for a, b in before), sum(b - a for a, b in after)
            pieces = before if size[0] > size[1] else after
    return pieces[0][0], pieces[-1][1]


def aggregate_stances(claims: Sequence[Claim]) -> list[SpeakerStance]:
    """Per speaker and target: the label with the largest summed score over the claims."""
    groups: dict[tuple[str, str], list[tuple[Claim, Stance]]] = defaultdict(list)
    for claim in claims:
        if claim.speaker_id is None:
            continue
        for stance in claim.stances:
            groups[(claim.speaker_id, stance.target)].append((claim, stance))
    out: list[SpeakerStance] = []
    for (speaker_id, target), items in groups.items():
        totals: dict[str, float] = defaultdict(float)
        for _, stance in items:
            totals[stance.label] += stance.score
        # a stance taken beats silence: neutral wins only when nobody is for or against
        polar = {k: v for k, v in totals.items() if k != "neutral"}
        label = max(polar, key=lambda k: polar[k]) if polar else "neutral"
        members = [(c, s) for c, s in items if s.label == label]
        score = totals[label] / len(members) if members else 0.0
        evidence = [StanceEvidence(c.id, Span(c.text, c.start, c.end), s.evidence) for c, s in members]
        out.append(SpeakerStance(speaker_id, target, label, round(score, 4), [c.id for c, _ in members], evidence))
    return out


class ClaimPipeline:
    """The Predictor: load() once, then predict(batch) from any thread."""

    def __init__(
        self, extractor: Any, checkworthiness: Any = None, stance: Any = None, models: str | None = None
    ) -> None:
        self.extractor = extractor
        self.checkworthiness = checkworthiness
        self.stance = stance
        self.models = models  # the model set these parts come from ("fast" or "full")
        self._lock = threading.Lock()

    @classmethod
    def load(cls, settings: Settings | None = None) -> ClaimPipeline:
        from . import components

        settings = settings or Settings()
        load_spacy()
        return cls(
            components.load_extractor(settings.extractor, settings.models),
            components.load_optional("checkworthiness", settings.models),
            components.load_optional("stance", settings.models),
            models=settings.models,
        )

    def info(self) -> dict[str, Any]:
        parts = [self.extractor.info()]
        parts += [m.info() for m in (self.checkworthiness, self.stance) if m is not None]
        return {
            "name": PIPELINE_NAME,
            "version": __version__,
            "model_set": self.models,
            "components": parts,
        }

    @property
    def model_ref(self) -> dict[str, str]:
        return {"name": PIPELINE_NAME, "version": __version__}

    def predict(self, batch: Sequence[DocumentInput]) -> list[DocumentResult]:
        with self._lock:
            try:
                nlp = load_spacy()
                docs = list(nlp.pipe([d.text for d in batch]))
                return [self._one(d, doc) for d, doc in zip(batch, docs, strict=True)]
            finally:
                _trim_heap()

    # -- one document ------------------------------------------------------------------

    def _one(self, item: DocumentInput, doc: Any) -> DocumentResult:
        from .speakers import SpeakerResolver

        text = item.text
        options = item.options
        sents = sentences(doc)
        sentence_of = SentenceIndex(sents)
        regions = quoted_regions(text)

        if hasattr(self.extractor, "extract_doc"):
            raws = self.extractor.extract_doc(doc)
        else:
            raws = self.extractor.extract(text)
        raws = _dedupe(raws)

        resolver = SpeakerResolver(doc)
        resolved: dict[int, tuple[Any, Span | None]] = {}
        order = sorted(range(len(raws)), key=lambda i: (raws[i].source or (10**12, 0))[0])
        for i in order:
            resolved[i] = resolver.resolve(raws[i].source)

        claims: list[Claim] = []
        for i, raw in enumerate(raws):
            start, end = main_span(raw)
            # PolNeAR's content includes the complementizer; a claim reads better without it
            lead = re.match(r"(?:that|whether|if)\s+", text[start:end], flags=re.IGNORECASE)
            if lead and lead.end() < end - start:
                start += lead.end()
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and topic_only(span):
                continue
            speaker, mention = resolved[i]
            cue = Span(text[raw.cue[0]:raw.cue[1]], *raw.cue) if raw.cue else None
            claims.append(Claim(
                id="", text=text[start:end], start=start, end=end, sentence=sentence_of(start),
                speaker_id=speaker.id if speaker is not None else None, speaker_mention=mention,
                cue=cue, type=claim_type(quoted_fraction(regions, start, end, text)),
                confidence=round(float(raw.score), 4),
                segments=[Span(text[a:b], a, b) for a, b in raw.content] if len(raw.content) > 1 else [],
            ))

        if options.include_unattributed:
            claims += self._unattributed(text, sents, claims)
        _inherit_speakers(claims)
        claims.sort(key=lambda c: (c.start, c.end))

        self._score_checkworthiness(claims)
        if options.include_unattributed and self.checkworthiness is not None:
            threshold = float(self.checkworthiness.threshold)
            claims = [c for c in claims if c.type != "unattributed" or (c.checkworthiness or 0) >= threshold]
        if options.min_checkworthiness is not None and self.checkworthiness is not None:
            claims = [c for c in claims if (c.checkworthiness or 0.0) >= float(options.min_checkworthiness)]
        if options.min_confidence is not None:
            claims = [c for c in claims if c.confidence >= float(options.min_confidence)]
        for n, claim in enumerate(claims, 1):
            claim.id = f"c{n}"

        targets = list(item.targets or [])
        if not targets and self.stance is not None and options.detect_targets:
            from .targets import detect_targets

            targets = detect_targets(doc, max_targets=5)
        scope = options.stance_scope
        self._score_stance(claims, targets[:MAX_TARGETS], doc, scope, resolver.speakers)

        used = {c.speaker_id for c in claims}
        speakers = [s for s in resolver.speakers if s.id in used]
        return DocumentResult(
            id=item.id, model=self.model_ref, speakers=speakers, claims=claims, targets=targets,
            speaker_stances=aggregate_stances(claims),
        )

    @staticmethod
    def _unattributed(text: str, sents: Sequence[Any], claims: Sequence[Claim]) -> list[Claim]:
        covered = [(c.start, c.end) for c in claims]
        out = []
        for s in sents:
            if any(a < s.end and s.start < b for a, b in covered):
                continue
            if len(text[s.start:s.end].split()) < 4:
                continue
            out.append(Claim(id="", text=text[s.start:s.end], start=s.start, end=s.end,
                             sentence=s.index, speaker_id=None, speaker_mention=None, cue=None,
                             type="unattributed", confidence=1.0))
        return out

    def _score_checkworthiness(self, claims: list[Claim]) -> None:
        if self.checkworthiness is None or not claims:
            return
        scores = self.checkworthiness.predict([c.text for c in claims])
        for claim, score in zip(claims, scores, strict=True):
            claim.checkworthiness = round(float(score), 4)

    def _score_stance(self, claims: list[Claim], targets: Sequence[str], doc: Any, scope: str,
                      speakers: Sequence[Any] = ()) -> None:
        """Stance of each claim towards each target it mentions (scope "mentions", the default),
        or towards every target (scope "all"). A person target is found by name, title or pronoun
        (models/name_targets.py). A stance-taking predicate that governs the mention ("opposes a
        ceasefire", "urged a ceasefire") is evidence multiplied into the classifier's distribution
        (models/stance_cues.py); a denial cue swaps favor and against."""
        if self.stance is None or not claims or not targets:
            return
        from .name_targets import (
            FIRST_PERSON,
            is_target_speaker,
            refers,
            speaker_input,
            speaker_label,
            with_names,
        )
        from .stance_cues import (
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

        names: dict[str | None, set[str]] = {None: set()}
        for sp in speakers:
            known = names_of(sp.name) | {n for m in sp.mentions for n in names_of(m.text)}
            for extra in (sp.affiliation, (sp.canonical or "").partition(":")[2]):
                if extra:
                    known |= names_of(extra)
            names[sp.id] = known
        mode = self.stance.speaker_input  # "", "name" or "description": what the model was trained on
        speaker_name = {sp.id: speaker_label(sp, mode) for sp in speakers} if mode else {}
        refs: dict[str, set[int]] = {}  # per name target: the tokens that refer to it
        jobs: list[tuple[Claim, str, Any, str]] = []
        target_terms = list(zip(targets, terms_for_many(targets), strict=True))
        for claim in claims:
            span = doc.char_span(claim.start, claim.end, alignment_mode="expand")
            words = words_of(span) if span is not None else None
            cue_span = (claim.cue.start, claim.cue.end) if claim.cue is not None else None
            for target, terms in target_terms:
                text_in = claim.text
                if terms is not None and terms.name is not None and span is not None:
                    if target not in refs:
                        refs[target] = refers(doc, terms.name)
                    found = [t for t in span if t.i in refs[target]]
                    if is_target_speaker(terms.name, names.get(claim.speaker_id)):
                        found += [t for t in span if t.lower_ in FIRST_PERSON]  # "I will win"
                    text_in = with_names(doc, claim.start, claim.end, refs[target], terms.name)
                else:
                    found = mentions(words, terms) if words is not None and terms is not None else []
                if not found and scope != "all":
                    continue
                cue = next((c for c in map(explicit_stance, found) if c is not None
                            and held_by_speaker(c[1], names.get(claim.speaker_id), cue_span)), None)
                if mode:
                    text_in = speaker_input(speaker_name.get(claim.speaker_id), text_in)
                jobs.append((claim, target, cue, text_in))
        if not jobs:
            return
        dists = self.stance.predict_proba([(t, x) for _, t, _, x in jobs])
        for (claim, target, cue, _), dist in zip(jobs, dists, strict=True):
            evidence = None
            if cue is not None:
                label, word = cue
                dist = combine(dist, label, CUE_WEIGHT)
                evidence = Span(word.text, word.idx, word.idx + len(word.text))
            elif claim.cue is not None and denies(doc, claim.cue.start, claim.cue.end):
                # "X denied that ...": the content's stance is the opposite of the speaker's
                dist = swap_polarity(dist)
                evidence = claim.cue
            label = max(dist, key=dist.get)
            claim.stances.append(Stance(target, label, round(float(dist[label]), 4), evidence))


def _load_trim() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None


_malloc_trim = _load_trim()


def _trim_heap() -> None:
    """Give the pages freed by a request back to the OS (glibc malloc_trim).

    Over 60 PolNeAR dev articles in one process, resident memory otherwise crept from 694 to
    997 MB (freed tensors and spaCy docs leave fragmented heap pages); with a trim after each
    batch it stayed at 730 MB and the peak fell from 1,017 to 915 MB. A trim costs about 1 ms.
    """
    if _malloc_trim is not None:
        _malloc_trim(0)


def _inherit_speakers(claims: list[Claim]) -> None:
    """A cue with no source takes the speaker of an attributed claim in its own sentence ("In
    remarks to the Council, an official stated ..."), else of the claim just before it in the
    previous sentence ("The concern is that ..." continues the official's remarks)."""
    ordered = sorted(claims, key=lambda c: c.start)
    for i, claim in enumerate(ordered):
        if claim.speaker_id is not None or claim.cue is None:
            continue
        same = [c for c in ordered if c.sentence == claim.sentence and c.speaker_id is not None
                and c.speaker_mention is not None]
        if same:
            claim.speaker_id = min(same, key=lambda c: abs(c.start - claim.start)).speaker_id
            continue
        prev = ordered[i - 1] if i > 0 else None
        if prev is not None and prev.speaker_id is not None and claim.sentence - prev.sentence == 1:
            claim.speaker_id = prev.speaker_id


def _dedupe(raws: Sequence[RawAttribution]) -> list[RawAttribution]:
    """Drop attributions whose content equals another's; keep the higher score."""
    best: dict[tuple[int, int], RawAttribution] = {}
    for raw in raws:
        if not raw.content:
            continue
        key = (raw.content[0][0], raw.content[-1][1])
        if key not in best or raw.score > best[key].score:
            best[key] = raw
    return sorted(best.values(), key=lambda r: r.content[0][0])
