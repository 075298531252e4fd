"""ScoreCheckworthiness: every claim of the batch scored in one call of the classifier."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .state import DocState


class ScoreCheckworthiness:
    name = "score_checkworthiness"

    def __init__(self, model: Any) -> None:
        self.model = model  # models.checkworthiness.CheckworthinessModel

    def __call__(self, states: Sequence[DocState]) -> None:
        claims = [c for s in states for c in s.claims]
        if not claims:
            return
        for claim, score in zip(claims, self.model.predict([c.text for c in claims]), strict=True):
            claim.checkworthiness = round(float(score), 4)
