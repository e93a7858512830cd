"""Which language a text is in, so the caller can keep or skip it."""

from __future__ import annotations

import py3langid

SAMPLE_CHARS = 2000  # enough for a confident guess; the full text only costs time


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language ("en" for English); "" when it has no letters."""
    sample = text[:SAMPLE_CHARS]
    # py3langid names some language for any input, even digits or nothing at all
    if not any(char.isalpha() for char in sample):
        return ""
    code, _score = py3langid.classify(sample)
    return str(code)
