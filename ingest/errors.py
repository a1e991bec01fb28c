"""Errors raised while reading sources.

IngestError                 base; never raised itself
├── FetchError              transient: the source could not be read now; a retry
│   │                       can help (`retryable` says so on every instance)
│   ├── HTTPStatusError     a status that is neither success nor not-modified:
│   │                       transient for 429 and 5xx, permanent for other codes
│   ├── TruncatedBody       transient: the body ended before its declared length
│   ├── ResponseTooLarge    permanent: the body passed the size cap; raise the
│   │                       source's cap or check its URL
│   ├── UnsupportedURL      permanent: not an http(s) URL; fix the source registry
│   └── TooManyRedirects    permanent: the redirect chain passed its bound; fix
│                           the source URL
├── ParseError              permanent: the bytes are not what the parser expects;
│                           fix the parser or the source registry, a retry will
│                           not help
└── CatalogueError          permanent: a curated catalogue file is invalid; fix the
                            named file, line or entry
"""

from __future__ import annotations


class IngestError(Exception):
    """Base class for every error of the ingest package."""

    retryable = False


class FetchError(IngestError):
    """A fetch failed in a way that a later attempt may not."""

    retryable = True


class ParseError(IngestError):
    """A snapshot could not be parsed; a retry will not help."""


class CatalogueError(IngestError):
    """A curated catalogue file is invalid; names the file and the entry or line."""


class HTTPStatusError(FetchError):
    """The server answered with a status that is neither success nor not-modified."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = status == 429 or status >= 500


class TruncatedBody(FetchError):
    """The body ended before its declared length, or the connection broke mid-body."""


class ResponseTooLarge(FetchError):
    """The body passed the size cap; a retry would fetch the same oversized body."""

    retryable = False


class UnsupportedURL(FetchError):
    """The URL is not http or https; only the source registry can fix it."""

    retryable = False


class TooManyRedirects(FetchError):
    """The redirect chain was longer than allowed, usually a loop at the source."""

    retryable = False
