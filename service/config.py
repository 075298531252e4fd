"""Service configuration, read once from the environment (CLAIMSCOPE_*)."""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    # A 200,000-character text in JSON is at most ~1.2 MB (escapes); a batch of 64 such texts
    # is far more than one request should carry: cap the body at 16 MB.
    MAX_CONTENT_LENGTH = _int("CLAIMSCOPE_MAX_BODY_BYTES", 16 * 1024 * 1024)
    EXTRACTOR = os.environ.get("CLAIMSCOPE_EXTRACTOR", "auto")
    LOAD_IN_BACKGROUND = _bool("CLAIMSCOPE_LOAD_IN_BACKGROUND", True)
    TORCH_THREADS = _int("CLAIMSCOPE_TORCH_THREADS", 0)
    JSON_SORT_KEYS = False


class TestConfig(Config):
    TESTING = True
    LOAD_IN_BACKGROUND = False
