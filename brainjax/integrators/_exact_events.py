"""`ExactEvents`: event-driven integration with exact, differentiable spike times."""

from collections.abc import Callable
from typing import Any

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import optimistix as optx
from jax.flatten_util import ravel_pytree
from jaxtyping import Array, PyTree

from .. import inputs as _inputs
from .._dynamics import AbstractDynamics, AbstractSpiking, State
from .._monitor import Monitor
from .._solution import Solution
from .._validate import check_count, check_positive
from ._base import AbstractIntegrator, Problem


class ExactEvents(AbstractIntegrator):
    """Integrate a spiking model event by event, with exact spike times whose
    gradients are exact too (up to the ODE tolerances).

    Between spikes the model's `vector_field` is integrated by an adaptive Diffrax
    solver with a `diffrax.Event` whose condition is the largest
    `model.threshold_margin(y)` (`v - v_threshold`); the root finder locates the
    threshold crossing. The crossing neuron(s) then spike: `model.reset` is applied
    (reset of the potential, delivery to the synapses of a [`brainjax.Network`][]) and
    integration restarts from the spike time. Up to `max_spikes` spikes (across all
    neurons) are located; more raise an error.

    **Why this gives exact gradients.** The spike time `t*` solves `g(t*, theta) = 0`
    with `g = v(t; theta) - v_th`. Diffrax finds it with `optimistix.root_find`,
    whose implicit-function-theorem adjoint gives `dt*/dtheta = -(dg/dtheta) /
    (dg/dt)` at the root; the state after the spike, and the later solves starting at
    `t*`, depend on `t*` differentiably, so `jax.grad` of any function of the spike
    times is the exact derivative of the true (continuous-time) spike times: the
    EventProp gradient (Wunderlich & Pehle 2021), obtained by autodiff through the
    solves instead of a hand-written adjoint.

    **Trade-offs vs [`brainjax.integrators.HybridScan`][] (surrogate BPTT on a grid).**

    - Exact: no time discretisation of spikes, no surrogate; gradients exist only
      through spikes that happen (a silent neuron gets no gradient to start firing,
      the "dead neuron" problem that surrogates avoid).
    - Cost grows with the number of spikes (one adaptive solve and one root find per
      spike, sequentially): for small networks and few spikes (tens to hundreds).
      The fixed-grid scan handles thousands of neurons.
    - Supported: spiking models without refractory period (`refractory_period() ==
      0`), projections without delays or short-term plasticity, deterministic models
      and inputs (numbers, arrays or functions of `t`, evaluated at every solver stage).

    **Arguments:**

    - `solver`: an adaptive Diffrax solver (default `diffrax.Tsit5()`); `rtol`, `atol`:
      its tolerances, also those of the default root finder.
    - `root_finder`: an `optimistix` root finder for the spike times (default
      `optimistix.Newton(rtol, atol)`).
    - `max_spikes`: number of spike slots (static).
    - `max_steps`: solver steps allowed between two spikes.
    - `margin`: `y -> v - v_th` per neuron (a PyTree like `model.spike(y)`); default
      `model.threshold_margin`.

    The [`brainjax.Solution`][] holds the exact spikes (`spike_times`,
    `spike_neurons`, `first_spike_times()`) and the monitored state at `t0` and `t1`
    (`ts = [t0, t1]`); `dt` only fixes the time grid that `simulate` checks.

    **Example** (float64 recommended for gradient checks):

    ```python
    lif = bj.neurons.LIF(n=1, t_ref=0.0)
    exact = bj.integrators.ExactEvents(max_spikes=8)
    sol = bj.simulate(lif, t1=50.0, dt=0.1, inputs=400.0, integrator=exact)  # 400 pA
    sol.first_spike_times()  # ms; jax.grad works through it
    ```
    """

    solver: diffrax.AbstractAdaptiveSolver = diffrax.Tsit5()
    rtol: float = eqx.field(default=1e-8, static=True)
    atol: float = eqx.field(default=1e-8, static=True)
    root_finder: optx.AbstractRootFinder | None = None
    max_spikes: int = eqx.field(default=64, static=True)
    max_steps: int = eqx.field(default=4096, static=True)
    margin: Callable[[State], PyTree[Array]] | None = eqx.field(default=None, static=True)

    def __check_init__(self):
        if not isinstance(self.solver, diffrax.AbstractAdaptiveSolver):
            raise ValueError(f"`solver` must be an adaptive diffrax solver, got {self.solver!r}.")
        check_count("max_spikes", self.max_spikes)
        check_count("max_steps", self.max_steps)
        check_positive("rtol", self.rtol)
        check_positive("atol", self.atol)

    def check(self, model: AbstractDynamics, inputs: PyTree[Any], dt: float | None) -> None:
        if not isinstance(model, AbstractSpiking):
            self._refuse(model, "it is not spiking", "DiffeqSolve()")
        if model.refractory_period() > 0:
            self._refuse(
                model,
                f"it has a refractory period ({model.refractory_period()!r} ms; "
                "exact events need `t_ref = 0`)",
                "HybridScan(), or set `t_ref=0.0`",
            )
        from ..network import Network  # late: the network imports the models

        if isinstance(model, Network):
            for proj in model.projections:
                if proj.has_delays or proj.stp is not None:
                    self._refuse(
                        model,
                        f"projection {proj.pre}->{proj.post} has delays or short-term plasticity",
                        "HybridScan()",
                    )
        if _inputs.is_stochastic(inputs):
            raise ValueError("ExactEvents needs deterministic inputs; use HybridScan().")

    def run(self, model: AbstractDynamics, problem: Problem) -> Solution:
        monitor = problem.monitor
        if problem.keys[0] is not None:
            self._refuse(model, "it has a `diffusion` (noise)", "HybridScan()")
        if monitor.events is not None or monitor.rates or monitor.spike_counts:
            raise ValueError(
                "ExactEvents records exact spike times: `Monitor(events=, rates=, "
                "spike_counts=)` are for the fixed-step scans."
            )
        t0, dt, n_steps = problem.grid
        return self.solve(model, problem.y0, problem.inputs, t0, t0 + dt * n_steps, monitor, dt)

    def solve(
        self,
        model: AbstractDynamics,
        y0: State,
        inputs: PyTree[Any],
        t0: float,
        t1: float,
        monitor: Monitor,
        dt: float,
    ) -> Solution:
        """Run from `t0` to `t1` (ms, may be traced) without a time grid (`dt` is
        only stored on the solution); the path of `simulate` and `simulate_exact`."""
        start, end = jnp.asarray(float(t0)), jnp.asarray(float(t1))
        times, neurons, final, ys, n_neurons = _solve(self, model, y0, inputs, start, end, monitor)
        return Solution(
            ts=jnp.stack([start, end]),
            ys=ys,
            spikes=None,
            final=final,
            dt=dt,
            spike_times=times,
            spike_neurons=neurons,
            n_neurons=n_neurons,
        )


@eqx.filter_jit
def _solve(integrator, model, y0, inputs, t0, t1, monitor):
    margin = model.threshold_margin if integrator.margin is None else integrator.margin
    flat_margin = lambda y: ravel_pytree(margin(y))[0]  # noqa: E731
    _, unravel_spikes = ravel_pytree(jax.eval_shape(model.spike, y0))
    n_neurons = flat_margin(y0).shape[0]
    term = diffrax.ODETerm(lambda t, y, args: model.vector_field(t, y, _inputs.evaluate(inputs, t)))
    root_finder = integrator.root_finder
    if root_finder is None:
        root_finder = optx.Newton(rtol=integrator.rtol, atol=integrator.atol)
    event = diffrax.Event(
        cond_fn=lambda t, y, args, **kwargs: jnp.max(flat_margin(y)), root_finder=root_finder
    )
    controller = diffrax.PIDController(rtol=integrator.rtol, atol=integrator.atol)

    def between_spikes(carry, _):
        t, y, done = carry
        sol = diffrax.diffeqsolve(
            term,
            integrator.solver,
            t,
            t1,
            None,
            y,
            stepsize_controller=controller,
            event=event,
            saveat=diffrax.SaveAt(t1=True),
            max_steps=integrator.max_steps,
            throw=True,
        )
        assert sol.ts is not None and sol.ys is not None
        t_new = sol.ts[-1]
        y_new = jax.tree.map(lambda x: x[-1], sol.ys)
        fired = jnp.asarray(sol.event_mask) & ~done
        m = flat_margin(y_new)
        spikes = (m >= jnp.minimum(jnp.max(m), 0.0)).astype(m.dtype) * fired
        y_after = model.reset(y_new, unravel_spikes(spikes))
        y_next = jax.tree.map(lambda a, b: jnp.where(fired, a, b), y_after, y_new)
        record = (jnp.where(fired, t_new, jnp.inf), jnp.where(fired, jnp.argmax(m), -1))
        return (t_new, y_next, done | ~fired), record

    carry = (t0, y0, jnp.asarray(False))
    (t, final, done), (times, neurons) = jax.lax.scan(
        between_spikes, carry, None, length=integrator.max_spikes + 1
    )
    final = eqx.error_if(
        final, ~done, "more than `max_spikes` spikes before `t1`: increase `max_spikes`."
    )
    ys = jax.tree.map(lambda a, b: jnp.stack([a, b]), monitor.pick(y0), monitor.pick(final))
    max_spikes = integrator.max_spikes
    return times[:max_spikes], neurons[:max_spikes], final, ys, n_neurons
