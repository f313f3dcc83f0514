"""Callbacks of `fit`: objects called after every step (progress bar, checkpoints,
early stopping, your own function).

A callback is a frozen module; what it remembers between steps (a best loss, a
progress bar) is a state it returns, as optax transformations do: `init` makes it,
`update` advances it after each step and says whether to stop, `close` runs once
when training ends normally.
"""

import abc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import equinox as eqx
import numpy as np
from tqdm.auto import tqdm

from .._validate import check_count
from ._checkpoint import FitResult, check_writable, save_checkpoint
from ._constraints import unwrap

# A zero-argument function returning the current `FitResult` (built on demand).
Current = Callable[[], FitResult]


class AbstractCallback(eqx.Module):
    """Called by [`brainjax.fit.fit`][] after every step.

    - `init(step, steps)`: the callback's state before the first step (`step` is the
      step counter at the start, `steps` the number of steps of this call).
    - `update(state, step, loss, current)`: after step `step` with loss `loss`;
      `current()` builds the [`brainjax.fit.FitResult`][] so far (only call it when
      needed). Returns `(state, stop)`; training stops when any callback says so.
    - `close(state, current)`: once, after the last step (not after a divergence).
    """

    def init(self, step: int, steps: int) -> Any:
        """The state before the first step (default `None`)."""
        return None

    @abc.abstractmethod
    def update(self, state: Any, step: int, loss: float, current: Current) -> tuple[Any, bool]:
        """Return `(state, stop)` after step `step`."""

    def close(self, state: Any, current: Current) -> None:
        """Run once after the last step (default: nothing)."""


class Progress(AbstractCallback):
    """A tqdm progress bar showing the loss ([`brainjax.fit.fit`][] adds one unless
    `progress=False`).

    **Example:** `bj.fit.fit(..., progress=False, callbacks=[bj.fit.Progress("train")])`.
    """

    desc: str = eqx.field(static=True, default="fit")

    def init(self, step, steps):
        return tqdm(total=steps, desc=self.desc, leave=False)

    def update(self, state, step, loss, current):
        state.update(1)
        state.set_postfix(loss=f"{loss:.4g}")
        return state, False

    def close(self, state, current):
        state.close()


class Checkpoint(AbstractCallback):
    """Write a [`brainjax.fit.save_checkpoint`][] to `path` every `every` steps (when
    the step counter reaches a multiple of `every`) and after the last step. Each write
    is atomic: a crash during a save leaves the previous checkpoint intact. Before the
    first step it checks that `path`'s directory exists and is writable (`ValueError`
    otherwise), so a bad path fails before training, not at the first save.

    **Example:**

    ```python
    bj.fit.fit(model, loss, optimizer=opt, steps=1000,
               callbacks=[bj.fit.Checkpoint("run.eqx", every=100)])
    ```
    """

    path: str | Path = eqx.field(static=True)
    every: int = eqx.field(static=True, default=100)

    def __check_init__(self):
        check_count("every", self.every)
        if not isinstance(self.path, (str, Path)):
            raise ValueError(f"`path` must be a str or a pathlib.Path, got {self.path!r}.")

    def init(self, step, steps):
        check_writable(self.path)

    def update(self, state, step, loss, current):
        if (step + 1) % self.every == 0:
            save_checkpoint(self.path, current())
        return state, False

    def close(self, state, current):
        save_checkpoint(self.path, current())


class EarlyStopping(AbstractCallback):
    """Stop when the loss has not improved on its best value by more than `min_delta`
    for `patience` consecutive steps.

    **Example:**

    ```python
    bj.fit.fit(model, loss, optimizer=opt, steps=5000,
               callbacks=[bj.fit.EarlyStopping(patience=100, min_delta=1e-6)])
    ```
    """

    patience: int = eqx.field(static=True)
    min_delta: float = eqx.field(static=True, default=0.0)

    def __check_init__(self):
        check_count("patience", self.patience)
        if not (np.isfinite(self.min_delta) and self.min_delta >= 0):
            raise ValueError(f"`min_delta` must be >= 0, got {self.min_delta!r}.")

    def init(self, step, steps):
        return np.inf, 0  # best loss, steps since it

    def update(self, state, step, loss, current):
        best, since_best = state
        if loss < best - self.min_delta:
            best, since_best = loss, 0
        else:
            since_best += 1
        return (best, since_best), since_best >= self.patience


class FunctionCallback(AbstractCallback):
    """Call `fn(step, loss, model)` after every step, with the unwrapped model
    (constraint wrappers replaced by their values); returning `True` stops training.
    A plain function in `fit(callbacks=[...])` is wrapped in one.

    **Example:**

    ```python
    losses = []
    bj.fit.fit(..., callbacks=[lambda step, loss, model: losses.append(loss)])
    ```
    """

    fn: Callable[[int, float, Any], bool | None]

    def update(self, state, step, loss, current):
        return state, bool(self.fn(step, loss, unwrap(current().model)))


def as_callback(callback: AbstractCallback | Callable) -> AbstractCallback:
    if isinstance(callback, AbstractCallback):
        return callback
    if callable(callback):
        return FunctionCallback(callback)
    raise ValueError(
        f"a callback must be a bj.fit.AbstractCallback or a function, got {callback!r}."
    )
