"""The speaker-label tools: B-cubed scoring, mention marking and the two-annotator merge."""

from models.training.speaker_items import bcubed, marked, merge, norm_name


def test_bcubed_perfect_and_split() -> None:
    gold = {"m1": 0, "m2": 0, "m3": 1}
    assert bcubed(gold, {"m1": "a", "m2": "a", "m3": "b"}) == (1.0, 1.0, 1.0)
    p, r, f = bcubed(gold, {"m1": "a", "m2": "b", "m3": "c"})
    assert p == 1.0 and abs(r - (0.5 + 0.5 + 1) / 3) < 1e-9 and 0 < f < 1
    p, r, _ = bcubed(gold, {"m1": "a", "m2": "a", "m3": "a"})
    assert r == 1.0 and abs(p - (2 / 3 + 2 / 3 + 1 / 3) / 3) < 1e-9


def test_marked_inline_and_overlap_skipped() -> None:
    text = "Mr. Smith said the report said so."
    ms = [{"m": "m1", "start": 0, "end": 9, "text": "Mr. Smith"}, {"m": "m2", "start": 4, "end": 9, "text": "Smith"},
          {"m": "m3", "start": 15, "end": 25, "text": "the report"}]
    assert marked(text, ms) == "[[m1: Mr. Smith]] said [[m3: the report]] said so."


def test_norm_name() -> None:
    assert norm_name("The F.B.I.") == norm_name("the f b i") == "f b i"
    assert norm_name(None) == ""


def test_merge_keeps_identical_groups_and_agreed_fields() -> None:
    items = [{"article": "x", "mentions": [{"m": "m1", "start": 0, "end": 5}, {"m": "m2", "start": 10, "end": 12},
                                            {"m": "m3", "start": 20, "end": 30}]}]
    a = [{"article": "x", "entities": [
        {"mentions": ["m1", "m2"], "name": "Jane Smith", "type": "person", "role": "senator", "affiliation": None, "anonymous": False},
        {"mentions": ["m3"], "name": "the report", "type": "document", "role": None, "affiliation": None, "anonymous": False}]}]
    b = [{"article": "x", "entities": [
        {"mentions": ["m2", "m1"], "name": "jane smith", "type": "person", "role": "Sen.", "affiliation": None, "anonymous": False},
        {"mentions": ["m3"], "name": "a report", "type": "media", "role": None, "affiliation": None, "anonymous": False}]}]
    rows, report = merge("dev", items, a, b)
    assert [r["mentions"] for r in rows] == [[[0, 5], [10, 12]], [[20, 30]]]
    assert rows[0]["name"] == "Jane Smith" and rows[0]["role"] is None and rows[0]["type"] == "person"
    assert rows[1]["type"] is None and rows[1]["name"] == "the report"
    assert report["bcubed_f1"] == 1.0 and report["agreed_entities"] == 2
    b[0]["entities"] = [dict(b[0]["entities"][0], mentions=["m1"]), dict(b[0]["entities"][0], mentions=["m2"]),
                        b[0]["entities"][1]]
    rows, report = merge("dev", items, a, b)
    assert [r["mentions"] for r in rows] == [[[20, 30]]] and report["bcubed_f1"] < 1.0
