"""Reader for the PolNeAR attribution corpus (brat standoff), for training and evaluation only.

Layout (read only, never copied into the repo), under ``<data root>/attribution/polnear``::

    <root>/data/<split>/text/<article>.txt
    <root>/data/<split>/attributions/<article>_<annotator>.ann

``T`` lines hold typed spans (``Source``, ``Cue``, ``Content``, ``Attribution``, ``Discard``,
``Discuss``) with one or more ``start end`` pieces separated by ``;`` (discontinuous spans).
``E`` lines (``Attribution`` or ``Attribution-no-source``) link the roles of one attribution:
``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1``. Any role may be missing.

Some articles are annotated by several annotators (one ``.ann`` per annotator id). We keep ONE
annotation per article, for train and dev alike: the file whose annotator id sorts first
(deterministic, independent of file-system order). ``load_split(..., all_annotations=True)``
returns every annotation instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from models.tagger import ROLES
from models.training.data import DEFAULT_DATA_ROOT
from models.types import Offsets, RawAttribution

_ANN_RE = re.compile(r"^(?P<article>.+)_(?P<annotator>[0-9a-zA-Z]+)\.ann$")


@dataclass(frozen=True)
class GoldAttribution:
    """One gold attribution: every role keeps all of its (possibly discontinuous) pieces."""

    source: tuple[Offsets, ...] = ()
    cue: tuple[Offsets, ...] = ()
    content: tuple[Offsets, ...] = ()

    def pieces(self, role: str) -> tuple[Offsets, ...]:
        return {"Source": self.source, "Cue": self.cue, "Content": self.content}[role]

    def to_raw(self) -> RawAttribution:
        """Collapse to the extractor interface (cue/source as their covering span)."""

        def cover(p: tuple[Offsets, ...]) -> Offsets | None:
            return (min(s for s, _ in p), max(e for _, e in p)) if p else None

        return RawAttribution(cue=cover(self.cue), source=cover(self.source), content=self.content)


@dataclass
class Article:
    name: str
    text: str
    annotator: str | None
    attributions: list[GoldAttribution] = field(default_factory=list)


def _parse_offsets(field_: str) -> tuple[Offsets, ...]:
    out = []
    for piece in field_.split(";"):
        a, b = piece.split()
        s, e = int(a), int(b)
        if e > s:
            out.append((s, e))
    return tuple(sorted(out))


def _trim(text: str, pieces: tuple[Offsets, ...]) -> tuple[Offsets, ...]:
    """Drop surrounding whitespace of each piece (offsets stay exact; empty pieces vanish)."""
    out = []
    for s, e in pieces:
        s, e = max(0, s), min(len(text), e)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return tuple(out)


def parse_ann(ann: str, text: str) -> list[GoldAttribution]:
    """Parse the content of one brat ``.ann`` file into gold attributions."""
    spans: dict[str, tuple[str, tuple[Offsets, ...]]] = {}
    events: list[str] = []
    for line in ann.splitlines():
        if not line.strip():
            continue
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            head = parts[1].split(" ", 1)
            if len(head) != 2:
                continue
            try:
                spans[parts[0]] = (head[0], _trim(text, _parse_offsets(head[1])))
            except ValueError:
                continue
        elif line.startswith("E"):
            parts = line.split("\t")
            if len(parts) >= 2:
                events.append(parts[1])
    out: list[GoldAttribution] = []
    for ev in events:
        roles: dict[str, list[Offsets]] = {r: [] for r in ROLES}
        for arg in ev.split():
            if ":" not in arg:
                continue
            role, tid = arg.split(":", 1)
            role = re.sub(r"\d+$", "", role)  # brat numbers repeated roles: Content2
            if role in roles and tid in spans and spans[tid][0] == role:
                roles[role].extend(spans[tid][1])
        if not roles["Cue"] and not roles["Content"] and not roles["Source"]:
            continue
        out.append(
            GoldAttribution(
                source=tuple(sorted(roles["Source"])),
                cue=tuple(sorted(roles["Cue"])),
                content=tuple(sorted(roles["Content"])),
            )
        )
    out.sort(key=lambda a: min(s for s, _ in (a.cue or a.content or a.source)))
    return out


def corpus_dir(data_root: Path | str = DEFAULT_DATA_ROOT) -> Path:
    """The PolNeAR folder under a data root (``--data-root``)."""
    return Path(data_root) / "attribution" / "polnear"


def split_dir(split: str, root: Path | str | None = None) -> Path:
    """The folder of one split (``text/`` and ``attributions/``); ``root`` is the corpus folder,
    by default the one under the shared data root."""
    base = Path(root) if root else corpus_dir()
    if (base / "data").is_dir():
        base = base / "data"
    return base / split


def load_split(split: str, root: Path | str | None = None, all_annotations: bool = False) -> list[Article]:
    """Load ``train`` / ``dev`` / ``test``: one Article per text (first annotator id).

    ``root``: the corpus folder (``corpus_dir(data_root)``); default the one under the shared data
    root beside the repository.
    """
    base = split_dir(split, root)
    if not (base / "attributions").is_dir():  # a mistyped --data-root would otherwise read 0 articles
        raise FileNotFoundError(f"no PolNeAR {split} split in {base} (see --data-root)")
    by_article: dict[str, list[tuple[str, Path]]] = {}
    for ann in sorted((base / "attributions").glob("*.ann")):
        m = _ANN_RE.match(ann.name)
        article, annot = (m["article"], m["annotator"]) if m else (ann.stem, "")
        if not (base / "text" / f"{article}.txt").exists() and (base / "text" / f"{ann.stem}.txt").exists():
            article, annot = ann.stem, ""
        by_article.setdefault(article, []).append((annot, ann))
    articles = []
    for name in sorted(by_article):
        text_path = base / "text" / f"{name}.txt"
        if not text_path.exists():
            continue
        text = text_path.read_text(encoding="utf-8")
        anns = sorted(by_article[name])
        for annot, path in anns if all_annotations else anns[:1]:
            atts = parse_ann(path.read_text(encoding="utf-8"), text)
            articles.append(Article(name=name, text=text, annotator=annot or None, attributions=atts))
    return articles


def char_roles(text: str, attributions: list[GoldAttribution]) -> tuple[list[str | None], list[int]]:
    """Per character: role label (or None) and span id (same id = same role of one attribution)."""
    role: list[str | None] = [None] * len(text)
    span_id = [-1] * len(text)
    k = 0
    for att in attributions:
        for r in ROLES:
            pieces = att.pieces(r)
            if not pieces:
                continue
            for s, e in pieces:
                for i in range(s, min(e, len(text))):
                    role[i] = r
                    span_id[i] = k
            k += 1
    return role, span_id
