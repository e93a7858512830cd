"""Which language a text is in, so the caller can keep or skip it."""

from __future__ import annotations

import py3langid

SAMPLE_CHARS = 2000  # enough for a confident guess; the full text only costs time
# Function words that make up a quarter or more of any English prose and are rare in other
# languages' text; when they do, the statistical model is not needed (it costs ~2 ms a document).
ENGLISH_FUNCTION_WORDS = frozenset({
    "the", "of", "and", "to", "in", "that", "is", "was", "for", "on", "with", "as", "by", "it", "from",
    "at", "has", "have", "said", "were", "are", "be", "this", "which", "an", "not", "or", "its", "their",
    "had", "been", "but", "who", "would", "will"})
ENGLISH_SHARE = 0.25


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language ("en" for English); "" when it has no letters."""
    sample = text[:SAMPLE_CHARS]
    # py3langid names some language for any input, even digits or nothing at all
    if not any(char.isalpha() for char in sample):
        return ""
    if _plainly_english(sample):
        return "en"
    code, _score = py3langid.classify(sample)
    return str(code)


def _plainly_english(sample: str) -> bool:
    words = sample.lower().split()
    if len(words) < 40:
        return False  # short texts go to the model: a headline can fool a word count
    hits = sum(word.strip(".,;:\"'()") in ENGLISH_FUNCTION_WORDS for word in words)
    return hits >= ENGLISH_SHARE * len(words)
