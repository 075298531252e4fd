"""Filter: the claims each document asked to drop, then the claims numbered c1, c2, ... in text order."""

from __future__ import annotations

from collections.abc import Sequence

from .state import DocState


class Filter:
    """``threshold``: the check-worthiness an unattributed sentence needs to be kept (None when
    the pipeline has no check-worthiness model: then no claim is dropped for its score)."""

    name = "filter"

    def __init__(self, threshold: float | None) -> None:
        self.threshold = threshold

    def __call__(self, states: Sequence[DocState]) -> None:
        for state in states:
            options, claims = state.options, state.claims
            if self.threshold is not None:
                if options.include_unattributed:
                    claims = [c for c in claims
                              if c.type != "unattributed" or (c.checkworthiness or 0) >= self.threshold]
                if options.min_checkworthiness is not None:
                    claims = [c for c in claims if (c.checkworthiness or 0.0) >= options.min_checkworthiness]
            if options.min_confidence is not None:
                claims = [c for c in claims if c.confidence >= options.min_confidence]
            for n, claim in enumerate(claims, 1):
                claim.id = f"c{n}"
            state.claims = claims
