"""Turning extract requests into results: one batch runner for /v1/extract/batch, the job workers
and ``claimscope batch``, so that a document gets the same result, or the same error, on each path
and a bad document fails alone."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from typing import Any

from marshmallow import ValidationError

from models import Cancelled, CancelToken, DocumentInput, DocumentResult, Options, Predictor, cancelling
from schemas import ExtractIn, ExtractOut

from .errors import ValidationFailed, document_error, log_exception
from .jobs.store import Entry

log = logging.getLogger(__name__)
extract_in = ExtractIn()
extract_out = ExtractOut()
MAX_BATCH_SIZE = 8  # documents per predictor call: the batch endpoint, the job workers, the CLI
FAILED = {"code": "internal_error", "message": "The document could not be processed."}
TIMED_OUT = {"code": "timeout", "message": "The document took longer than its time limit and was stopped."}

# per document: its result, the error object it failed with, or None (FAILED)
Predictions = list[DocumentResult | dict[str, Any] | None]


def to_input(data: dict[str, Any]) -> DocumentInput:
    """A validated extract request as the models' typed input (its options as models.Options)."""
    targets = data.get("targets")
    return DocumentInput(
        text=data["text"], id=data.get("id"), title=data.get("title"),
        targets=tuple(t.strip() for t in targets) if targets else None,
        options=Options.of(data.get("options")),
    )


def check(raw: Any) -> Entry:
    """``raw`` (one parsed JSON document) checked against ExtractIn; an invalid one keeps its id
    when it is a string, for its error body."""
    try:
        if not isinstance(raw, dict):
            raise ValidationError({"_schema": ["Expected a JSON object."]})
        return extract_in.load(raw), None
    except ValidationError as err:
        doc_id = raw.get("id") if isinstance(raw, dict) else None
        error = ValidationFailed.from_marshmallow(err).to_dict()["error"]
        return ({"id": doc_id} if isinstance(doc_id, str) else None), error


def bad_json(line: int) -> dict[str, Any]:
    """The error object of a JSONL line that does not parse."""
    return {"code": "bad_json", "message": f"Line {line} is not valid JSON."}


def read_line(line: str, number: int) -> Entry:
    """One JSONL line parsed and checked (``number`` names it in the bad_json error)."""
    try:
        raw = json.loads(line)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to decode
        return None, bad_json(number)
    return check(raw)


@dataclass(frozen=True)
class Item:
    """One document of a batch: its checked request, or the error it already got (then
    ``request`` holds at most its id)."""

    index: int
    request: dict[str, Any] | None
    error: dict[str, Any] | None = None

    @property
    def id(self) -> str | None:
        doc_id = (self.request or {}).get("id")
        return doc_id if isinstance(doc_id, str) else None


@dataclass(frozen=True)
class Outcome:
    """What became of one item: its result (the ExtractOut JSON) or its error object."""

    index: int
    id: str | None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        """The result, or the per-document error body {id, index, error}."""
        if self.result is not None:
            return self.result
        return document_error(self.id, self.index, self.error or FAILED)

    def line(self) -> dict[str, Any]:
        """The body with the index first: a line of a job's results or of ``claimscope batch``."""
        return self.body() if self.result is None else {"index": self.index, **self.result}


def _call(fn: Callable[[], Predictions]) -> Predictions:
    return fn()


def run_batch(predictor: Predictor, items: Iterable[Item], size: int = MAX_BATCH_SIZE,
              run: Callable[[Callable[[], Predictions]], Predictions] = _call,
              record: Callable[[list[DocumentResult], int], None] | None = None,
              seconds: float = 0.0) -> Iterator[Outcome]:
    """Predict the items' requests ``size`` at a time and yield every item's outcome, in order,
    as soon as its minibatch is done (results are written while the rest still runs).

    ``run`` calls each minibatch's prediction (the API passes its admission control and timeout);
    ``record`` gets each minibatch's results and how many failed (the metrics). A document that
    fails gets FAILED without failing the others (``predict_each``). ``seconds`` > 0: each
    document's time limit (the job workers); one that passes it is stopped and gets TIMED_OUT.
    """
    items = list(items)
    ready: dict[int, Outcome] = {}
    pending: list[tuple[int, DocumentInput]] = []
    for n, item in enumerate(items):
        if item.error is not None or item.request is None:
            ready[n] = Outcome(item.index, item.id, error=item.error or FAILED)
            continue
        try:
            pending.append((n, to_input(item.request)))
        except (TypeError, ValueError):  # the schema let through what the models refuse
            log_exception(log, "bad input for document %r", item.id)
            ready[n] = Outcome(item.index, item.id, error=FAILED)
    done = 0
    for chunk in minibatch(pending, size):
        docs = [doc for _, doc in chunk]
        results = run(partial(predict_each, predictor, docs, seconds))
        done_ok = [r for r in results if isinstance(r, DocumentResult)]
        if record is not None:
            record(done_ok, len(results) - len(done_ok))
        for (n, _), result in zip(chunk, results, strict=True):
            item = items[n]
            if isinstance(result, DocumentResult):
                ready[n] = Outcome(item.index, item.id, result=dump(result))
            else:
                ready[n] = Outcome(item.index, item.id, error=result or FAILED)
        while done in ready:
            yield ready.pop(done)
            done += 1
    while done in ready:
        yield ready.pop(done)
        done += 1


def minibatch(items: Sequence[Any], size: int = MAX_BATCH_SIZE) -> list[list[Any]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def predict_each(predictor: Predictor, docs: Sequence[DocumentInput], seconds: float = 0.0) -> Predictions:
    """Predict a chunk; if it fails, retry one by one so only the bad document fails (None).

    ``seconds`` > 0: the chunk gets that long per document (a CancelToken deadline); when it
    passes that, its documents run again one by one, each with ``seconds``, and one that passes
    it alone gets TIMED_OUT (a document that keeps timing out fails instead of holding the worker).
    Without ``seconds``, Cancelled (the caller's own token) ends the chunk: no retry.
    """
    try:
        with _time_limit(seconds * len(docs)):
            return list(predictor.predict(list(docs)))
    except Cancelled:
        if seconds <= 0:
            raise
        log.warning("a chunk of %d documents passed its time limit; retrying them one by one", len(docs))
    except Exception:
        log_exception(log, "batch prediction failed; retrying documents one by one")
    out: Predictions = []
    for doc in docs:
        try:
            with _time_limit(seconds):
                out.append(predictor.predict([doc])[0])
        except Cancelled:
            if seconds <= 0:
                raise
            log.warning("document %r passed its time limit of %g s and was stopped", doc.id, seconds)
            out.append(TIMED_OUT)
        except Exception:
            log_exception(log, "prediction failed for document %r", doc.id)
            out.append(None)
    return out


def _time_limit(seconds: float) -> AbstractContextManager[None]:
    """A deadline ``seconds`` from now for the predictions in the block (none when 0)."""
    return cancelling(CancelToken(seconds)) if seconds > 0 else nullcontext()


def dump(result: DocumentResult) -> dict[str, Any]:
    data: dict[str, Any] = extract_out.dump(result)
    return data
