"""Check-worthiness of sentences: probability that a sentence is a check-worthy factual claim."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from models.classifier import SequenceClassifier
from models.encoder import weights_path

NAME = "claimscope-checkworthiness"
VERSION = "1.0.0"
DEFAULT_THRESHOLD = 0.5


class CheckworthinessModel:
    """Fine-tuned MiniLM binary classifier (CT24 task 1 English)."""

    def __init__(self, clf: SequenceClassifier) -> None:
        self._clf = clf
        self.threshold: float = float(clf.metrics.get("threshold", DEFAULT_THRESHOLD))
        labels = clf.labels
        self._pos = labels.index("checkworthy") if "checkworthy" in labels else 1

    @classmethod
    def load(cls, path: Path | None = None, precision: str = "fp32", device: str = "cpu") -> CheckworthinessModel:
        path = Path(path) if path is not None else weights_path("checkworthiness")
        from models.classifier import read_metrics

        max_length = int(read_metrics(path).get("max_length", 96))
        return cls(SequenceClassifier(path, max_length=max_length, batch_size=32,
                                      precision=precision, device=device))

    def predict(self, texts: Sequence[str]) -> list[float]:
        """Probability (0..1) that each text is check-worthy."""
        return [float(p[self._pos]) for p in self._clf.predict_proba(list(texts))]

    def info(self) -> dict:
        m = self._clf.metrics
        dev = m.get("dev", {}).get("at_threshold", {})
        return {
            "name": NAME,
            "version": VERSION,
            "base_model": m.get("base_model", "sentence-transformers/all-MiniLM-L6-v2"),
            "weights": self._clf.path.name,
            "layers": self._clf.layers,
            "training_data": m.get("training_data", []),
            "threshold": self.threshold,
            "dev_metrics": {k: dev[k] for k in ("precision", "recall", "f1", "accuracy") if k in dev},
            "dev_dataset": m.get("dev", {}).get("dataset"),
        }
