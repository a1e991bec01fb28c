"""Which parser reads which format, and how a multi-file source is put together.

A single-file format is a function from bytes to a ParseResult. LiveBench needs its
table and its category map together; per-vendor price files are parsed one by one and
their records kept with the file they came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingest.parsers import (
    aider,
    alpacaeval,
    artificial_analysis,
    bfcl,
    evalplus,
    genai_prices,
    litellm,
    livebench,
    llm_api_pricing,
    llm_prices,
    lmarena,
    mathvista_html,
    mmmu,
    mmmu_html,
    open_llm_leaderboard,
    openrouter,
    swebench,
    swebench_html,
)
from ingest.records import ParseResult

SINGLE_FILE: dict[str, Callable[[bytes], ParseResult]] = {
    module.FORMAT: module.parse
    for module in (
        aider,
        alpacaeval,
        artificial_analysis,
        bfcl,
        evalplus,
        genai_prices,
        litellm,
        llm_api_pricing,
        llm_prices,
        lmarena,
        mathvista_html,
        mmmu,
        mmmu_html,
        open_llm_leaderboard,
        openrouter,
        swebench,
        swebench_html,
    )
}
FORMATS = {*SINGLE_FILE, livebench.FORMAT}


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What one file of a snapshot yielded, with the file's sha256."""

    name: str
    sha256: str
    result: ParseResult


def parse_files(fmt: str, files: list[tuple[str, str, bytes]]) -> list[ParsedFile]:
    """Parse the (name, sha256, bytes) files of one source fetch.

    Raises ParseError (permanent) when a file is not what its format expects.
    """
    if fmt == livebench.FORMAT:
        by_name = {name: (sha, data) for name, sha, data in files}
        table_sha, table = by_name["table.csv"]
        categories = by_name.get("categories.json", (None, None))[1]
        return [ParsedFile("table.csv", table_sha, livebench.parse(table, categories))]
    parse = SINGLE_FILE[fmt]
    return [ParsedFile(name, sha, parse(data)) for name, sha, data in files]
