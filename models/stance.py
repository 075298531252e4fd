"""Stance of a claim towards a target: favor / against / neutral (MiniLM cross-encoder)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from models.classifier import SequenceClassifier, read_metrics
from models.encoder import weights_path

NAME = "claimscope-stance"
VERSION = "2.0.0"
LABELS = ("favor", "against", "neutral")


def apply_label_weights(dist: dict[str, float], weights: dict[str, float]) -> dict[str, float]:
    """``dist`` with each label's probability multiplied by its weight (1 when absent), renormalised."""
    if not weights:
        return dist
    scaled = {lab: p * float(weights.get(lab, 1.0)) for lab, p in dist.items()}
    total = sum(scaled.values()) or 1.0
    return {lab: p / total for lab, p in scaled.items()}


class StanceModel:
    """Cross-encoder over ``tokenizer(target, claim_text)``."""

    def __init__(self, clf: SequenceClassifier) -> None:
        self._clf = clf
        if set(clf.labels) != set(LABELS):
            raise ValueError(f"unexpected stance labels {clf.labels}")
        self.labels = list(clf.labels)
        # trained on "<speaker>: <claim>" texts (models.name_targets.speaker_input), the speaker as
        # its "name" or "description" (speaker_label), or on claims alone ("")
        mode = clf.metrics.get("speaker_input", "")
        self.speaker_input: str = "name" if mode is True else (mode or "")
        # favor / against / neutral multipliers for person targets, chosen on the news dev labels
        # (models/training/stance_priors.py; applied by models/steps/stance.py)
        self.label_weights: dict[str, float] = dict(clf.metrics.get("label_weights") or {})
        # per speaker side toward a person target ("self", "ally", "rival";
        # models.name_targets.speaker_side): label multipliers learnt from the news train labels
        # (models/training/speaker_sides.py)
        self.side_weights: dict[str, dict[str, float]] = {
            side: dict(w) for side, w in (clf.metrics.get("side_weights") or {}).items()}

    @classmethod
    def load(cls, path: Path | None = None, precision: str = "fp32", device: str = "cpu") -> StanceModel:
        path = Path(path) if path is not None else weights_path("stance")
        max_length = int(read_metrics(path).get("max_length", 128))
        return cls(SequenceClassifier(path, max_length=max_length, batch_size=32,
                                      precision=precision, device=device))

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, float]]:
        """(label, probability of that label) for each (target, claim_text) pair."""
        out = []
        for dist in self.predict_proba(pairs):
            best = max(dist, key=dist.__getitem__)
            out.append((best, dist[best]))
        return out

    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
        """The classifier's distribution over the three labels for each pair (no label weights:
        the stance step applies them where they were chosen, to person targets)."""
        probs = self._clf.predict_proba([(str(t), str(x)) for t, x in pairs])
        return [{lab: float(v) for lab, v in zip(self.labels, p, strict=True)} for p in probs]

    def info(self) -> dict:
        m = self._clf.metrics
        overall = m.get("dev", {}).get("overall", {})
        per_ds = {
            k: v.get("macro_f1")
            for k, v in m.get("dev", {}).items()
            if isinstance(v, dict) and k != "overall"
        }
        return {
            "name": NAME,
            "version": VERSION,
            "base_model": m.get("base_model", "sentence-transformers/all-MiniLM-L6-v2"),
            "weights": self._clf.path.name,
            "layers": self._clf.layers,
            "labels": list(LABELS),
            "training_data": m.get("training_data", []),
            "dev_metrics": {
                "macro_f1": overall.get("macro_f1"),
                "accuracy": overall.get("accuracy"),
                "per_dataset_macro_f1": per_ds,
            },
            "served": {
                "label_weights_for_person_targets": self.label_weights or None,
                "side_weights_for_person_targets": self.side_weights or None,
                "scope": "claims that mention the target (options.stance_scope)",
                "explicit_evidence": m.get("dev_with_cues", {}).get("explicit_evidence"),
                "dev_macro_f1_with_evidence": m.get("dev_with_cues", {}).get("overall", {}).get("macro_f1"),
            },
        }
