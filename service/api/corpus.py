"""A job across its documents: GET /v1/jobs/<id>/summary (who said what, who stands where; speakers
paginated) and GET /v1/jobs/<id>/claims.csv (one row per claim, streamed). Both read the finished
documents from the store one at a time (service.corpus), never all results at once."""

from __future__ import annotations

import itertools
import json
from typing import Any

from flask import Blueprint, Response, request, stream_with_context, url_for
from marshmallow import ValidationError

from schemas.corpus import SummaryQuery

from ..corpus import claim_csv, summarise
from ..errors import ValidationFailed
from ..jobs.ext import get_jobs
from ..redisconn import UNREACHABLE
from .jobs import _owned, _unreachable

bp = Blueprint("corpus", __name__, url_prefix="/v1")
for _exc in UNREACHABLE:
    bp.register_error_handler(_exc, _unreachable)
summary_query = SummaryQuery()


@bp.get("/jobs/<job_id>/summary")
def job_summary(job_id: str) -> Response:
    """Summarise a job's speakers, their stances per target and date, and its most check-worthy claims."""
    try:
        query: dict[str, Any] = summary_query.load(request.args)
    except ValidationError as err:
        raise ValidationFailed("Validation error", {"query": err.normalized_messages()}) from None
    info = _owned(job_id)
    summary = summarise(get_jobs().store.finished(job_id), top=query["top"])
    body = {"job": info.to_dict(), **summary.to_dict(query["offset"], query["limit"])}
    links = {"self": url_for("corpus.job_summary", job_id=job_id, **query)}
    following = query["offset"] + query["limit"]
    if following < body["speakers_total"]:
        links["next"] = url_for("corpus.job_summary", job_id=job_id, **{**query, "offset": following})
    body["links"] = links
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


@bp.get("/jobs/<job_id>/claims.csv")
def job_claims_csv(job_id: str) -> Response:
    """Stream a job's claims as CSV, one row per claim with its stance toward each target."""
    info = _owned(job_id)
    store = get_jobs().store
    # the header (the first reading of the results) is made here, so a store that cannot be
    # reached answers 503 rather than breaking a response already sent
    lines = claim_csv(lambda: store.finished(job_id))
    first = list(itertools.islice(lines, 1))
    response = Response(stream_with_context(itertools.chain(first, lines)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="claims-{job_id}.csv"'
    response.headers["X-Job-Status"] = info.status
    return response
