"""DetectTargets: the targets a document gave, else (when asked) its commonest issue phrases."""

from __future__ import annotations

from collections.abc import Sequence

from ..targets import detect_targets
from .state import DocState

MAX_TARGETS = 20  # stance is scored for at most this many targets per document
DETECTED = 5  # targets detected when none are given


class DetectTargets:
    """``detect``: whether to detect targets at all (only worth it when a stance model runs)."""

    name = "detect_targets"

    def __init__(self, detect: bool = True) -> None:
        self.detect = detect

    def __call__(self, states: Sequence[DocState]) -> None:
        for state in states:
            targets = list(state.item.targets or [])
            if not targets and self.detect and state.options.detect_targets:
                targets = detect_targets(state.doc, max_targets=DETECTED)
            state.targets = targets
