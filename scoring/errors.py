"""Errors raised by the scoring rules.

ScoringError            base; never raised itself
└── MethodologyError    permanent: a methodology file is invalid (unknown category,
                        weights that do not add up, a bad threshold); fix the named
                        file and entry
"""

from __future__ import annotations


class ScoringError(Exception):
    """Base class for every error of the scoring package."""

    retryable = False


class MethodologyError(ScoringError):
    """A methodology definition is invalid; the message names the file and entry."""
