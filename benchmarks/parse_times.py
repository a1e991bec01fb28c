"""Parse time per source format on the newest shared file of each source.

Usage: python benchmarks/parse_times.py [SHARED_DATA_DIR]
Prints, per source, the file size, the records parsed and the best of three parse
times, each parse in this one process with nothing else running.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ingest.formats import parse_files

FILES = {
    "litellm": ("litellm", ["litellm/litellm-prices-2026-03-01.json"]),
    "genai-prices": ("genai_prices", ["genai-prices/genai-prices-v1-2025-12-31.json"]),
    "llm-prices": (
        "llm_prices",
        ["simonw-llm-prices/simonw-llm-prices-2026-03-17-openai.json"],
    ),
    "llm-api-pricing": (
        "llm_api_pricing",
        ["otbear-llm-api-pricing/otbear-llm-pricing-2026-08-08.json"],
    ),
    "aider-polyglot": ("aider", ["aider/aider-polyglot-leaderboard-2025-08-25.yml"]),
    "swebench": ("swebench", ["swebench/swebench-leaderboards-2025-11-25.json"]),
    "lmarena": ("lmarena", ["lmarena/lmarena-text-2025-02-16.csv"]),
    "livebench": (
        "livebench",
        [
            "livebench/livebench-table-r2026-01-08-asof-2026-06-17.csv",
            "livebench/livebench-categories-r2026-01-08-asof-2026-01-19.json",
        ],
    ),
    "open-llm-leaderboard": (
        "open-llm-leaderboard",
        ["open-llm-leaderboard/open-llm-leaderboard-v2-2024-10-02.csv"],
    ),
    "bfcl": ("bfcl", ["bfcl/bfcl-overall-2025-12-16.csv"]),
    "evalplus": ("evalplus", ["evalplus/evalplus-results-2024-06-18.json"]),
    "alpacaeval": ("alpacaeval", ["alpacaeval/alpacaeval2-leaderboard-2024-08-16.csv"]),
    "mmmu": ("mmmu", ["mmmu/mmmu-leaderboard-data-2025-08-05.json"]),
    "swebench-page": ("swebench-html", ["html/swebench-index-2025-03-17.html"]),
    "mmmu-page": ("mmmu-html", ["html/mmmu-index-2024-06-05.html"]),
    "mathvista-page": ("mathvista-html", ["html/mathvista-index-2023-12-23.html"]),
}
NAMES = {"livebench": ["table.csv", "categories.json"]}


def main(shared: Path) -> None:
    print(f"{'source':22} {'bytes':>10} {'records':>8} {'parse_s':>8}")
    for source, (fmt, paths) in FILES.items():
        names = NAMES.get(source, [Path(p).name for p in paths])
        files = [
            (n, "-", (shared / p).read_bytes())
            for n, p in zip(names, paths, strict=True)
        ]
        best, count = float("inf"), 0
        for _ in range(3):
            started = time.perf_counter()
            parsed = parse_files(fmt, files)
            best = min(best, time.perf_counter() - started)
            count = sum(
                len(p.result.observations) + len(p.result.price_quotes) for p in parsed
            )
        size = sum(len(data) for _, _, data in files)
        print(f"{source:22} {size:>10,} {count:>8,} {best:>8.3f}")


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
