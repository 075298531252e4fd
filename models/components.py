"""Loading of the pipeline's parts from models/weights/, each only when its weights exist."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from .encoder import weights_path

log = logging.getLogger(__name__)

_OPTIONAL = {
    "checkworthiness": ("models.checkworthiness", "CheckworthinessModel"),
    "stance": ("models.stance", "StanceModel"),
    "attribution": ("models.tagger", "AttributionTagger"),
}


def has_weights(name: str) -> bool:
    return (weights_path(name) / "model.safetensors").is_file()


def load_optional(name: str) -> Any:
    """Load a trained part when its weights are in the repository, else return None."""
    if not has_weights(name):
        log.warning("no weights for %s in %s; this part is off", name, weights_path(name))
        return None
    module, cls = _OPTIONAL[name]
    return getattr(importlib.import_module(module), cls).load()


def load_extractor(kind: str = "auto") -> Any:
    """The attribution extractor: "transformer", "spacy", or "auto" (transformer if trained)."""
    if kind not in {"auto", "transformer", "spacy"}:
        raise ValueError(f"unknown extractor {kind!r}")
    if kind == "transformer" or kind == "auto" and has_weights("attribution"):
        tagger = load_optional("attribution")
        if tagger is None:
            raise FileNotFoundError("the transformer extractor has no weights")
        return tagger
    from .spacy_extractor import SpacyExtractor

    return SpacyExtractor.load()
