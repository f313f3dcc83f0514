"""The docs site stays complete: every public name has an API entry, every page is in
the nav and every nav entry exists (`mkdocs build --strict` in `.ci/run` checks links
and cross-references)."""

import re
import types
from pathlib import Path

import brainjax as bj

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"


def test_every_public_name_has_an_api_entry():
    core = (DOCS / "api" / "core.md").read_text()
    for name in dir(bj):
        value = getattr(bj, name)
        if name.startswith("_") or name in {"version", "PackageNotFoundError"}:
            continue
        if isinstance(value, types.ModuleType):
            if value.__name__.startswith("brainjax."):
                page = DOCS / "api" / f"{name}.md"
                assert page.exists(), f"no API page for brainjax.{name}"
                assert f"::: brainjax.{name}" in page.read_text()
        else:
            assert f"::: brainjax.{name}\n" in core, f"brainjax.{name} is missing from core.md"


def test_nav_and_pages_agree():
    nav = re.findall(r":\s*([\w/.-]+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(), re.M)
    assert len(nav) == len(set(nav)), "a page is listed twice in the nav"
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert set(nav) == pages, (
        f"in the nav but missing: {set(nav) - pages}; not in the nav: {pages - set(nav)}"
    )
