"""The tour's sections. Each model family adds one module here and one line to
`SECTIONS`; nothing else in the tour needs to change."""

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple


class Section(NamedTuple):
    """One tour section: `run(out_dir, smoke)` writes its files into `out_dir` and
    returns a Markdown body for `summary.md` (it may link the files it wrote)."""

    name: str
    title: str
    run: Callable[[Path, bool], str]
