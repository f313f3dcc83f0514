"""The tour's sections. Each model family adds one module here and one line to
`SECTIONS`; nothing else in the tour needs to change."""

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple


class Section(NamedTuple):
    """One tour section: `run(out_dir, smoke)` writes its files into `out_dir` and
    returns a Markdown body for `summary.md` (it may link the files it wrote), or
    `(body, figures)` with the section's key figures (name -> number) for
    `summary.json`."""

    name: str
    title: str
    run: Callable[[Path, bool], str | tuple[str, dict[str, Any]]]
