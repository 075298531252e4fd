"""The pipeline's named steps. ClaimPipeline parses a batch once, then runs, in this order:

    Attribute -> ResolveSpeakers -> BuildClaims -> ScoreCheckworthiness -> Filter
    -> DetectTargets -> ScoreStance -> Summarise

Each step is a callable over the DocStates of the whole batch; the model steps (Attribute's
tagger, ScoreCheckworthiness, ScoreStance) make one call for all documents, which the models
cut into length-sorted batches.
"""

from .attribute import Attribute
from .checkworthiness import ScoreCheckworthiness
from .claims import BuildClaims
from .filters import Filter
from .speakers import ResolveSpeakers
from .stance import ScoreStance
from .state import DocState, Step
from .summary import Summarise, aggregate_stances
from .targets import DetectTargets

__all__ = [
    "Attribute",
    "BuildClaims",
    "DetectTargets",
    "DocState",
    "Filter",
    "ResolveSpeakers",
    "ScoreCheckworthiness",
    "ScoreStance",
    "Step",
    "Summarise",
    "aggregate_stances",
]
