"""Schemas of a job's summary across its documents: GET /v1/jobs/<id>/summary."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

MAX_SUMMARY_SPEAKERS = 1000  # speakers per page of a summary
MAX_TOP_CLAIMS = 100
STANCE_SUMMARY_LABELS = ("favor", "against", "mixed", "neutral")


class SummaryQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    offset = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={
        "description": "The first speaker of the page (speakers with the most claims first)."})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, MAX_SUMMARY_SPEAKERS), metadata={
        "description": f"Speakers per page (1..{MAX_SUMMARY_SPEAKERS})."})
    top = fields.Integer(load_default=20, validate=validate.Range(0, MAX_TOP_CLAIMS), metadata={
        "description": f"How many of the most check-worthy claims to list (0..{MAX_TOP_CLAIMS})."})


class ClaimRefOut(Schema):
    document_id = fields.String(allow_none=True, required=True)
    index = fields.Integer(required=True, metadata={"description": "The document's place in the job."})
    claim_id = fields.String(required=True)


class StanceExampleOut(ClaimRefOut):
    label = fields.String(required=True)


class StanceCountsOut(Schema):
    favor = fields.Integer(required=True)
    against = fields.Integer(required=True)
    neutral = fields.Integer(required=True)


class StanceByDateOut(StanceCountsOut):
    date = fields.String(required=True, metadata={"description": "YYYY-MM-DD, from the documents' published."})


class SpeakerStanceSummaryOut(StanceCountsOut):
    target = fields.String(required=True)
    label = fields.String(required=True, validate=validate.OneOf(STANCE_SUMMARY_LABELS), metadata={
        "description": "favor or against, whichever has more of the speaker's claims; mixed when they tie "
                       "above zero; else neutral."})
    examples = fields.List(fields.Nested(StanceExampleOut), required=True, metadata={
        "description": "Up to 3 claims per label."})
    by_date = fields.List(fields.Nested(StanceByDateOut), required=True)


class CorpusSpeakerOut(Schema):
    key = fields.String(required=True, metadata={
        "description": "The speaker's key across documents: the pipeline's speaker key when it gives one, "
                       "else its type and normalised name (\"person:volodymyr zelensky\")."})
    name = fields.String(required=True, metadata={"description": "The name it was given most often."})
    other_names = fields.List(fields.String(), required=True)
    type = fields.String(allow_none=True, required=True)
    role = fields.String(allow_none=True, required=True)
    affiliation = fields.String(allow_none=True, required=True)
    documents = fields.Integer(required=True)
    claims = fields.Integer(required=True)
    stances = fields.List(fields.Nested(SpeakerStanceSummaryOut), required=True)


class TargetSummaryOut(StanceCountsOut):
    target = fields.String(required=True)
    documents = fields.Integer(required=True, metadata={"description": "Documents that had it as a target."})
    claims = fields.Integer(required=True, metadata={"description": "Attributed claims with a stance toward it."})
    speakers = fields.Integer(required=True)


class DateSummaryOut(Schema):
    date = fields.String(required=True)
    documents = fields.Integer(required=True)
    claims = fields.Integer(required=True)


class TopClaimOut(ClaimRefOut):
    speaker_key = fields.String(allow_none=True, required=True)
    speaker = fields.String(allow_none=True, required=True)
    text = fields.String(required=True, metadata={"description": "The claim (its first 500 characters)."})
    type = fields.String(required=True)
    checkworthiness = fields.Float(required=True)
    published = fields.String(allow_none=True, required=True)
    source = fields.String(allow_none=True, required=True)
    stances = fields.List(fields.Dict(), required=True)


class SummaryOut(Schema):
    job = fields.Dict(required=True, metadata={"description": "The job's status (as GET /v1/jobs/<id>)."})
    documents = fields.Integer(required=True, metadata={"description": "Finished documents summarised."})
    failed = fields.Integer(required=True)
    claims = fields.Integer(required=True)
    unattributed_claims = fields.Integer(required=True)
    undated_documents = fields.Integer(required=True)
    targets = fields.List(fields.Nested(TargetSummaryOut), required=True)
    dates = fields.List(fields.Nested(DateSummaryOut), required=True)
    speakers_total = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    limit = fields.Integer(allow_none=True, required=True)
    speakers = fields.List(fields.Nested(CorpusSpeakerOut), required=True)
    top_claims = fields.List(fields.Nested(TopClaimOut), required=True)
    links = fields.Dict(metadata={"description": "self, and next while more speakers follow."})
