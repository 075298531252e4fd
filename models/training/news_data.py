"""The news labels made for this project, joined back to their PolNeAR articles and run through
the served pipeline (training pairs for stance and check-worthiness, and news_stance's scores).

The labels (``seeds/labels/news/``) hold offsets into PolNeAR articles and the two annotators'
agreed answers; the article texts are read from ``<data root>/attribution/polnear`` (never copied
in). Claims are run through the served pipeline's stance step exactly as a request would run
them, in two ways:

* ``gold`` claims: PolNeAR's own attributions stand in for the extractor, so the figures measure
  target relevance and the classifier alone;
* ``pipeline`` claims: the served extractor finds the claims; a labelled claim takes the stance of
  the predicted claim that overlaps it most (none: neutral). This is what a user gets.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.training.data import DEFAULT_DATA_ROOT
from models.training.polnear import corpus_dir, load_split

LABEL_DIR = Path(__file__).resolve().parents[2] / "seeds" / "labels" / "news"
TARGETS = ("Donald Trump", "Hillary Clinton")


def served_pipeline(models: str = "full", weights: Path | None = None, threads: int = 2) -> Any:
    """The pipeline of model set ``models``, with the stance model from ``weights`` when given
    (a candidate to compare with the served one); torch on ``threads`` threads."""
    import torch

    from models.base import Settings
    from models.pipeline import ClaimPipeline
    from models.stance import StanceModel

    torch.set_num_threads(threads)
    pipeline = ClaimPipeline.load(Settings(models=models))
    if weights is not None:
        pipeline.stance = StanceModel.load(weights)
    return pipeline


def load_labels(split: str, field: str = "stance") -> list[dict]:
    """Agreed items of one split that carry an agreed ``field``."""
    rows = [json.loads(line) for line in (LABEL_DIR / f"{split}.jsonl").open(encoding="utf-8")]
    return [r for r in rows if r.get(field) is not None]


@dataclass
class GoldExtractor:
    """An extractor that returns PolNeAR's gold attributions of one article."""

    attributions: Sequence[Any]

    def extract_docs(self, docs: Sequence[Any]) -> list[list]:
        return [[a.to_raw() for a in self.attributions if a.content] for _ in docs]

    def info(self) -> dict:
        return {"name": "polnear-gold"}


class RecordingStance:
    """Stands in for the stance model: keeps every (target, text) the pipeline sends, answers neutral."""

    def __init__(self, speaker_input: str = "name") -> None:
        self.speaker_input = speaker_input
        self.pairs: list[tuple[str, str]] = []

    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
        self.pairs.extend(pairs)
        return [{"favor": 0.0, "against": 0.0, "neutral": 1.0} for _ in pairs]

    def info(self) -> dict:
        return {"name": "recording"}


def _articles(split: str, data_root: Path | str = DEFAULT_DATA_ROOT) -> dict[str, Any]:
    return {a.name: a for a in load_split(split, corpus_dir(data_root))}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _match(claims: Sequence[Any], span: tuple[int, int]) -> Any | None:
    """The claim that overlaps a labelled content span most (at least half of the shorter)."""
    best, best_n = None, 0
    for c in claims:
        n = _overlap((c.start, c.end), span)
        if n > best_n and n * 2 >= min(c.end - c.start, span[1] - span[0]):
            best, best_n = c, n
    return best


def _by_article(items: Sequence[dict]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        out.setdefault(it["article"], []).append(i)
    return out


def _span(item: dict) -> tuple[int, int]:
    return min(s for s, _ in item["content_span"]), max(e for _, e in item["content_span"])


def _predict(pipeline: Any, article: Any, mode: str, scope: str, targets: Sequence[str] = TARGETS) -> Any:
    """The pipeline's result for one article; ``mode`` "gold" puts its gold attributions in place
    of the extractor."""
    from models.base import DocumentInput, Options

    served = pipeline.extractor
    if mode == "gold":
        pipeline.extractor = GoldExtractor(article.attributions)
    try:
        doc_in = DocumentInput(text=article.text, targets=tuple(targets),
                               options=Options(stance_scope=scope, detect_targets=False))
        return pipeline.predict([doc_in])[0]
    finally:
        pipeline.extractor = served


def run(items: Sequence[dict], pipeline: Any, mode: str, scope: str = "mentions",
        data_root: Path | str = DEFAULT_DATA_ROOT) -> list[tuple[str, bool, Any]]:
    """(predicted label, judged about the target, the claim) for each item, in order."""
    arts = _articles(items[0]["split"], data_root) if items else {}
    out: list[tuple[str, bool, Any]] = [("neutral", False, None)] * len(items)
    for name, idx in _by_article(items).items():
        res = _predict(pipeline, arts[name], mode, scope)
        for i in idx:
            claim = _match(res.claims, _span(items[i]))
            stance = next((s for s in claim.stances if s.target == items[i]["target"]), None) if claim else None
            out[i] = (stance.label if stance else "neutral", stance is not None, claim)
    return out


def news_claims(split: str, data_root: Path | str = DEFAULT_DATA_ROOT) -> list[tuple[str, int]]:
    """(claim text as the pipeline returns it, 1 if check-worthy) for the items of ``split`` with an
    agreed ``checkworthy``, each gold claim once (an item per target may repeat a claim)."""
    from models.pipeline import ClaimPipeline

    items = load_labels(split, "checkworthy")
    got = run(items, ClaimPipeline(extractor=None), "gold", data_root=data_root)
    out: dict[tuple[str, int], tuple[str, int]] = {}
    for it, (_, _, claim) in zip(items, got, strict=True):
        if claim is not None:
            out[(it["article"], claim.start)] = (claim.text, int(it["checkworthy"] == "yes"))
    return list(out.values())


def training_pairs(items: Sequence[dict], speaker_input: str = "name",
                   data_root: Path | str = DEFAULT_DATA_ROOT) -> list[tuple[str, str, str]]:
    """(target, text, label) as the served pipeline sends each gold claim to the classifier.

    A claim whose cue is a denial ("denied that ...") is served with favor and against swapped,
    so it is trained with its label swapped back: the classifier learns what the content says."""
    from models.pipeline import ClaimPipeline
    from models.stance_cues import opposite

    recorder = RecordingStance(speaker_input)
    pipeline = ClaimPipeline(extractor=None, stance=recorder)
    arts = _articles(items[0]["split"], data_root) if items else {}
    out = []
    for name, idx in _by_article(items).items():
        recorder.pairs.clear()
        res = _predict(pipeline, arts[name], "gold", "all")
        # the stances come back in the order the pipeline sent their pairs
        flat = [(c, s) for c in res.claims for s in c.stances]
        sent = {(id(c), s.target): (x, s) for (c, s), (_, x) in zip(flat, recorder.pairs, strict=True)}
        for i in idx:
            it = items[i]
            claim = _match(res.claims, _span(it))
            if claim is None or (id(claim), it["target"]) not in sent:
                continue
            text, stance = sent[(id(claim), it["target"])]
            label = it["stance"]
            if stance.evidence is not None and stance.evidence == claim.cue:
                label = opposite(label)
            out.append((it["target"], text, label))
    return out
