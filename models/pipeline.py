"""The claim pipeline: text in, speakers and attributed claims out (no web framework here).

predict(batch) parses every document once (spaCy), then runs the named steps of models/steps/
over the whole batch:

    attribute -> resolve_speakers -> build_claims -> score_checkworthiness -> filter
    -> detect_targets -> score_stance -> summarise

The model steps take the claims or (target, claim) pairs of every document in one call. The
check-worthiness and stance steps run only when their weights are in models/weights/; info()
lists the steps that run.

A CancelToken (models/base.py) stops a prediction between spaCy's components, between steps and
between the models' forward passes, with Cancelled.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
from collections.abc import Sequence
from typing import Any

from .base import CancelToken, DocumentInput, Extractor, Settings, cancelling, check_cancelled, current_token
from .nlp import load_spacy, parse
from .steps import (
    Attribute,
    BuildClaims,
    DetectTargets,
    DocState,
    Filter,
    ResolveSpeakers,
    ScoreCheckworthiness,
    ScoreStance,
    Step,
    Summarise,
)
from .types import DocumentResult
from .version import __version__

log = logging.getLogger(__name__)

PIPELINE_NAME = "claimscope"


class ClaimPipeline:
    """The Predictor: load() once, then predict(batch) from any thread.

    ``checkworthiness`` and ``stance`` are optional models; without them their steps are left out.
    """

    def __init__(self, extractor: Extractor | None, checkworthiness: Any = None, stance: Any = None,
                 models: str | None = None, concepts: Any = None) -> None:
        self.extractor = extractor
        self.checkworthiness = checkworthiness
        self.stance = stance
        self.concepts = concepts  # models.concepts.ConceptMatcher: concept targets by meaning
        self.models = models  # the model set these parts come from ("fast" or "full")
        self._lock = threading.Lock()

    @classmethod
    def load(cls, settings: Settings | None = None) -> ClaimPipeline:
        from . import components

        settings = settings or Settings()
        components.configure_torch(settings)
        load_spacy()
        # first: quantizing it holds a float copy for a moment, which costs less peak memory
        # before the other models are in
        concepts = components.load_concepts(settings) if components.has_weights("stance", settings.models) else None
        return cls(
            components.load_extractor(settings),
            components.load_optional("checkworthiness", settings),
            components.load_optional("stance", settings),
            models=settings.models,
            concepts=concepts,
        )

    def steps(self) -> list[Step]:
        """The steps predict() runs, in order (built from the parts present now)."""
        if self.extractor is None:
            raise RuntimeError("the pipeline has no extractor")
        steps: list[Step] = [Attribute(self.extractor), ResolveSpeakers(), BuildClaims()]
        if self.checkworthiness is not None:
            steps.append(ScoreCheckworthiness(self.checkworthiness))
        threshold = float(self.checkworthiness.threshold) if self.checkworthiness is not None else None
        steps += [Filter(threshold), DetectTargets(detect=self.stance is not None)]
        if self.stance is not None:
            steps.append(ScoreStance(self.stance, self.concepts))
        steps.append(Summarise())
        return steps

    def info(self) -> dict[str, Any]:
        parts = [self.extractor.info()] if self.extractor is not None else []
        parts += [m.info() for m in (self.checkworthiness, self.stance) if m is not None]
        return {
            "name": PIPELINE_NAME,
            "version": __version__,
            "model_set": self.models,
            "steps": [step.name for step in self.steps()] if self.extractor is not None else [],
            "components": parts,
        }

    @property
    def model_ref(self) -> dict[str, str]:
        return {"name": PIPELINE_NAME, "version": __version__}

    def predict(self, batch: Sequence[DocumentInput], cancel: CancelToken | None = None) -> list[DocumentResult]:
        """The results of the batch; Cancelled when ``cancel`` (or the current token) is cancelled
        before the prediction is done (checked between spaCy's components and between steps)."""
        token = cancel if cancel is not None else current_token()
        with self._lock, cancelling(token):
            try:
                steps = self.steps()
                docs = parse(load_spacy(), [d.text for d in batch], check=check_cancelled)
                states = [DocState.start(item, doc) for item, doc in zip(batch, docs, strict=True)]
                for step in steps:
                    check_cancelled()
                    step(states)
                check_cancelled()
                return [self._result(s) for s in states]
            finally:
                _trim_heap()

    def _result(self, state: DocState) -> DocumentResult:
        return DocumentResult(
            id=state.item.id, model=self.model_ref, speakers=state.speakers, claims=state.claims,
            targets=state.targets, speaker_stances=state.speaker_stances,
        )


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
