"""Build a local mirror folder of the registered sources from the shared public data."""

from __future__ import annotations

import shutil
from pathlib import Path

# The newest shared file of each source, by its mirror file name.
NEWEST = {
    "litellm-prices.json": "litellm/litellm-prices-2026-03-01.json",
    "genai-prices.json": "genai-prices/genai-prices-v1-2025-12-31.json",
    "llm-api-pricing.json": "otbear-llm-api-pricing/otbear-llm-pricing-2026-08-08.json",
    "aider-polyglot.yml": "aider/aider-polyglot-leaderboard-2025-08-25.yml",
    "aider-edit.yml": "aider/aider-edit-leaderboard-2024-10-22.yml",
    "swebench-leaderboards.json": "swebench/swebench-leaderboards-2025-11-25.json",
    "lmarena-text.csv": "lmarena/lmarena-text-2025-02-16.csv",
    "open-llm-leaderboard-v2.csv": "open-llm-leaderboard/open-llm-leaderboard-v2-2024-10-02.csv",
    "bfcl-overall.csv": "bfcl/bfcl-overall-2025-12-16.csv",
    "evalplus-results.json": "evalplus/evalplus-results-2024-06-18.json",
    "alpacaeval2.csv": "alpacaeval/alpacaeval2-leaderboard-2024-08-16.csv",
    "mmmu-leaderboard.json": "mmmu/mmmu-leaderboard-data-2025-08-05.json",
    "swebench-index.html": "html/swebench-index-2025-03-17.html",
    "mmmu-index.html": "html/mmmu-index-2024-06-05.html",
    "mathvista-index.html": "html/mathvista-index-2023-12-23.html",
    "livebench/table.csv": "livebench/livebench-table-r2026-01-08-asof-2026-06-17.csv",
    "livebench/categories.json": "livebench/livebench-categories-r2026-01-08-asof-2026-01-19.json",
}
VENDORS = ("amazon", "anthropic", "deepseek", "google", "mistral", "openai", "xai")


def build_mirror(
    shared: Path, target: Path, files: dict[str, str] | None = None
) -> Path:
    """Copy shared files into `target` under their mirror names; return `target`."""
    for name, relative in (files or NEWEST).items():
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared / relative, destination)
    for vendor in VENDORS:
        destination = target / "llm-prices" / f"{vendor}.json"
        destination.parent.mkdir(parents=True, exist_ok=True)
        source = (
            shared / "simonw-llm-prices" / f"simonw-llm-prices-2026-03-17-{vendor}.json"
        )
        shutil.copyfile(source, destination)
    sample = Path(__file__).resolve().parents[1] / "ingest" / "data"
    shutil.copyfile(
        sample / "openrouter-models-sample.json", target / "openrouter-models.json"
    )
    return target
