"""The package layout is the architecture: forbidden imports fail here.

Only `flows` imports prefect; only `ingest` imports requests and bs4; only `warehouse`
and `scoring` import duckdb at run time (elsewhere only for type hints).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("flows", "ingest", "scoring", "warehouse", "digest")
ALLOWED = {
    "prefect": {"flows"},
    "prefect_dask": {"flows"},
    "requests": {"ingest"},
    "urllib3": {"ingest"},
    "bs4": {"ingest"},
    "lxml": {"ingest"},
    "duckdb": {"warehouse", "scoring"},
    "smtplib": {"digest"},
}


def runtime_imports(path: Path) -> set[str]:
    """Top-level module names imported outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    names = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path


@pytest.mark.parametrize(
    ("package", "path"),
    list(modules()),
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_module_imports_respect_the_package_boundaries(package, path):
    imported = runtime_imports(path)

    wrong = {
        name for name in imported if name in ALLOWED and package not in ALLOWED[name]
    }
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_ingest_scoring_and_digest_never_import_flows():
    for package, path in modules():
        if package in ("ingest", "scoring", "digest"):
            assert "flows" not in runtime_imports(path), path
