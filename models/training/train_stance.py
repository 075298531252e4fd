"""Fine-tune all-MiniLM-L6-v2 as a (target, text) stance cross-encoder: favor / against / neutral.

    python -m models.training.train_stance --threads 1 --max-length 128 --epochs 1.2 \
        --vast-extract 60 --lr 8e-5

The fast set's 3-layer student keeps layers 0, 2 and 4 of the trained model and learns from the
gold labels plus the trained model's soft labels:

    python -m models.training.train_stance --init models/weights/stance --keep-layers 0,2,4 \
        --teacher models/weights/stance --vast-extract 60 --out models/weights/stance-fast ...

Training pairs (target, text) and held-out dev splits:
  VAST        (topic, post or a 60-word topic-centred extract of it with --vast-extract) dev = 10% of NYT article ids (arc_id), seed 13
  Perspectrum (claim, perspective)          dev = its own dataset_split_v1.0.json "dev" claims
  Emergent    (claim, article headline)     dev = 10% of claim ids, seed 13
  FNC-1       (headline, short body extract) dev = 10% of body ids, seed 13
  ARC         (headline, short post extract) dev = its own arc_stances_test.csv split
Label map: favor = agree/for/pro/SUPPORT; against = disagree/against/con/UNDERMINE;
neutral = discuss/observing/neutral/unrelated. FNC-1 and ARC are subsampled towards a balanced
class mix (they are dominated by "unrelated"); the loss is class-weighted (inverse sqrt frequency).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "stance"
NAME = "stance"
SEED = 13
LABELS = ["favor", "against", "neutral"]
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


def load_vast(extract_words: int = 0) -> tuple[list[Example], list[Example]]:
    """VAST (topic, post); with ``extract_words`` the post is cut to a short topic-centred extract."""
    rows = _read_csv(DATA / "vast" / "vast_train.csv")
    dev_arcs = _held_out({r["arc_id"] for r in rows}, 0.10, SEED)
    train, dev = [], []
    for r in rows:
        topic, post = r["new_topic"].strip(), " ".join(r["post"].split())
        if extract_words:
            post = body_extract(topic, post, max_words=extract_words)
        ex = (topic, post, MAP[r["label"].strip()])
        (dev if r["arc_id"] in dev_arcs else train).append(ex)
    return train, dev


def load_perspectrum() -> tuple[list[Example], list[Example]]:
    base = DATA / "perspectrum" / "data" / "dataset"
    claims = json.loads((base / "perspectrum_with_answers_v1.0.json").read_text(encoding="utf-8"))
    pool = {
        p["pId"]: p["text"]
        for p in json.loads((base / "perspective_pool_v1.0.json").read_text(encoding="utf-8"))
    }
    split = json.loads((base / "dataset_split_v1.0.json").read_text(encoding="utf-8"))
    train, dev = [], []
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


def load_emergent() -> tuple[list[Example], list[Example]]:
    rows = _read_csv(DATA / "emergent" / "url-versions-2015-06-14-clean-train.csv")
    dev_claims = _held_out({r["claimId"] for r in rows}, 0.10, SEED)
    train, dev = [], []
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


def load_fnc() -> tuple[list[Example], list[Example]]:
    base = DATA / "fnc-1"
    bodies = {r["Body ID"]: r["articleBody"] for r in _read_csv(base / "train_bodies.csv")}
    stances = _read_csv(base / "train_stances.reconstructed.csv")
    dev_bodies = _held_out({r["Body ID"] for r in stances}, 0.10, SEED)
    tr = _fnc_format([r for r in stances if r["Body ID"] not in dev_bodies], bodies)
    dv = _fnc_format([r for r in stances if r["Body ID"] in dev_bodies], bodies)
    return _cap(tr, FNC_CAPS, SEED), [ex for ex, _ in dv]


def load_arc() -> tuple[list[Example], list[Example]]:
    base = DATA / "arc"
    bodies = {r["Body ID"]: r["articleBody"] for r in _read_csv(base / "arc_bodies.csv")}
    tr = _fnc_format(_read_csv(base / "arc_stances_train.csv"), bodies)
    dv = _fnc_format(_read_csv(base / "arc_stances_test.csv"), bodies)
    return _cap(tr, ARC_CAPS, SEED), [ex for ex, _ in dv]


def load_ibm_claims() -> tuple[list[Example], list[Example]]:
    """IBM Debater claim stance: (the motion's target, claim). PRO / CON are toward the motion; a
    motion against its target ("ban X": sentiment -1) turns them around. Dev: 10% of topics."""
    from models.stance_cues import opposite

    rows = _read_csv(DATA / "ibm-claim-stance" / "claim_stance_train.csv")
    dev_topics = _held_out({r["topicId"] for r in rows}, 0.10, SEED)
    train, dev = [], []
    for r in rows:
        label = MAP.get({"PRO": "SUPPORT", "CON": "UNDERMINE"}.get(r["claims.stance"], ""))
        if label is None:
            continue
        if r["topicSentiment"].strip() == "-1":
            label = opposite(label)
        ex = (r["topicTarget"].strip(), r["claims.claimCorrectedText"].strip(), label)
        (dev if r["topicId"] in dev_topics else train).append(ex)
    return train, dev


def load_argkp() -> tuple[list[Example], list[Example]]:
    """IBM ArgKP arguments: (motion, argument), stance 1 / -1 toward the motion; its own dev split."""
    base = DATA / "ibm-argkp"

    def read(part: str) -> list[Example]:
        return [(r["topic"].strip(), " ".join(r["argument"].split()), "favor" if r["stance"].strip() == "1" else "against")
                for r in _read_csv(base / f"arguments_{part}.csv")]

    return read("train"), read("dev")


# how news claims show their speaker (models.name_targets.speaker_label); --speaker-input sets it
NEWS_OPTIONS = {"speaker_input": "name"}


def load_news() -> tuple[list[Example], list[Example]]:
    """This project's news labels (seeds/labels/news): each gold PolNeAR claim as the served
    pipeline sends it to the classifier (models/training/news_stance.py)."""
    from models.training.news_stance import load_labels, training_pairs

    mode = NEWS_OPTIONS["speaker_input"]
    return training_pairs(load_labels("train"), mode), training_pairs(load_labels("dev"), mode)


LOADERS = {
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


def load_all(vast_extract: int = 0, only: Sequence[str] | None = None
             ) -> tuple[dict[str, list[Example]], dict[str, list[Example]]]:
    train, dev = {}, {}
    for name, fn in LOADERS.items():
        if only is not None and name not in only:
            continue
        tr, dv = fn(vast_extract) if name == "vast" else fn()
        train[name] = tr
        rng = random.Random(SEED)
        dev[name] = dv if len(dv) <= DEV_CAP else rng.sample(dv, DEV_CAP)
    return train, dev


def parse_mix(spec: str) -> dict[str, str]:
    """"news=4x,vast=3000" -> {"news": "4x", "vast": "3000"}: repeat a part, or sample N of it."""
    out = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, size = part.partition("=")
        if name not in LOADERS or not re.fullmatch(r"\d+x?", size):
            raise SystemExit(f"bad --mix part {part!r}: NAME=N or NAME=Nx, NAME in {sorted(LOADERS)}")
        out[name] = size
    return out


def mix_train(train: dict[str, list[Example]], max_train: int | None,
              sizes: dict[str, str] | None = None) -> list[Example]:
    """Concatenate the training parts; with --max-train, shrink every dataset proportionally;
    ``sizes`` (from --mix) repeats a part ("4x") or samples that many of it ("3000")."""
    total = sum(len(v) for v in train.values())
    rng = random.Random(SEED)
    out: list[Example] = []
    for name in LOADERS:
        if name not in train:
            continue
        items = train[name]
        size = (sizes or {}).get(name)
        if size is not None and size.endswith("x"):
            items = items * int(size[:-1])
        elif size is not None:
            items = rng.sample(items, min(len(items), int(size)))
        elif max_train and total > max_train:
            k = int(round(len(items) * max_train / total))
            items = rng.sample(items, k)
        out.extend(items)
    rng.shuffle(out)
    return out


def main(argv: list[str] | None = None) -> int:
    from models.encoder import weights_path

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-train", type=int, default=0, help="subsample train mix to N (0 = all)")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=0, help="stop training after N seconds")
    ap.add_argument(
        "--vast-extract",
        type=int,
        default=0,
        help="cut VAST posts to a topic-centred extract of N words (0 = whole post)",
    )
    ap.add_argument("--probe", type=int, default=0, help="only time N training batches and exit")
    ap.add_argument("--init", type=Path, default=None, help="start from this model (default: the base encoder)")
    ap.add_argument("--keep-layers", default="", help="keep only these encoder layers of --init, e.g. 0,2,4")
    ap.add_argument("--teacher", type=Path, default=None, help="distil from this trained model")
    ap.add_argument("--kd-alpha", type=float, default=0.5, help="weight of the soft-target loss")
    ap.add_argument("--kd-temperature", type=float, default=2.0)
    ap.add_argument("--mix", default="", help="per-dataset size: NAME=N (sample) or NAME=Nx (repeat), comma-separated")
    ap.add_argument("--speaker-input", default=NEWS_OPTIONS["speaker_input"], choices=["name", "description"],
                    help="news claims read as '<speaker>: <claim>', the speaker by name or by its longest mention")
    ap.add_argument("--datasets", default="", help="only these datasets (comma-separated; default all)")
    ap.add_argument("--out", type=Path, default=weights_path(NAME))
    args = ap.parse_args(argv)

    import torch

    from models.classifier import build_student, fine_tune, save_weights, seed_everything
    from models.training.eval_stance import evaluate

    torch.set_num_threads(args.threads)
    seed_everything(SEED)
    t_start = time.time()
    NEWS_OPTIONS["speaker_input"] = args.speaker_input
    only = [d for d in args.datasets.split(",") if d] or None
    train_parts, dev_parts = load_all(args.vast_extract, only)
    mix = mix_train(train_parts, args.max_train or None, parse_mix(args.mix))
    counts = Counter(lab for _, _, lab in mix)
    freq = [counts[lab] / len(mix) for lab in LABELS]
    inv = [1.0 / (f**0.5) for f in freq]
    class_weights = [round(w / (sum(inv) / len(inv)), 4) for w in inv]
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    settings.update(
        seed=SEED,
        class_weights=dict(zip(LABELS, class_weights, strict=True)),
        fnc_caps=FNC_CAPS,
        arc_caps=ARC_CAPS,
        dev_cap_per_dataset=DEV_CAP,
    )
    data = {
        "train_available": {k: len(v) for k, v in train_parts.items()},
        "train_used": dict(Counter(_source_of(mix, train_parts))),
        "train_size": len(mix),
        "train_label_counts": dict(counts),
        "dev_sizes": {k: len(v) for k, v in dev_parts.items()},
        "dev_label_counts": {k: dict(Counter(lab for _, _, lab in v)) for k, v in dev_parts.items()},
    }
    print("settings:", json.dumps(settings))
    print("data:", json.dumps(data))
    tokenizer, model, teacher = build_student(
        3, dict(enumerate(LABELS)), args.init, args.keep_layers, args.teacher
    )
    print(f"student layers={model.config.num_hidden_layers} teacher={args.teacher}", flush=True)
    inputs = [(t, x) for t, x, _ in mix]
    labels = [LABEL_ID[lab] for _, _, lab in mix]
    if args.probe:
        n = args.probe * args.batch_size
        t0 = time.time()
        fine_tune(
            model,
            tokenizer,
            inputs[:n],
            labels[:n],
            epochs=1,
            batch_size=args.batch_size,
            max_length=args.max_length,
            log_every=max(1, args.probe),
            teacher=teacher,
        )
        print(f"probe: {args.probe} batches in {time.time() - t0:.1f}s")
        return 0
    run = fine_tune(
        model,
        tokenizer,
        inputs,
        labels,
        epochs=args.epochs,
        batch_size=args.batch_size,
        max_length=args.max_length,
        lr=args.lr,
        class_weights=class_weights,
        seed=SEED,
        time_limit_s=args.time_limit or None,
        teacher=teacher,
        kd_alpha=args.kd_alpha,
        kd_temperature=args.kd_temperature,
    )
    from models.classifier import predict_with

    def predict(pairs):
        probs = predict_with(model, tokenizer, pairs, args.max_length)
        return [max(range(3), key=lambda i: p[i]) for p in probs]

    dev_metrics = evaluate(predict, dev_parts)
    wall = time.time() - t_start
    metrics = {
        "name": "claimscope-" + NAME,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2"
        + (f", {model.config.num_hidden_layers} of its 6 layers, distilled from {args.teacher.name}" if teacher else ""),
        "layers": model.config.num_hidden_layers,
        "labels": LABELS,
        "max_length": args.max_length,
        "input": "tokenizer(target, text); news claims as '<speaker>: <claim>'",
        "speaker_input": NEWS_OPTIONS["speaker_input"] if "news" in train_parts else "",
        "dev": dev_metrics,
        "settings": settings,
        "training": run,
        "data": data,
        "wall_time_seconds": round(wall, 1),
        "training_data": [DESCRIPTIONS[name] for name in train_parts],
    }
    save_weights(model, tokenizer, args.out, metrics)
    print(
        f"dev overall macro-F1 {dev_metrics['overall']['macro_f1']:.4f} "
        f"acc {dev_metrics['overall']['accuracy']:.4f}"
    )
    print(f"wall time {wall:.0f}s; weights written to {args.out}")
    return 0


def _source_of(mix: list[Example], parts: dict[str, list[Example]]):
    lookup = {}
    for name, items in parts.items():
        for ex in items:
            lookup.setdefault(ex, name)
    return [lookup.get(ex, "?") for ex in mix]


if __name__ == "__main__":
    sys.exit(main())
