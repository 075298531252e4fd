"""PolNeAR brat reader on a small hand-written snippet (no corpus needed)."""

from __future__ import annotations

import pytest

from models.training.polnear import char_roles, load_split, parse_ann

TEXT = "“We will win,” she said, “and soon.” Officials reported rain.\nFollow us on Twitter."


def _off(sub: str, start: int = 0) -> tuple[int, int]:
    i = TEXT.index(sub, start)
    return i, i + len(sub)


def _ann() -> str:
    c1 = _off("“We will win,”")
    c2 = _off("“and soon.”")
    src = _off("she")
    cue = _off("said")
    src2 = _off("Officials")
    cue2 = _off("reported")
    cont2 = _off("rain.")
    disc = _off("Follow us on Twitter.")
    return "\n".join(
        [
            f"T1\tContent {c1[0]} {c1[1]};{c2[0]} {c2[1]}\t{TEXT[c1[0] : c1[1]]} {TEXT[c2[0] : c2[1]]}",
            f"T2\tSource {src[0]} {src[1]}\tshe",
            f"T3\tCue {cue[0]} {cue[1]}\tsaid",
            f"T4\tAttribution {cue[0]} {cue[1]}\tsaid",
            "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2",
            f"T5\tCue {cue2[0]} {cue2[1]}\treported",
            f"T6\tContent {cont2[0]} {cont2[1]}\train.",
            f"T7\tAttribution {cue2[0]} {cue2[1]}\treported",
            "E2\tAttribution-no-source:T7 Cue:T5 Content:T6 ",
            f"T8\tDiscard {disc[0]} {disc[1]}\tFollow us on Twitter.",
            f"T9\tSource {src2[0]} {src2[1]}\tOfficials",
            "#1\tAnnotatorNotes T9\tnot linked on purpose",
            "",
        ]
    )


def test_parse_discontinuous_and_missing_roles():
    atts = parse_ann(_ann(), TEXT)
    assert len(atts) == 2
    first, second = atts
    assert first.content == (_off("“We will win,”"), _off("“and soon.”"))
    assert [TEXT[s:e] for s, e in first.source] == ["she"]
    assert [TEXT[s:e] for s, e in first.cue] == ["said"]
    assert second.source == ()  # Attribution-no-source
    assert [TEXT[s:e] for s, e in second.cue] == ["reported"]
    raw = first.to_raw()
    assert raw.cue == _off("said") and raw.source == _off("she")
    assert raw.content == first.content


def test_char_roles_are_univocal():
    atts = parse_ann(_ann(), TEXT)
    roles, ids = char_roles(TEXT, atts)
    s, e = _off("said")
    assert set(roles[s:e]) == {"Cue"}
    s, e = _off("“and soon.”")
    assert set(roles[s:e]) == {"Content"}
    c1 = _off("“We will win,”")
    assert ids[c1[0]] == ids[s]  # both content pieces belong to one span id
    gap = TEXT.index(", “and")
    assert roles[gap] is None


def test_load_split_one_annotation_per_article(tmp_path):
    base = tmp_path / "data" / "train"
    (base / "text").mkdir(parents=True)
    (base / "attributions").mkdir(parents=True)
    (base / "text" / "nyt_2016-01-01_article.txt").write_text(TEXT, encoding="utf-8")
    (base / "attributions" / "nyt_2016-01-01_article_d473.ann").write_text(_ann(), encoding="utf-8")
    # second annotator: only the first attribution
    one = "\n".join(_ann().splitlines()[:5]) + "\n"
    (base / "attributions" / "nyt_2016-01-01_article_4e07.ann").write_text(one, encoding="utf-8")
    arts = load_split("train", tmp_path)
    assert len(arts) == 1
    assert arts[0].name == "nyt_2016-01-01_article"
    assert arts[0].annotator == "4e07"  # first annotator id in sort order
    assert len(arts[0].attributions) == 1
    both = load_split("train", tmp_path, all_annotations=True)
    assert sorted(a.annotator for a in both) == ["4e07", "d473"]


def test_corpus_is_found_under_the_data_root_beside_the_repository(tmp_path):
    from pathlib import Path

    from models.training.data import DEFAULT_DATA_ROOT
    from models.training.polnear import corpus_dir, split_dir

    repo = Path(__file__).resolve().parents[2]
    assert DEFAULT_DATA_ROOT == repo.parent / "shared" / "data"
    assert corpus_dir() == DEFAULT_DATA_ROOT / "attribution" / "polnear"
    base = tmp_path / "attribution" / "polnear" / "data" / "dev"
    (base / "text").mkdir(parents=True)
    (base / "attributions").mkdir(parents=True)
    (base / "text" / "a.txt").write_text(TEXT, encoding="utf-8")
    (base / "attributions" / "a_d473.ann").write_text(_ann(), encoding="utf-8")
    assert split_dir("dev", corpus_dir(tmp_path)) == base
    assert [a.name for a in load_split("dev", corpus_dir(tmp_path))] == ["a"]
    with pytest.raises(FileNotFoundError, match="no PolNeAR dev split"):
        load_split("dev", corpus_dir(tmp_path / "elsewhere"))
