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
    """The attribution extractor.

    "transformer": the trained tagger alone; "spacy": the dependency rules alone; "hybrid": the
    tagger corrected by the rules; "auto": hybrid when the tagger is trained, else the rules.
    """
    if kind not in {"auto", "hybrid", "transformer", "spacy"}:
        raise ValueError(f"unknown extractor {kind!r}")
    from .spacy_extractor import SpacyExtractor

    if kind == "spacy" or kind == "auto" and not has_weights("attribution"):
        return SpacyExtractor.load()
    tagger = load_optional("attribution")
    if tagger is None:
        raise FileNotFoundError("the transformer extractor has no weights")
    if kind == "transformer":
        return tagger
    from .hybrid import HybridExtractor

    return HybridExtractor(tagger, SpacyExtractor.load())
