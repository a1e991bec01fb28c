"""Acquire one source: read its files (network or local mirror), then parse them.

Runs in worker threads, many sources at once, and touches no database: it returns a
`SourceBatch` that the single writer loads. Whatever happens is described, never
raised: a failed fetch, a missing mirror file or a parse error becomes the batch's
outcome, and the other sources go on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from ingest.errors import ParseError
from ingest.fetch import FetchOutcome, FetchPolicy, fetch
from ingest.formats import ParsedFile, parse_files
from ingest.registry import SourceFile, SourceSpec

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Validators:
    """What we know of a file from its last good fetch: validators and snapshot."""

    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class FileRead:
    """One file of a source as read now: its fetch outcome and its bytes."""

    file: SourceFile
    outcome: FetchOutcome
    data: bytes | None  # None when the fetch failed; the stored bytes after a 304


@dataclass(frozen=True, slots=True)
class SourceBatch:
    """What acquiring one source gave: outcome, the files read, and parsed records."""

    spec: SourceSpec
    outcome: str  # parsed, unchanged, fetch_failed, parse_failed, skipped
    reads: tuple[FileRead, ...] = ()
    parsed: tuple[ParsedFile, ...] = ()
    message: str | None = None
    parse_s: float = 0.0
    warnings: tuple[str, ...] = field(default_factory=tuple)


def acquire(
    spec: SourceSpec,
    *,
    at: datetime,
    mirror: Path | None,
    validators: dict[str, Validators],
    known_sha256: set[str],
    stored: dict[str, bytes],
    policy: FetchPolicy | None = None,
    down_hosts: set[str] | None = None,
) -> SourceBatch:
    """Read and parse one source.

    Args:
        validators: per file URL, what the last good fetch left.
        known_sha256: snapshots already loaded for this source; when every file is
            among them, parsing and loading are skipped.
        stored: bytes of stored snapshots by sha256, for files that answered 304.
        down_hosts: hosts whose names did not resolve earlier in this run, shared by
            every worker; further files on them fail at once instead of waiting.
    """
    headers = _auth_headers(spec)
    if headers is None and not _in_mirror(spec, mirror):
        return SourceBatch(spec, "skipped", message=f"{spec.api_key_env} is not set")
    reads = tuple(
        _read(
            spec,
            file,
            at,
            mirror,
            validators.get(file.url, Validators()),
            stored,
            headers or {},
            policy,
            down_hosts if down_hosts is not None else set(),
        )
        for file in spec.files
    )
    failed = [r for r in reads if r.data is None and not r.file.is_optional]
    if failed:
        first = failed[0].outcome
        return SourceBatch(
            spec,
            "fetch_failed",
            reads,
            message=f"{first.error_class}: {first.error_message}",
        )
    present = [r for r in reads if r.data is not None]
    if {_sha(r) for r in present} <= known_sha256:
        return SourceBatch(spec, "unchanged", reads)
    return _parse(spec, reads, present)


def _parse(
    spec: SourceSpec, reads: tuple[FileRead, ...], present: list[FileRead]
) -> SourceBatch:
    started = time.perf_counter()
    try:
        parsed = parse_files(
            spec.format, [(r.file.name, _sha(r), r.data) for r in present]
        )
    except ParseError as exc:
        logger.warning("parse failed source=%s error=%s", spec.source_id, exc)
        return SourceBatch(
            spec,
            "parse_failed",
            reads,
            message=str(exc),
            parse_s=time.perf_counter() - started,
        )
    elapsed = time.perf_counter() - started
    warnings = tuple(w for p in parsed for w in p.result.warnings)
    logger.info(
        "parsed source=%s files=%d parse_s=%.3f", spec.source_id, len(parsed), elapsed
    )
    return SourceBatch(
        spec, "parsed", reads, tuple(parsed), parse_s=elapsed, warnings=warnings
    )


def _in_mirror(spec: SourceSpec, mirror: Path | None) -> bool:
    """Whether a mirror holds every required file of the source."""
    if mirror is None:
        return False
    return all(
        spec.mirror_path(mirror, file).is_file()
        for file in spec.files
        if not file.is_optional
    )


def _sha(read: FileRead) -> str:
    return read.outcome.sha256 or hashlib.sha256(read.data or b"").hexdigest()


def _auth_headers(spec: SourceSpec) -> dict[str, str] | None:
    """Headers carrying the source's API key; None when a required key is missing."""
    if not spec.api_key_env:
        return {}
    key = os.environ.get(spec.api_key_env)
    if not key:
        return None
    return {spec.api_key_header or "Authorization": key}


def _read(
    spec: SourceSpec,
    file: SourceFile,
    at: datetime,
    mirror: Path | None,
    known: Validators,
    stored: dict[str, bytes],
    headers: dict[str, str],
    policy: FetchPolicy | None,
    down_hosts: set[str],
) -> FileRead:
    if mirror is not None:
        return _read_mirror(spec, file, at, mirror)
    host = urlsplit(file.url).netloc
    if host in down_hosts:
        return FileRead(file, _unreachable(spec, file, at, host), None)
    outcome = fetch(
        spec.source_id,
        file.url,
        etag=known.etag,
        last_modified=known.last_modified,
        headers=headers,
        policy=policy,
    )
    if outcome.outcome == "failed" and "resolve" in (outcome.error_message or ""):
        down_hosts.add(host)
    if outcome.outcome == "ok":
        return FileRead(file, outcome, outcome.body)
    if outcome.outcome == "not_modified" and known.sha256 in stored:
        return FileRead(
            file, replace(outcome, sha256=known.sha256), stored[known.sha256]
        )
    return FileRead(file, outcome, None)


def _unreachable(
    spec: SourceSpec, file: SourceFile, at: datetime, host: str
) -> FetchOutcome:
    return FetchOutcome(
        source_id=spec.source_id,
        url=file.url,
        outcome="failed",
        attempts=(),
        started_at=at,
        elapsed_s=0.0,
        error_class="HostUnreachable",
        error_message=f"host {host!r} did not resolve earlier in this run; not retried",
    )


def _read_mirror(
    spec: SourceSpec, file: SourceFile, at: datetime, mirror: Path
) -> FileRead:
    path = spec.mirror_path(mirror, file)
    started = time.perf_counter()
    try:
        data = path.read_bytes()
    except OSError as exc:
        outcome = FetchOutcome(
            source_id=spec.source_id,
            url=path.as_uri(),
            outcome="failed",
            attempts=(),
            started_at=at,
            elapsed_s=time.perf_counter() - started,
            error_class="MissingMirrorFile",
            error_message=f"cannot read {str(path)!r}: {exc.strerror}",
        )
        return FileRead(file, outcome, None)
    outcome = FetchOutcome(
        source_id=spec.source_id,
        url=path.as_uri(),
        outcome="ok",
        attempts=(),
        started_at=at,
        elapsed_s=time.perf_counter() - started,
        status=200,
        body=None,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return FileRead(file, outcome, data)
