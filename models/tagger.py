"""Trained attribution extractor: MiniLM token classifier (BIO over Source / Cue / Content).

Pipeline for one text:

1. Tokenise the whole text once with the fast tokenizer (``offset_mapping`` gives exact
   character offsets), cut the wordpieces into overlapping windows of ``max_length`` (incl.
   [CLS]/[SEP]) with ``overlap`` shared wordpieces, run the encoder on every window and merge the
   per-token label probabilities of overlapping windows with a triangular weight (a token counts
   most in the window where it is most central).
2. Decode: argmax role per wordpiece (P(B-X)+P(I-X) against P(O)); ``##`` continuation pieces
   inherit the role of their word; a span is a maximal run of one role, so an ``I-X`` that does
   not continue an ``X`` span opens a new one (BIO repair).
3. Group spans into attributions (heuristics, see ``group_spans``): every cue takes the closest
   content spans (same or adjacent sentence, content may precede or follow the cue, following
   preferred, never across another cue) and the closest free source (either side, so "according
   to X" works). Content left without a cue becomes an attribution only when a free source sits
   in the same sentence next to it.
4. ``score`` = mean probability of the predicted role over all wordpieces of the attribution.
   Whether a claim is a direct quote is decided later, for every extractor alike
   (``models/steps/claims.py``).
"""

from __future__ import annotations

import bisect
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.base import check_cancelled
from models.encoder import prepare_for_inference, quiet_transformers, weights_path
from models.types import Offsets, RawAttribution

NAME = "claimscope-attribution"
VERSION = "1.0.0"
ROLES = ("Source", "Cue", "Content")
LABELS = ("O", "B-Source", "I-Source", "B-Cue", "I-Cue", "B-Content", "I-Content")
LABEL2ID = {lab: i for i, lab in enumerate(LABELS)}
ROLE_IDS = {r: (LABEL2ID[f"B-{r}"], LABEL2ID[f"I-{r}"]) for r in ROLES}

_EDGE_STRIP = " \t\r\n\u00a0,;:"
_HAS_WORD = re.compile(r"\w")


# ----------------------------------------------------------------------------- windows
def make_windows(n_tokens: int, max_length: int, overlap: int) -> list[tuple[int, int]]:
    """Windows ``[start, end)`` over ``n_tokens`` wordpieces (``max_length`` includes 2 specials)."""
    size = max(8, max_length - 2)
    step = max(1, size - max(0, min(overlap, size - 1)))
    if n_tokens <= size:
        return [(0, n_tokens)]
    out = []
    start = 0
    while True:
        end = start + size
        if end >= n_tokens:
            out.append((max(0, n_tokens - size), n_tokens))
            break
        out.append((start, end))
        start += step
    return out


# ----------------------------------------------------------------------------- text helpers
_SENT_END = re.compile(r"(?:[.!?]+[\"'”’)\]]*|\n)\s+")


def sentence_starts(text: str) -> list[int]:
    """Cheap sentence splitter: after . ! ? (plus closing quotes/brackets) + space, or a newline."""
    starts = [0]
    for m in _SENT_END.finditer(text):
        if m.end() < len(text):
            starts.append(m.end())
    return starts


def strip_span(text: str, s: int, e: int) -> Offsets | None:
    while s < e and text[s] in _EDGE_STRIP:
        s += 1
    while e > s and text[e - 1] in _EDGE_STRIP:
        e -= 1
    return (s, e) if e > s else None


# ----------------------------------------------------------------------------- decoding
@dataclass
class TagSpan:
    role: str
    start: int
    end: int
    probs: list[float]

    @property
    def score(self) -> float:
        return sum(self.probs) / len(self.probs)


def decode(
    text: str,
    offsets: Sequence[Offsets],
    tokens: Sequence[str],
    probs,
    split_on_b: bool = False,
    min_score: float = 0.0,
) -> list[TagSpan]:
    """Turn merged per-token probabilities (n x labels, numpy) into role spans (BIO repaired).

    A span is a maximal run of wordpieces with the same role; an ``I-X`` after ``O`` or another
    role opens a span. With ``split_on_b`` a confident ``B-X`` inside an ``X`` run splits it too;
    off by default because on PolNeAR dev it fragments content more often than it separates two
    adjacent spans of one role (attribution overlap F1 0.677 with vs 0.698 without). Spans without a letter/digit or with
    a mean role probability below ``min_score`` are dropped.
    """
    import numpy as np

    n = len(offsets)
    if n == 0:
        return []
    # probability of each role = P(B-role) + P(I-role); choose O vs roles on these
    role_p = np.stack([probs[:, 0]] + [probs[:, b] + probs[:, i] for b, i in ROLE_IDS.values()], 1)
    best = role_p.argmax(1)
    is_b = [False] * n
    for k in range(n):
        r = int(best[k])
        if r:
            b, i = ROLE_IDS[ROLES[r - 1]]
            is_b[k] = bool(probs[k, b] > probs[k, i])
    spans: list[TagSpan] = []
    cur: TagSpan | None = None
    for k in range(n):
        cont = tokens[k].startswith("##") and k > 0 and offsets[k][0] == offsets[k - 1][1]
        r = int(best[k])
        if cont:  # a word's pieces share one label
            r = int(best[k - 1])
            best[k] = r
        if r == 0:
            cur = None
            continue
        role = ROLES[r - 1]
        if cur is None or cur.role != role or (split_on_b and is_b[k] and not cont):
            cur = TagSpan(role, offsets[k][0], offsets[k][1], [])
            spans.append(cur)
        cur.end = offsets[k][1]
        cur.probs.append(float(role_p[k, r]))
    out = []
    for sp in spans:
        se = strip_span(text, sp.start, sp.end)
        if se and _HAS_WORD.search(text, se[0], se[1]) and sp.score >= min_score:
            sp.start, sp.end = se
            out.append(sp)
    return out


# ----------------------------------------------------------------------------- grouping
def _disjoint(spans: Sequence[TagSpan]) -> bool:
    """Whether the spans (sorted by start) are non-empty and do not overlap."""
    return all(s.start < s.end for s in spans) and all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


def group_spans(text: str, spans: Sequence[TagSpan]) -> list[RawAttribution]:
    starts = sentence_starts(text)

    def sent(pos: int) -> int:
        return bisect.bisect_right(starts, pos) - 1

    cues = sorted((s for s in spans if s.role == "Cue"), key=lambda s: s.start)
    contents = sorted((s for s in spans if s.role == "Content"), key=lambda s: s.start)
    sources = sorted((s for s in spans if s.role == "Source"), key=lambda s: s.start)
    cue_starts = [c.start for c in cues]
    cue_ends = [c.end for c in cues]
    src_starts = [s.start for s in sources]
    src_ends = [s.end for s in sources]
    # spans of one role are disjoint runs of tokens (decode): then only the cues and sources next
    # to a span can pair with it (gap_cost refuses a pair with a cue in between), and the loops
    # below look at those only, with the same results; without it (never in practice) at all
    ordered = _disjoint(cues) and _disjoint(sources)

    def cues_between(a: int, b: int) -> int:
        return bisect.bisect_left(cue_starts, b) - bisect.bisect_right(cue_starts, a - 1)

    ranges: dict[int, tuple[int, int]] = {}  # id(span) -> (first, last) sentence

    def sent_range(x: TagSpan) -> tuple[int, int]:
        got = ranges.get(id(x))
        if got is None:
            got = ranges[id(x)] = (sent(x.start), sent(max(x.start, x.end - 1)))
        return got

    def sent_gap(x: TagSpan, y: TagSpan) -> int:
        xs, xe = sent_range(x)
        ys, ye = sent_range(y)
        if xe < ys:
            return ys - xe
        if ye < xs:
            return xs - ye
        return 0

    def gap_cost(cue: TagSpan, other: TagSpan, before_penalty: int, after_penalty: int) -> float | None:
        sents_apart = sent_gap(cue, other)
        if sents_apart > 1:
            return None
        if other.start >= cue.end:  # other follows the cue
            gap, pen = other.start - cue.end, after_penalty
            between = cues_between(cue.end, other.start)
        else:  # other precedes the cue
            gap, pen = max(0, cue.start - other.end), before_penalty
            between = cues_between(other.end, cue.start)
        if between:
            return None
        return gap + pen + 60 * sents_apart

    # contents -> cue (a cue may collect several pieces: "X," she said, "Y.")
    cue_content: dict[int, list[TagSpan]] = {i: [] for i in range(len(cues))}
    orphan_contents: list[TagSpan] = []
    for ct in contents:
        best, best_cost = None, None
        # the last cue ending before the content, those overlapping it, the first one after it
        near = (range(max(0, bisect.bisect_right(cue_ends, ct.start) - 1),
                      min(len(cues), bisect.bisect_left(cue_starts, ct.end) + 1))
                if ordered else range(len(cues)))
        for i in near:
            cu = cues[i]
            cost = gap_cost(cu, ct, before_penalty=30, after_penalty=0)
            if cost is not None and (best_cost is None or cost < best_cost):
                best, best_cost = i, cost
        if best is None:
            orphan_contents.append(ct)
        else:
            cue_content[best].append(ct)

    # sources -> cue, globally greedy by cost, one source per cue and one cue per source
    pairs = []
    for i, cu in enumerate(cues):
        if not cue_content[i]:
            continue
        # sources ending after the previous cue's start and starting by the next cue's start
        lo = bisect.bisect_right(src_ends, cues[i - 1].start) if ordered and i > 0 else 0
        hi = bisect.bisect_right(src_starts, cues[i + 1].start) if ordered and i + 1 < len(cues) else len(sources)
        for j in range(lo, hi):
            so = sources[j]
            cost = gap_cost(cu, so, before_penalty=0, after_penalty=10)
            if cost is None:
                continue
            # a source inside the cue's own content is not its source
            if any(ct.start <= so.start and so.end <= ct.end for ct in cue_content[i]):
                continue
            pairs.append((cost, i, j))
    pairs.sort()
    cue_source: dict[int, TagSpan] = {}
    used_sources: set[int] = set()
    for _cost, i, j in pairs:
        if i in cue_source or j in used_sources:
            continue
        cue_source[i] = sources[j]
        used_sources.add(j)

    # a cue left without a source inherits the source of the previous cue of its sentence
    # ("Trump tweeted that ..., saying ...": one source, two attributions)
    for i, cu in enumerate(cues):
        if i in cue_source or not cue_content[i]:
            continue
        for k in range(i - 1, -1, -1):
            if sent(cues[k].end - 1) != sent(cu.start):
                break
            if k in cue_source:
                if cue_source[k].end <= cues[k].start:  # only a source that precedes its cue
                    cue_source[i] = cue_source[k]
                break

    out: list[tuple[int, RawAttribution]] = []

    def make(cue: TagSpan | None, src: TagSpan | None, cts: list[TagSpan]) -> RawAttribution:
        cts = sorted(cts, key=lambda s: s.start)
        pieces = tuple((c.start, c.end) for c in cts)
        probs = [p for sp in ([cue] if cue else []) + ([src] if src else []) + cts for p in sp.probs]
        return RawAttribution(
            cue=(cue.start, cue.end) if cue else None,
            source=(src.start, src.end) if src else None,
            content=pieces,
            score=round(sum(probs) / len(probs), 4),
        )

    for i, cu in enumerate(cues):
        if cue_content[i]:
            out.append((cu.start, make(cu, cue_source.get(i), cue_content[i])))

    # content without a cue: keep it only when a free source sits next to it in its sentence
    for ct in orphan_contents:
        best, best_gap = None, None
        near = (range(bisect.bisect_left(src_ends, ct.start - 40), bisect.bisect_right(src_starts, ct.end + 40))
                if ordered else range(len(sources)))
        for j in near:
            so = sources[j]
            if j in used_sources or sent_gap(so, ct) != 0:
                continue
            gap = so.start - ct.end if so.start >= ct.end else ct.start - so.end
            if gap <= 40 and (best_gap is None or gap < best_gap):
                best, best_gap = j, gap
        if best is not None:
            used_sources.add(best)
            out.append((ct.start, make(None, sources[best], [ct])))
    out.sort(key=lambda x: x[0])
    return [a for _, a in out]


# ----------------------------------------------------------------------------- the extractor
class AttributionTagger:
    """Load with ``AttributionTagger.load()``; thread-safe ``extract`` / ``extract_many``."""

    def __init__(
        self,
        model,
        tokenizer,
        path: Path,
        max_length: int = 256,
        overlap: int = 64,
        batch_size: int = 8,  # 8 windows of 256: same speed as 16, ~40 MB less peak memory
        min_span_score: float = 0.5,
        meta: dict | None = None,
        device: str = "cpu",
    ):
        self.model = model
        self.tokenizer = tokenizer
        self.path = path
        self.max_length = max_length
        self.overlap = overlap
        self.batch_size = batch_size
        self.min_span_score = min_span_score
        self.meta = meta or {}
        self.device = device
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: Path | None = None, precision: str = "fp32", device: str = "cpu",
             **kwargs) -> AttributionTagger:
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        quiet_transformers()
        path = Path(path) if path else weights_path("attribution")
        if not (path / "config.json").exists():
            raise FileNotFoundError(f"no trained attribution weights in {path}")
        tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        model = AutoModelForTokenClassification.from_pretrained(str(path), dtype=torch.float32, local_files_only=True)
        model = prepare_for_inference(model, precision, device)
        meta = {}
        if (path / "metrics.json").exists():
            meta = json.loads((path / "metrics.json").read_text())
        settings = meta.get("settings", {})
        kw = {
            "max_length": settings.get("max_length", 256),
            "overlap": settings.get("infer_overlap", 64),
            "min_span_score": settings.get("min_span_score", 0.5),
        }
        kw.update(kwargs)
        return cls(model, tokenizer, path, meta=meta, device=device, **kw)

    def info(self) -> dict:
        return {
            "name": NAME,
            "version": VERSION,
            "base": self.meta.get("base", "sentence-transformers/all-MiniLM-L6-v2 (MiniLM-L6-H384-uncased)"),
            "training_data": self.meta.get("training_data", "PolNeAR v1.0.0 train"),
            "weights": self.path.name,
            "layers": self.model.config.num_hidden_layers,
            "dev_metrics": self.meta.get("dev", {}),
            "max_length": self.max_length,
            "overlap": self.overlap,
            "min_span_score": self.min_span_score,
        }

    # -- inference
    def _encode(self, text: str):
        # a whole article, longer than the model's 512 positions: it is cut into windows below, so
        # no "sequence length is longer than the maximum" warning (verbose=False)
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        ids = enc["input_ids"]
        offsets = [tuple(o) for o in enc["offset_mapping"]]
        tokens = self.tokenizer.convert_ids_to_tokens(ids)
        return ids, offsets, tokens

    def token_probs(self, texts: Sequence[str]):
        """Per text: (offsets, tokens, merged probabilities n x len(LABELS))."""
        import numpy as np
        import torch

        encoded = [self._encode(t) for t in texts]
        jobs = []  # (text index, start, end)
        for ti, (ids, _, _) in enumerate(encoded):
            for s, e in make_windows(len(ids), self.max_length, self.overlap):
                if e > s:
                    jobs.append((ti, s, e))
        acc = [np.zeros((len(ids), len(LABELS)), dtype=np.float32) for ids, _, _ in encoded]
        wsum = [np.zeros((len(ids), 1), dtype=np.float32) for ids, _, _ in encoded]
        cls_id, sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        pad_id = self.tokenizer.pad_token_id or 0
        # longest windows first keeps padding small
        jobs.sort(key=lambda j: -(j[2] - j[1]))
        with self._lock, torch.inference_mode():
            for b in range(0, len(jobs), self.batch_size):
                check_cancelled()  # a long text has many windows: stop between their batches
                batch = jobs[b : b + self.batch_size]
                width = max(e - s for _, s, e in batch) + 2
                input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for r, (ti, s, e) in enumerate(batch):
                    seq = [cls_id] + encoded[ti][0][s:e] + [sep_id]
                    input_ids[r, : len(seq)] = torch.tensor(seq)
                    mask[r, : len(seq)] = 1
                logits = self.model(input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device)).logits
                probs = torch.softmax(logits.float(), -1).cpu().numpy()
                for r, (ti, s, e) in enumerate(batch):
                    n = e - s
                    pos = np.arange(n)
                    w = (np.minimum(pos, n - 1 - pos) + 1).astype(np.float32)[:, None]
                    acc[ti][s:e] += probs[r, 1 : n + 1] * w
                    wsum[ti][s:e] += w
        out = []
        for ti, (_ids, offsets, tokens) in enumerate(encoded):
            p = acc[ti] / np.maximum(wsum[ti], 1e-6)
            out.append((offsets, tokens, p))
        return out

    def spans_many(self, texts: Sequence[str]) -> list[list[TagSpan]]:
        return [
            decode(t, o, tk, p, min_score=self.min_span_score)
            for t, (o, tk, p) in zip(texts, self.token_probs(texts), strict=True)
        ]

    def extract_many(self, texts: Sequence[str]) -> list[list[RawAttribution]]:
        """Attributions of each text; the windows of all texts share the forward passes. A blank
        text has none."""
        texts = list(texts)
        out: list[list[RawAttribution]] = [[] for _ in texts]
        todo = [i for i, t in enumerate(texts) if t and t.strip()]
        if todo:
            spans = self.spans_many([texts[i] for i in todo])
            for i, sp in zip(todo, spans, strict=True):
                out[i] = group_spans(texts[i], sp)
        return out

    def extract(self, text: str) -> list[RawAttribution]:
        return self.extract_many([text])[0]

    def extract_docs(self, docs: Sequence[Any]) -> list[list[RawAttribution]]:
        """The Extractor protocol: the tagger reads the parsed documents' texts."""
        return self.extract_many([d.text for d in docs])
