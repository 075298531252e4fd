"""Across many documents: who said what, and who stands where (a job's summary and claims.csv,
``claimscope batch --summary``).

``CorpusSummary.add`` takes finished documents one at a time, as the job store or the batch
runner yields them, and keeps only counts: per speaker (merged across documents by
``speaker_key``), per speaker and target, per day, a few example claim references and the most
check-worthy claims. Its memory grows with the distinct speakers, targets and days, never with
the number of documents or claims, and no result is held after it is counted. ``claim_csv`` writes
one CSV row per claim from the same records, read twice: once for the targets (the columns), once
for the rows.
"""

from __future__ import annotations

import csv
import heapq
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from schemas.extract import published_day

LABELS = ("favor", "against", "neutral")
EXAMPLES_PER_LABEL = 3  # claim references kept per speaker, target and label
OTHER_NAMES = 5  # other names a merged speaker went by
CLAIM_CHARS = 500  # a top claim's text is cut there
# one finished document: its index, its request's id / title / published / source (not its text)
# and its result, the ExtractOut JSON (None when it failed): service.jobs.store.Finished
Record = tuple[int, Mapping[str, Any], Mapping[str, Any] | None]


def normalise_name(name: str) -> str:
    """Lower-case words without punctuation, without a leading "the": "The Kremlin" -> "kremlin"."""
    words = re.findall(r"\w+", name.casefold())
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def speaker_key(speaker: Mapping[str, Any]) -> str:
    """The speaker's key across documents: the ``key`` the pipeline gives it when the result
    carries one, else its type and normalised name ("person:volodymyr zelensky")."""
    key = speaker.get("key")
    if isinstance(key, str) and key:
        return key
    return f"{speaker.get('type') or 'unknown'}:{normalise_name(str(speaker.get('name') or ''))}"


def document_day(fields: Mapping[str, Any]) -> str | None:
    """The day (YYYY-MM-DD) a document was published, when its ``published`` says."""
    value = fields.get("published")
    if not isinstance(value, str):
        return None
    try:
        return published_day(value)
    except ValueError:
        return None


def overall_label(favor: int, against: int, neutral: int) -> str:
    """favor or against, whichever has more claims; "mixed" when they tie above zero; else neutral."""
    if favor > against:
        return "favor"
    if against > favor:
        return "against"
    return "mixed" if favor else "neutral"


def _counts(counts: list[int]) -> dict[str, int]:
    return dict(zip(LABELS, counts, strict=True))


def _target_key(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass
class _Stance:
    counts: list[int] = field(default_factory=lambda: [0, 0, 0])
    examples: list[tuple[Any, int, Any, str]] = field(default_factory=list)  # (document id, index, claim id, label)
    by_day: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class _Speaker:
    names: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    affiliations: Counter[str] = field(default_factory=Counter)
    documents: int = 0
    claims: int = 0
    stances: dict[str, _Stance] = field(default_factory=dict)


@dataclass
class _Target:
    name: str
    documents: int = 0
    counts: list[int] = field(default_factory=lambda: [0, 0, 0])
    speakers: int = 0


def _most_common(counter: Counter[str]) -> str | None:
    return counter.most_common(1)[0][0] if counter else None


class CorpusSummary:
    """Who said what and who stands where, over the documents ``add``ed so far."""

    def __init__(self, top: int = 20) -> None:
        self.top = top
        self.documents = self.failed = self.claims = self.unattributed = self.undated = 0
        self._speakers: dict[str, _Speaker] = {}
        self._targets: dict[str, _Target] = {}
        self._days: dict[str, list[int]] = {}  # day -> [documents, claims]
        self._top: list[tuple[float, int, dict[str, Any]]] = []  # min-heap of the top claims
        self._seen = 0

    def add(self, index: int, fields: Mapping[str, Any], result: Mapping[str, Any] | None) -> None:
        """Count one finished document: its request's fields and its result (None: it failed)."""
        if result is None:
            self.failed += 1
            return
        self.documents += 1
        day = document_day(fields)
        if day is None:
            self.undated += 1
        else:
            self._days.setdefault(day, [0, 0])[0] += 1
        for key in {_target_key(t): t for t in result.get("targets") or []}.items():
            self._target(*key).documents += 1
        keys = self._speakers_of(result.get("speakers") or [])
        doc = {"document_id": fields.get("id") or result.get("id"), "index": index}
        for claim in result.get("claims") or []:
            self._claim(claim, keys.get(claim.get("speaker_id")), doc, fields, day)

    def _speakers_of(self, speakers: Iterable[Mapping[str, Any]]) -> dict[str, str]:
        """Merge a document's speakers into the corpus's; their ids in it -> their keys."""
        keys: dict[str, str] = {}
        for s in speakers:
            key = keys[s["id"]] = speaker_key(s)
            merged = self._speakers.get(key)
            if merged is None:
                merged = self._speakers[key] = _Speaker()
            merged.names[s.get("name") or ""] += 1
            merged.types[s.get("type") or "unknown"] += 1
            for counter, value in ((merged.roles, s.get("role")), (merged.affiliations, s.get("affiliation"))):
                if isinstance(value, str) and value:
                    counter[value] += 1
        for key in set(keys.values()):
            self._speakers[key].documents += 1
        return keys

    def _target(self, key: str, name: str) -> _Target:
        target = self._targets.get(key)
        if target is None:
            target = self._targets[key] = _Target(name)
        return target

    def _claim(self, claim: Mapping[str, Any], key: str | None, doc: dict[str, Any],
               fields: Mapping[str, Any], day: str | None) -> None:
        self.claims += 1
        if day is not None:
            self._days[day][1] += 1
        ref = {**doc, "claim_id": claim.get("id")}
        self._keep_top(claim, ref, key, fields, day)
        if key is None:
            self.unattributed += 1
            return
        speaker = self._speakers[key]
        speaker.claims += 1
        for stance in claim.get("stances") or []:
            label = stance.get("label")
            if label not in LABELS:
                continue
            i = LABELS.index(label)
            tkey = _target_key(stance.get("target") or "")
            target = self._target(tkey, stance.get("target") or "")
            target.counts[i] += 1
            entry = speaker.stances.get(tkey)
            if entry is None:
                entry = speaker.stances[tkey] = _Stance()
                target.speakers += 1
            entry.counts[i] += 1
            if sum(1 for e in entry.examples if e[3] == label) < EXAMPLES_PER_LABEL:
                entry.examples.append((ref["document_id"], ref["index"], ref["claim_id"], label))
            if day is not None:
                entry.by_day.setdefault(day, [0, 0, 0])[i] += 1

    def _keep_top(self, claim: Mapping[str, Any], ref: dict[str, Any], key: str | None,
                  fields: Mapping[str, Any], day: str | None) -> None:
        score = claim.get("checkworthiness")
        if self.top <= 0 or not isinstance(score, int | float):
            return
        self._seen += 1
        rank = (float(score), -self._seen)  # on a tie the earlier claim stays
        if len(self._top) >= self.top and rank <= self._top[0][:2]:
            return
        speaker = self._speakers[key] if key is not None else None
        entry = {**ref, "speaker_key": key, "speaker": _most_common(speaker.names) if speaker else None,
                 "text": str(claim.get("text") or "")[:CLAIM_CHARS], "type": claim.get("type"),
                 "checkworthiness": score, "published": day, "source": fields.get("source"),
                 "stances": [{"target": s.get("target"), "label": s.get("label")} for s in claim.get("stances") or []]}
        if len(self._top) >= self.top:
            heapq.heapreplace(self._top, (*rank, entry))
        else:
            heapq.heappush(self._top, (*rank, entry))

    def to_dict(self, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
        """The summary, with the speakers from ``offset`` (``limit`` of them; None: all), those
        with the most claims first."""
        order = sorted(self._speakers.items(), key=lambda kv: (-kv[1].claims, -kv[1].documents, kv[0]))
        page = order[offset:] if limit is None else order[offset:offset + limit]
        targets = sorted(self._targets.items(), key=lambda kv: (-sum(kv[1].counts), -kv[1].documents, kv[0]))
        return {
            "documents": self.documents, "failed": self.failed, "claims": self.claims,
            "unattributed_claims": self.unattributed, "undated_documents": self.undated,
            "targets": [{"target": t.name, "documents": t.documents, "claims": sum(t.counts),
                         **_counts(t.counts), "speakers": t.speakers} for _, t in targets],
            "dates": [{"date": day, "documents": n[0], "claims": n[1]} for day, n in sorted(self._days.items())],
            "speakers_total": len(order), "offset": offset, "limit": limit,
            "speakers": [self._speaker_out(key, s, [k for k, _ in targets]) for key, s in page],
            "top_claims": [entry for *_, entry in sorted(self._top, key=lambda e: (-e[0], -e[1]))],
        }

    def _speaker_out(self, key: str, speaker: _Speaker, targets: list[str]) -> dict[str, Any]:
        names = [name for name, _ in speaker.names.most_common(OTHER_NAMES + 1)]
        stances = []
        for tkey in targets:
            entry = speaker.stances.get(tkey)
            if entry is None:
                continue
            stances.append({
                "target": self._targets[tkey].name, "label": overall_label(*entry.counts), **_counts(entry.counts),
                "examples": [dict(zip(("document_id", "index", "claim_id", "label"), e, strict=True))
                             for e in entry.examples],
                "by_date": [{"date": day, **_counts(n)} for day, n in sorted(entry.by_day.items())],
            })
        return {"key": key, "name": names[0] if names else "", "other_names": names[1:],
                "type": _most_common(speaker.types), "role": _most_common(speaker.roles),
                "affiliation": _most_common(speaker.affiliations), "documents": speaker.documents,
                "claims": speaker.claims, "stances": stances}


def summarise(records: Iterable[Record], top: int = 20) -> CorpusSummary:
    summary = CorpusSummary(top)
    for index, fields, result in records:
        summary.add(index, fields, result)
    return summary


CSV_COLUMNS = ("index", "document_id", "source", "published", "claim_id", "speaker", "speaker_key", "speaker_type",
               "role", "affiliation", "cue", "claim", "type", "checkworthiness")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula ("=HYPERLINK(...)", "-1+2") starts
    with an apostrophe instead."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return "" if value is None else value


def claim_csv(records: Callable[[], Iterable[Record]]) -> Iterator[str]:
    """claims.csv, a line at a time: one row per claim of the documents ``records()`` yields
    (called twice; the second reading keeps to the documents of the first, so that a job still
    running gives the columns of its rows) with a "stance: <target>" column per target."""
    seen: set[int] = set()
    targets: dict[str, str] = {}
    for index, _, result in records():
        seen.add(index)
        for claim in (result or {}).get("claims") or []:
            for stance in claim.get("stances") or []:
                targets.setdefault(_target_key(stance.get("target") or ""), stance.get("target") or "")
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(row: Iterable[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(value) for value in row])
        return buffer.getvalue()

    yield line([*CSV_COLUMNS, *(f"stance: {name}" for name in targets.values())])
    for index, fields, result in records():
        if result is None or index not in seen:
            continue
        speakers = {s["id"]: s for s in result.get("speakers") or []}
        for claim in result.get("claims") or []:
            speaker = speakers.get(claim.get("speaker_id")) or {}
            labels = {_target_key(s.get("target") or ""): s.get("label") for s in claim.get("stances") or []}
            cue = claim.get("cue") or {}
            yield line([index, fields.get("id") or result.get("id"), fields.get("source"), document_day(fields),
                        claim.get("id"), speaker.get("name"), speaker_key(speaker) if speaker else None,
                        speaker.get("type"), speaker.get("role"), speaker.get("affiliation"), cue.get("text"),
                        claim.get("text"), claim.get("type"), claim.get("checkworthiness"),
                        *(labels.get(key) for key in targets)])
