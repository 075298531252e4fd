"""Schemas of POST /v1/extract and /v1/extract/batch (API contract v1)."""

from __future__ import annotations

import re
from datetime import datetime

from marshmallow import RAISE, Schema, ValidationError, fields, validate

MAX_TEXT_CHARS = 200_000
MAX_TARGETS = 20
MAX_BATCH_DOCUMENTS = 64
SPEAKER_TYPES = ("person", "organization", "country", "media", "document", "group", "unknown")
CLAIM_TYPES = ("direct", "indirect", "mixed", "unattributed")
STANCE_LABELS = ("favor", "against", "neutral")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class OptionsIn(_Strict):
    min_checkworthiness = fields.Float(
        validate=validate.Range(0.0, 1.0),
        metadata={"description": "Drop claims whose check-worthiness is below this."})
    min_confidence = fields.Float(
        validate=validate.Range(0.0, 1.0),
        metadata={"description": "Drop claims whose extraction confidence is below this."})
    include_unattributed = fields.Boolean(
        metadata={"description": "Also return check-worthy sentences of the author as unattributed claims."})
    detect_targets = fields.Boolean(
        metadata={"description": "When no targets are given, detect up to 5 (default true)."})
    stance_scope = fields.String(
        validate=validate.OneOf(("mentions", "all")),
        metadata={"description": "Which claims get a stance towards a target: those that mention it "
                                 "(\"mentions\", default) or every claim (\"all\", slower; a claim "
                                 "that never names the target is then judged by the classifier alone)."})


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must contain non-whitespace characters.")


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def published_day(value: str) -> str:
    """The calendar day (YYYY-MM-DD) of an ISO 8601 date or date and time, as written (an offset
    does not move it to UTC); ValueError when ``value`` is neither."""
    if not _ISO_DAY.match(value):
        raise ValueError(value)
    return datetime.fromisoformat(value).date().isoformat()


def _iso_date(value: str) -> None:
    try:
        published_day(value)
    except ValueError:
        raise ValidationError("Not an ISO 8601 date (YYYY-MM-DD) or date and time "
                              "(YYYY-MM-DDTHH:MM:SS, with an optional offset or Z).") from None


class ExtractIn(_Strict):
    text = fields.String(required=True, validate=validate.Length(1, MAX_TEXT_CHARS),
                         metadata={"description": "The news text (1..200000 characters)."})
    id = fields.String(allow_none=True, validate=validate.Length(max=256))
    title = fields.String(allow_none=True, validate=validate.Length(max=1000))
    published = fields.String(allow_none=True, validate=[validate.Length(max=40), _iso_date], metadata={
        "description": "When the document was published: an ISO 8601 date (\"2024-03-01\") or date and time "
                       "(\"2024-03-01T09:30:00+01:00\"); job summaries count claims per day.",
        "example": "2024-03-01"})
    source = fields.String(allow_none=True, validate=validate.Length(max=200), metadata={
        "description": "The outlet that published it (\"Reuters\"); a job's claims.csv names it."})
    targets = fields.List(fields.String(validate=[validate.Length(1, 200), _not_blank]),
                          validate=validate.Length(max=MAX_TARGETS),
                          metadata={"description": "Stance targets, e.g. [\"ceasefire\"]."})
    options = fields.Nested(OptionsIn)


class BatchIn(_Strict):
    documents = fields.List(fields.Raw(), required=True,
                            validate=validate.Length(1, MAX_BATCH_DOCUMENTS),
                            metadata={"description": "Up to 64 extract requests."})



class SpanOut(Schema):
    text = fields.String(required=True)
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)


class SpeakerOut(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True, metadata={
        "description": "The speaker as a reader writes it: a person's fullest name in the article "
                       "(\"John Park\", never \"Park\" or \"chief executive John Park\"), an "
                       "unnamed speaker's description (\"a senior U.S. official\"), a state's name."})
    type = fields.String(required=True, validate=validate.OneOf(SPEAKER_TYPES), metadata={
        "description": "person (one human being), organization, country (a state or its "
                       "government), media (an outlet), document (a report, poll, statement, plan "
                       "...), group (several people: \"voters\", \"Republicans\"), unknown."})
    role = fields.String(allow_none=True, metadata={
        "description": "The speaker's job or title from the text, lower case (\"chief executive\", "
                       "\"president\", \"columnist\"); null when none is given."})
    affiliation = fields.String(allow_none=True, metadata={
        "description": "The organisation, state or party the speaker speaks for, by name "
                       "(\"United States\", \"the Trump campaign\")."})
    affiliation_id = fields.String(allow_none=True, metadata={
        "description": "The id of the speaker the affiliation names, when it is one of this "
                       "document's speakers (\"China's plan\" -> China); else null."})
    anonymous = fields.Boolean(metadata={
        "description": "True for a particular source the text does not name (\"a senior official\", "
                       "\"two aides\"); false for named speakers and open groups (\"voters\")."})
    key = fields.String(metadata={
        "description": "The same in every document of a batch or job for the same named speaker "
                       "(\"person:donald trump\", \"country:china\"): merge speakers across "
                       "documents by it. Anonymous and described speakers share a key only with the "
                       "same description."})
    mentions = fields.List(fields.Nested(SpanOut), required=True)


class StanceOut(Schema):
    target = fields.String(required=True)
    label = fields.String(required=True, validate=validate.OneOf(STANCE_LABELS))
    score = fields.Float(required=True)
    evidence = fields.Nested(SpanOut, allow_none=True, metadata={
        "description": "The stance-taking predicate that governs the target in the text "
                       "(\"opposes\", \"urged\"), when there is one."})


class ClaimOut(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True)
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    sentence = fields.Integer(required=True)
    speaker_id = fields.String(allow_none=True, required=True)
    speaker_mention = fields.Nested(SpanOut, allow_none=True, required=True)
    cue = fields.Nested(SpanOut, allow_none=True, required=True)
    type = fields.String(required=True, validate=validate.OneOf(CLAIM_TYPES))
    confidence = fields.Float(required=True)
    checkworthiness = fields.Float(allow_none=True, required=True)
    stances = fields.List(fields.Nested(StanceOut), required=True, metadata={
        "description": "Stance towards each target the claim mentions (all targets with "
                       "options.stance_scope = \"all\")."})
    segments = fields.List(fields.Nested(SpanOut),
                           metadata={"description": "Content pieces when the claim is discontinuous."})


class StanceEvidenceOut(Schema):
    claim_id = fields.String(required=True)
    claim = fields.Nested(SpanOut, required=True)
    predicate = fields.Nested(SpanOut, allow_none=True, metadata={
        "description": "The stance-taking predicate or denial cue that fired, when one did."})


class SpeakerStanceOut(Schema):
    speaker_id = fields.String(required=True)
    target = fields.String(required=True)
    label = fields.String(required=True, validate=validate.OneOf(STANCE_LABELS))
    score = fields.Float(required=True)
    claim_ids = fields.List(fields.String(), required=True)
    evidence = fields.List(fields.Nested(StanceEvidenceOut), metadata={
        "description": "The claims behind the stance (those with its label), each with its predicate."})


class ModelRefOut(Schema):
    name = fields.String(required=True)
    version = fields.String(required=True)


class ExtractOut(Schema):
    id = fields.String(allow_none=True)
    model = fields.Nested(ModelRefOut, required=True)
    speakers = fields.List(fields.Nested(SpeakerOut), required=True)
    claims = fields.List(fields.Nested(ClaimOut), required=True)
    targets = fields.List(fields.String(), required=True)
    speaker_stances = fields.List(fields.Nested(SpeakerStanceOut))


class BatchOut(Schema):
    results = fields.List(fields.Dict(), required=True, metadata={
        "description": "One entry per document, in order: an ExtractOut, or {id, index, error}."})


class ModelsOut(Schema):
    name = fields.String(required=True)
    version = fields.String(required=True)
    model_set = fields.String(allow_none=True, metadata={
        "description": "full (the 6-layer models, default) or fast (distilled students where they "
        "exist); set with CLAIMSCOPE_MODELS"})
    components = fields.List(fields.Dict(), required=True)


class BatchInDoc(BatchIn):
    """BatchIn as documented: each document is an ExtractIn (checked one by one at run time)."""

    documents = fields.List(fields.Nested(ExtractIn), required=True,
                            validate=validate.Length(1, MAX_BATCH_DOCUMENTS))


class JobOut(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("queued", "running", "completed")))
    total = fields.Integer(required=True)
    done = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    pending = fields.Integer(required=True)
    running = fields.Integer(required=True)
    progress = fields.Float(required=True)
    created = fields.Float(required=True)
    updated = fields.Float(required=True)
    expires = fields.Float(required=True, allow_none=True, metadata={
        "description": "When the job and its data are purged (epoch seconds): CLAIMSCOPE_JOB_TTL after "
                       "it completed; null while it runs or when jobs are kept."})
    links = fields.Dict(required=True)
