"""Loading of the pipeline's parts from models/weights/, each only when its weights exist.

Two model sets: "full" (the default) serves the 6-layer models (``models/weights/<name>/``);
"fast" serves the students distilled from them (``models/weights/<name>-fast/``) wherever such a
student exists, and the full model elsewhere. ``CLAIMSCOPE_MODELS`` picks the set; the model cards
and the README give the accuracy and speed of each.
"""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path
from typing import Any

from .encoder import weights_path

log = logging.getLogger(__name__)

MODEL_SETS = ("fast", "full")
DEFAULT_MODEL_SET = "full"

_OPTIONAL = {
    "checkworthiness": ("models.checkworthiness", "CheckworthinessModel"),
    "stance": ("models.stance", "StanceModel"),
    "attribution": ("models.tagger", "AttributionTagger"),
}


def model_set(models: str | None = None) -> str:
    """The model set to serve: ``models`` if given, else CLAIMSCOPE_MODELS, else the default."""
    chosen = (models or os.environ.get("CLAIMSCOPE_MODELS") or DEFAULT_MODEL_SET).strip().lower()
    if chosen not in MODEL_SETS:
        raise ValueError(f"unknown model set {chosen!r}; expected one of {', '.join(MODEL_SETS)}")
    return chosen


def weights_for(name: str, models: str | None = None) -> Path:
    """The weights folder that serves part ``name`` in the chosen model set."""
    if model_set(models) == "fast" and (weights_path(f"{name}-fast") / "model.safetensors").is_file():
        return weights_path(f"{name}-fast")
    return weights_path(name)


def has_weights(name: str, models: str | None = None) -> bool:
    return (weights_for(name, models) / "model.safetensors").is_file()


def load_optional(name: str, models: str | None = None) -> Any:
    """Load a trained part when its weights are in the repository, else return None."""
    path = weights_for(name, models)
    if not (path / "model.safetensors").is_file():
        log.warning("no weights for %s in %s; this part is off", name, path)
        return None
    module, cls = _OPTIONAL[name]
    return getattr(importlib.import_module(module), cls).load(path)


def load_extractor(kind: str = "auto", models: str | None = None) -> Any:
    """The attribution extractor.

    "transformer": the trained tagger alone; "spacy": the dependency rules alone; "hybrid": the
    tagger corrected by the rules; "auto": hybrid when the tagger is trained, else the rules.
    """
    if kind not in {"auto", "hybrid", "transformer", "spacy"}:
        raise ValueError(f"unknown extractor {kind!r}")
    from .spacy_extractor import SpacyExtractor

    if kind == "spacy" or kind == "auto" and not has_weights("attribution", models):
        return SpacyExtractor.load()
    tagger = load_optional("attribution", models)
    if tagger is None:
        raise FileNotFoundError("the transformer extractor has no weights")
    if kind == "transformer":
        return tagger
    from .hybrid import HybridExtractor

    return HybridExtractor(tagger, SpacyExtractor.load())
