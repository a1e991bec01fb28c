"""The source registry: every external source declared as data in `sources.toml`.

Reading it is pure and validated up front: an unknown format, kind or trust, a source
with neither `url` nor `files`, or a duplicate id is an error naming the entry.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ingest.errors import IngestError

KINDS = ("scores", "prices", "runtime", "model_facts")
TRUSTS = ("official", "third_party", "curated")


class RegistryError(IngestError):
    """The source registry is invalid; fix the named entry."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file of a source: its name in a mirror folder and its production URL."""

    name: str
    url: str
    is_optional: bool = False


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source: where it lives, how to parse it, and how much to trust it."""

    source_id: str
    name: str
    kind: str
    trust: str
    format: str
    cadence_days: int
    max_age_days: int
    files: tuple[SourceFile, ...]
    is_multi_file: bool
    benchmarks: dict[str, str]
    api_key_env: str | None = None
    api_key_header: str | None = None

    def mirror_path(self, mirror: Path, file: SourceFile) -> Path:
        """Where this file sits in a local mirror folder."""
        return (
            mirror / self.source_id / file.name
            if self.is_multi_file
            else mirror / file.name
        )


def bundled_registry_path() -> Path:
    """The registry file shipped inside the `ingest` package."""
    return Path(str(resources.files("ingest").joinpath("sources.toml")))


def load_registry(
    path: Path | None = None, formats: set[str] | None = None
) -> list[SourceSpec]:
    """Read and validate the registry; `formats` lists the parser formats that exist."""
    path = path or bundled_registry_path()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RegistryError(
            f"cannot read source registry {str(path)!r}: {exc}"
        ) from exc
    specs = [
        _spec(entry, f"{path}: source #{n}")
        for n, entry in enumerate(doc.get("sources", []), start=1)
    ]
    ids = [spec.source_id for spec in specs]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RegistryError(f"{path}: source ids declared twice: {duplicates}")
    unknown = [
        s.source_id for s in specs if formats is not None and s.format not in formats
    ]
    if unknown:
        raise RegistryError(f"{path}: sources with a format no parser reads: {unknown}")
    return specs


def _spec(entry: dict[str, Any], where: str) -> SourceSpec:
    for key in ("source_id", "name", "kind", "trust", "format"):
        if not entry.get(key):
            raise RegistryError(f"{where}: missing {key!r}")
    where = f"{where} ({entry['source_id']!r})"
    if entry["kind"] not in KINDS or entry["trust"] not in TRUSTS:
        raise RegistryError(
            f"{where}: kind must be one of {KINDS}, trust one of {TRUSTS}"
        )
    return SourceSpec(
        source_id=entry["source_id"],
        name=entry["name"],
        kind=entry["kind"],
        trust=entry["trust"],
        format=entry["format"],
        cadence_days=int(entry.get("cadence_days", 1)),
        max_age_days=int(entry.get("max_age_days", 30)),
        files=_files(entry, where),
        is_multi_file="files" in entry,
        benchmarks=dict(entry.get("benchmarks", {})),
        api_key_env=entry.get("api_key_env"),
        api_key_header=entry.get("api_key_header"),
    )


def _files(entry: dict[str, Any], where: str) -> tuple[SourceFile, ...]:
    if "files" in entry:
        optional = set(entry.get("optional_files", ()))
        files = tuple(
            SourceFile(f["name"], f["url"], f["name"] in optional)
            for f in entry["files"]
        )
    elif entry.get("url") and entry.get("mirror_file"):
        files = (SourceFile(entry["mirror_file"], entry["url"]),)
    else:
        raise RegistryError(f"{where}: give `url` and `mirror_file`, or a `files` list")
    for file in files:
        if not file.url.startswith(("https://", "http://")):
            raise RegistryError(f"{where}: {file.url!r} is not an http(s) URL")
    return files
