"""Checks shared by every entry point that takes free text from a person."""
from __future__ import annotations


def typed_text(value: str, limit: int) -> str:
    """Trimmed text of 1 to `limit` characters that can be stored and shown anywhere."""
    value = value.strip()
    if not value:
        raise ValueError("text must not be empty")
    if len(value) > limit:
        raise ValueError(f"text is {len(value)} characters; the most is {limit}")
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    encodable(value)
    return value


def encodable(value: str) -> str:
    """JSON may carry lone surrogates (\\ud800) that no database or page can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode (it holds a lone surrogate)") from None
    return value
