"""`simulate_exact`: event-driven simulation with exact spike times (the path of
[`brainjax.integrators.ExactEvents`][] without a time grid)."""

from collections.abc import Callable
from typing import Any

import diffrax
from jaxtyping import Array, PyTree

from . import inputs as _inputs
from ._dynamics import AbstractSpiking, State
from ._monitor import Monitor
from ._solution import Solution
from .integrators import ExactEvents


def simulate_exact(
    model: AbstractSpiking,
    t1: float,
    *,
    t0: float = 0.0,
    y0: State | None = None,
    inputs: PyTree[Any] = None,
    max_spikes: int = 64,
    solver: diffrax.AbstractAdaptiveSolver | None = None,
    rtol: float = 1e-8,
    atol: float = 1e-8,
    max_steps: int = 4096,
    margin: Callable[[State], PyTree[Array]] | None = None,
) -> Solution:
    """Simulate a spiking model event by event from `t0` to `t1` (ms), with exact,
    differentiable spike times: [`brainjax.simulate`][] with
    `integrator=bj.integrators.ExactEvents(...)`, without a time grid.

    **Arguments:** `model`, `t1`, `t0`, `y0` (default `model.init()`) and `inputs` as
    for `simulate`; `max_spikes`, `solver` (default `diffrax.Tsit5()`), `rtol`, `atol`,
    `max_steps` and `margin` as for [`brainjax.integrators.ExactEvents`][].

    Returns a [`brainjax.Solution`][] with `spike_times`, `spike_neurons`,
    `first_spike_times()`, and the state at `ts = [t0, t1]`.

    **Example:**

    ```python
    lif = bj.neurons.LIF(n=1, t_ref=0.0)
    sol = bj.simulate_exact(lif, t1=50.0, inputs=400.0, max_spikes=8)   # 400 pA
    sol.first_spike_times()  # ms
    ```
    """
    if not isinstance(model, AbstractSpiking):
        raise TypeError(f"`model` must be a brainjax.AbstractSpiking, got {type(model)}.")
    solver = diffrax.Tsit5() if solver is None else solver
    options: dict[str, Any] = dict(rtol=rtol, atol=atol, max_steps=max_steps, margin=margin)
    integrator = ExactEvents(solver, max_spikes=max_spikes, **options)
    if not float(t1) > float(t0):
        raise ValueError(f"`t1` must be greater than `t0` ({t0!r}), got {t1!r}.")
    inputs = _inputs.normalise(inputs)
    integrator.check(model, inputs, None)
    y0 = model.init() if y0 is None else y0
    return integrator.solve(model, y0, inputs, t0, t1, Monitor(), float(t1) - float(t0))
