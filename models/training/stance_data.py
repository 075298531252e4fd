"""Readers of the stance datasets: (target, text, label) training pairs and held-out dev pairs.

Each dataset is read from ``<data root>/stance/<name>`` (``--data-root``; the news labels join
``seeds/labels/news`` to PolNeAR under the same root). Training pairs (target, text) and dev splits:

  VAST        (topic, post or a 60-word topic-centred extract of it with --vast-extract) dev = 10% of NYT article ids (arc_id), seed 13
  Perspectrum (claim, perspective)          dev = its own dataset_split_v1.0.json "dev" claims
  Emergent    (claim, article headline)     dev = 10% of claim ids, seed 13
  FNC-1       (headline, short body extract) dev = 10% of body ids, seed 13
  ARC         (headline, short post extract) dev = its own arc_stances_test.csv split
  IBM claim   (the motion's target, claim)  dev = 10% of topics, seed 13
  IBM ArgKP   (motion, argument)            dev = its own dev split
  news        (target, "<speaker>: <claim>") dev = the labels' dev split (PolNeAR dev articles)
Label map: favor = agree/for/pro/SUPPORT; against = disagree/against/con/UNDERMINE;
neutral = discuss/observing/neutral/unrelated. FNC-1 and ARC are subsampled towards a balanced
class mix (they are dominated by "unrelated"); every dev part is capped at ``DEV_CAP`` pairs.
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from models.stance import LABELS
from models.training.data import DEFAULT_DATA_ROOT

SEED = 13
LABEL_ID = {lab: i for i, lab in enumerate(LABELS)}
MAP = {
    "agree": "favor",
    "for": "favor",
    "1": "favor",
    "SUPPORT": "favor",
    "disagree": "against",
    "against": "against",
    "0": "against",
    "UNDERMINE": "against",
    "discuss": "neutral",
    "observing": "neutral",
    "2": "neutral",
    "unrelated": "neutral",
}
# per-class caps for the training part of FNC-1 / ARC (None = all)
FNC_CAPS = {"agree": 2000, "disagree": None, "discuss": 1500, "unrelated": 1200}
ARC_CAPS = {"agree": None, "disagree": None, "discuss": None, "unrelated": 900}
DEV_CAP = 1200  # per dataset, random sample with fixed seed (keeps the class mix)

Example = tuple[str, str, str]  # (target, text, label)
_SENT = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = set(
    "the a an of to in on and or for is are was were be been with by at as that this it "
    "from has have had not but his her their its they he she we you i will would can "
    "could should about after over into than more".split()
)


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _held_out(keys: set[str], frac: float, seed: int) -> set[str]:
    ordered = sorted(keys)
    random.Random(seed).shuffle(ordered)
    return set(ordered[: max(1, int(round(len(ordered) * frac)))])


def body_extract(headline: str, body: str, max_words: int = 60) -> str:
    """First sentence plus the sentence most overlapping the headline, short."""
    sents = [s.strip() for s in _SENT.split(" ".join(body.split())) if len(s.strip()) > 1]
    if not sents:
        return ""
    hw = {w for w in _WORD.findall(headline.lower()) if w not in _STOP}
    best, best_score = 0, -1.0
    for i, s in enumerate(sents[:40]):
        sw = set(_WORD.findall(s.lower()))
        score = len(hw & sw) - 0.01 * i
        if score > best_score:
            best, best_score = i, score
    chosen = [sents[0]] if best == 0 else [sents[0], sents[best]]
    words = " ".join(chosen).split()
    return " ".join(words[:max_words])


def stance_dir(root: Path | str = DEFAULT_DATA_ROOT) -> Path:
    """The stance datasets' folder under a data root."""
    return Path(root) / "stance"


def load_vast(root: Path | str = DEFAULT_DATA_ROOT, extract_words: int = 0) -> tuple[list[Example], list[Example]]:
    """VAST (topic, post); with ``extract_words`` the post is cut to a short topic-centred extract."""
    rows = _read_csv(stance_dir(root) / "vast" / "vast_train.csv")
    dev_arcs = _held_out({r["arc_id"] for r in rows}, 0.10, SEED)
    train: list[Example] = []
    dev: list[Example] = []
    for r in rows:
        topic, post = r["new_topic"].strip(), " ".join(r["post"].split())
        if extract_words:
            post = body_extract(topic, post, max_words=extract_words)
        ex = (topic, post, MAP[r["label"].strip()])
        (dev if r["arc_id"] in dev_arcs else train).append(ex)
    return train, dev


def load_perspectrum(root: Path | str = DEFAULT_DATA_ROOT) -> tuple[list[Example], list[Example]]:
    base = stance_dir(root) / "perspectrum" / "data" / "dataset"
    claims = json.loads((base / "perspectrum_with_answers_v1.0.json").read_text(encoding="utf-8"))
    pool = {
        p["pId"]: p["text"]
        for p in json.loads((base / "perspective_pool_v1.0.json").read_text(encoding="utf-8"))
    }
    split = json.loads((base / "dataset_split_v1.0.json").read_text(encoding="utf-8"))
    train: list[Example] = []
    dev: list[Example] = []
    for c in claims:
        part = split.get(str(c["cId"]))
        if part not in ("train", "dev"):
            continue  # the test claims are never used
        for cluster in c["perspectives"]:
            label = MAP.get(cluster["stance_label_3"])
            if label is None:
                continue
            pids = [p for p in cluster["pids"] if p in pool]
            # train: up to two paraphrases per perspective cluster; dev: one
            for pid in pids[: (2 if part == "train" else 1)]:
                (train if part == "train" else dev).append((c["text"].strip(), pool[pid].strip(), label))
    return train, dev


def load_emergent(root: Path | str = DEFAULT_DATA_ROOT) -> tuple[list[Example], list[Example]]:
    rows = _read_csv(stance_dir(root) / "emergent" / "url-versions-2015-06-14-clean-train.csv")
    dev_claims = _held_out({r["claimId"] for r in rows}, 0.10, SEED)
    train: list[Example] = []
    dev: list[Example] = []
    for r in rows:
        ex = (r["claimHeadline"].strip(), r["articleHeadline"].strip(), MAP[r["articleHeadlineStance"]])
        (dev if r["claimId"] in dev_claims else train).append(ex)
    return train, dev


def _fnc_format(stances: list[dict], bodies: dict[str, str]) -> list[tuple[Example, str]]:
    out = []
    for r in stances:
        body = bodies.get(r["Body ID"])
        if body is None:
            continue
        head = r["Headline"].strip()
        out.append(((head, body_extract(head, body), MAP[r["Stance"].strip()]), r["Stance"].strip()))
    return out


def _cap(items: list[tuple[Example, str]], caps: dict, seed: int) -> list[Example]:
    by = defaultdict(list)
    for ex, raw in items:
        by[raw].append(ex)
    rng = random.Random(seed)
    out = []
    for raw in sorted(by):
        group = by[raw]
        cap = caps.get(raw)
        out.extend(group if cap is None or len(group) <= cap else rng.sample(group, cap))
    return out


def load_fnc(root: Path | str = DEFAULT_DATA_ROOT) -> tuple[list[Example], list[Example]]:
    base = stance_dir(root) / "fnc-1"
    bodies = {r["Body ID"]: r["articleBody"] for r in _read_csv(base / "train_bodies.csv")}
    stances = _read_csv(base / "train_stances.reconstructed.csv")
    dev_bodies = _held_out({r["Body ID"] for r in stances}, 0.10, SEED)
    tr = _fnc_format([r for r in stances if r["Body ID"] not in dev_bodies], bodies)
    dv = _fnc_format([r for r in stances if r["Body ID"] in dev_bodies], bodies)
    return _cap(tr, FNC_CAPS, SEED), [ex for ex, _ in dv]


def load_arc(root: Path | str = DEFAULT_DATA_ROOT) -> tuple[list[Example], list[Example]]:
    base = stance_dir(root) / "arc"
    bodies = {r["Body ID"]: r["articleBody"] for r in _read_csv(base / "arc_bodies.csv")}
    tr = _fnc_format(_read_csv(base / "arc_stances_train.csv"), bodies)
    dv = _fnc_format(_read_csv(base / "arc_stances_test.csv"), bodies)
    return _cap(tr, ARC_CAPS, SEED), [ex for ex, _ in dv]


def load_ibm_claims(root: Path | str = DEFAULT_DATA_ROOT) -> tuple[list[Example], list[Example]]:
    """IBM Debater claim stance: (the motion's target, claim). PRO / CON are toward the motion; a
    motion against its target ("ban X": sentiment -1) turns them around. Dev: 10% of topics."""
    from models.stance_cues import opposite

    rows = _read_csv(stance_dir(root) / "ibm-claim-stance" / "claim_stance_train.csv")
    dev_topics = _held_out({r["topicId"] for r in rows}, 0.10, SEED)
    train: list[Example] = []
    dev: list[Example] = []
    for r in rows:
        label = MAP.get({"PRO": "SUPPORT", "CON": "UNDERMINE"}.get(r["claims.stance"], ""))
        if label is None:
            continue
        if r["topicSentiment"].strip() == "-1":
            label = opposite(label)
        ex = (r["topicTarget"].strip(), r["claims.claimCorrectedText"].strip(), label)
        (dev if r["topicId"] in dev_topics else train).append(ex)
    return train, dev


def load_argkp(root: Path | str = DEFAULT_DATA_ROOT) -> tuple[list[Example], list[Example]]:
    """IBM ArgKP arguments: (motion, argument), stance 1 / -1 toward the motion; its own dev split."""
    base = stance_dir(root) / "ibm-argkp"

    def read(part: str) -> list[Example]:
        return [(r["topic"].strip(), " ".join(r["argument"].split()), "favor" if r["stance"].strip() == "1" else "against")
                for r in _read_csv(base / f"arguments_{part}.csv")]

    return read("train"), read("dev")


def load_news(root: Path | str = DEFAULT_DATA_ROOT, speaker_input: str = "name") -> tuple[list[Example], list[Example]]:
    """This project's news labels (seeds/labels/news): each gold PolNeAR claim as the served
    pipeline sends it to the classifier (models/training/news_data.py); ``speaker_input`` is how
    a claim shows its speaker (models.name_targets.speaker_label: "name" or "description")."""
    from models.training.news_data import load_labels, training_pairs

    return (training_pairs(load_labels("train"), speaker_input, root),
            training_pairs(load_labels("dev"), speaker_input, root))


LOADERS: dict[str, Callable[..., tuple[list[Example], list[Example]]]] = {
    "vast": load_vast,
    "perspectrum": load_perspectrum,
    "emergent": load_emergent,
    "fnc-1": load_fnc,
    "arc": load_arc,
    "ibm-claim": load_ibm_claims,
    "argkp": load_argkp,
    "news": load_news,
}


DESCRIPTIONS = {
    "vast": "VAST train (90% of NYT articles)",
    "perspectrum": "Perspectrum train split",
    "emergent": "Emergent train (90% of claims)",
    "fnc-1": "FNC-1 train (90% of bodies, subsampled)",
    "arc": "ARC train split (subsampled)",
    "ibm-claim": "IBM Debater claim stance (90% of topics)",
    "argkp": "IBM ArgKP train arguments",
    "news": "ClaimScope news stance labels (seeds/labels/news, PolNeAR train articles)",
}


def load_all(root: Path | str = DEFAULT_DATA_ROOT, vast_extract: int = 0, only: Sequence[str] | None = None,
             speaker_input: str = "name") -> tuple[dict[str, list[Example]], dict[str, list[Example]]]:
    """(train, dev) parts by dataset name, of every dataset or those in ``only``; a dev part of
    more than ``DEV_CAP`` pairs is a fixed-seed sample of it."""
    train: dict[str, list[Example]] = {}
    dev: dict[str, list[Example]] = {}
    options: dict[str, dict] = {"vast": {"extract_words": vast_extract}, "news": {"speaker_input": speaker_input}}
    for name, fn in LOADERS.items():
        if only is not None and name not in only:
            continue
        tr, dv = fn(root, **options.get(name, {}))
        train[name] = tr
        rng = random.Random(SEED)
        dev[name] = dv if len(dv) <= DEV_CAP else rng.sample(dv, DEV_CAP)
    return train, dev
