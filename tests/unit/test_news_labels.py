"""The news label tools: agreement, merging two annotators, and the stance scores."""

from __future__ import annotations

import json
from pathlib import Path

from models.training.news_data import LABEL_DIR
from models.training.news_items import kappa, merge
from models.training.news_stance import stance_scores


def test_kappa_of_identical_and_of_chance_labels():
    assert kappa(["a", "b", "a"], ["a", "b", "a"]) == (1.0, 1.0)
    k, agree = kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"])
    assert agree == 0.5 and abs(k) < 1e-9


def test_merge_keeps_only_agreed_answers():
    items = [{"id": i, "article": "x", "attribution": n, "target": "Donald Trump", "speaker_span": [[0, 1]],
              "content_span": [[2, 3]], "selected_by": "named"} for n, i in enumerate("pq")]
    a = [{"id": "p", "stance": "favor", "about_target": "yes", "checkworthy": "no"},
         {"id": "q", "stance": "against", "about_target": "yes", "checkworthy": "yes"}]
    b = [{"id": "p", "stance": "favor", "about_target": "yes", "checkworthy": "yes"},
         {"id": "q", "stance": "neutral", "about_target": "yes", "checkworthy": "yes"}]
    rows, report = merge("dev", items, a, b)
    assert [r["stance"] for r in rows] == ["favor", None]
    assert [r["checkworthy"] for r in rows] == [None, "yes"]
    assert report["stance"]["agreed"] == 1 and report["about_target"]["kappa"] == 1.0


def test_f_avg_is_the_mean_f1_of_favor_and_against():
    got = stance_scores(["favor", "against", "neutral", "favor"], ["favor", "neutral", "neutral", "against"])
    assert got["per_class"]["favor"]["f1"] == 0.6667 and got["per_class"]["against"]["f1"] == 0.0
    assert got["f_avg"] == 0.3333 and got["accuracy"] == 0.5


def test_committed_labels_hold_offsets_and_agreed_answers_only():
    ids: set[str] = set()
    for name, split, size in (("dev", "dev", 300), ("train", "train", 4000), ("dev2", "dev", 299)):
        rows = [json.loads(line) for line in Path(LABEL_DIR / f"{name}.jsonl").open(encoding="utf-8")]
        assert len(rows) == size and all(r["split"] == split for r in rows)
        assert not ids & {r["id"] for r in rows}  # no item in two files
        ids |= {r["id"] for r in rows}
        assert all("claim" not in r and "passage" not in r for r in rows)  # no article text
        assert {r["stance"] for r in rows} <= {"favor", "against", "neutral", None}
