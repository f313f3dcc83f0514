"""`simulate_exact`: event-driven simulation with exact, differentiable spike times."""

from collections.abc import Callable
from typing import Any

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optimistix as optx
from jax.flatten_util import ravel_pytree
from jaxtyping import Array, Float, Int, PyTree

from . import inputs as _inputs
from ._dynamics import AbstractSpiking, State
from ._network import Network
from ._validate import check_count, check_positive


class ExactSolution(eqx.Module):
    """The result of [`brainjax.simulate_exact`][].

    - `times`: the spike times (ms), in order; `inf` in unused slots.
    - `neurons`: the neuron of each spike (index into the flattened spikes: for a
      [`brainjax.Network`][], populations in sorted name order, concatenated); `-1`
      in unused slots.
    - `final`: the state at `t1`.
    - `n_neurons`: the total number of neurons.
    """

    times: Float[Array, " max_spikes"]
    neurons: Int[Array, " max_spikes"]
    final: State
    n_neurons: int = eqx.field(static=True)

    def first_spike_times(self, t_none: float = jnp.inf) -> Float[Array, " n_neurons"]:
        """First spike time (ms) of every neuron, `t_none` if it never fires;
        differentiable with respect to the model parameters."""
        mine = self.neurons[:, None] == jnp.arange(self.n_neurons)[None, :]
        first = jnp.min(jnp.where(mine, self.times[:, None], jnp.inf), axis=0)
        return jnp.where(jnp.isfinite(first), first, t_none)


def _default_margin(model: AbstractSpiking, y: State) -> PyTree[Array]:
    """`v - v_th` of every neuron (mV): positive above threshold."""
    if isinstance(model, Network):
        return {
            name: _default_margin(pop, y.neurons[name]) for name, pop in model.populations.items()
        }
    if hasattr(model, "v_th") and hasattr(y, "v"):
        return y.v - model.v_th
    raise ValueError(
        f"`simulate_exact` needs the threshold distance of {type(model).__name__}: pass "
        "`margin=lambda y: ...` returning `v - v_th` (positive above threshold)."
    )


def _check_supported(model: AbstractSpiking) -> None:
    pops = model.populations.values() if isinstance(model, Network) else [model]
    for pop in pops:
        if np.any(np.asarray(getattr(pop, "t_ref", 0.0)) > 0):
            raise ValueError(
                f"`simulate_exact` needs `t_ref = 0` (no refractory period), got "
                f"t_ref={pop.t_ref!r} in {type(pop).__name__}."
            )
    if isinstance(model, Network):
        for proj in model.projections:
            if proj.depth > 1 or proj.stp is not None:
                raise ValueError(
                    f"`simulate_exact` supports projections without delays or short-term "
                    f"plasticity; projection {proj.pre}->{proj.post} has them."
                )


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
) -> ExactSolution:
    """Simulate a spiking model event by event, with exact spike times whose gradients
    are exact too (up to the ODE tolerances).

    Between spikes the model's `vector_field` is integrated by an adaptive Diffrax
    solver with a `diffrax.Event` whose condition is `max_i (v_i - v_th_i)`; the root
    finder (Newton) locates the threshold crossing to `rtol`/`atol`. The crossing
    neuron(s) then spike: `model.reset` is applied (reset of the potential, delivery to
    the synapses of a [`brainjax.Network`][]) and integration restarts from the spike
    time. Up to `max_spikes` spikes (across all neurons) are located; more raise an
    error.

    **Why this gives exact gradients.** The spike time `t*` solves `g(t*, theta) = 0`
    with `g = v(t; theta) - v_th`. Diffrax finds it with `optimistix.root_find`,
    whose implicit-function-theorem adjoint gives `dt*/dtheta = -(dg/dtheta) /
    (dg/dt)` at the root; the state after the spike, and the later solves starting at
    `t*`, depend on `t*` differentiably, so `jax.grad` of any function of the spike
    times is the exact derivative of the true (continuous-time) spike times: the
    EventProp gradient (Wunderlich & Pehle 2021), obtained by autodiff through the
    solves instead of a hand-written adjoint.

    **Trade-offs vs [`brainjax.simulate`][] (surrogate BPTT on a fixed grid).**

    - Exact: no time discretisation of spikes, no surrogate; gradients exist only
      through spikes that happen (a silent neuron gets no gradient to start firing,
      the "dead neuron" problem that surrogates avoid).
    - Cost grows with the number of spikes (one adaptive solve and one root find per
      spike, sequentially): for small networks and few spikes (tens to hundreds).
      The fixed-grid scan handles thousands of neurons.
    - Supported: populations with `v`/`v_th` (or a `margin` function), `t_ref = 0`,
      projections without delays or short-term plasticity, deterministic inputs
      (numbers, arrays or functions of `t`, evaluated at every solver stage).

    **Arguments:**

    - `model`: an `AbstractSpiking` population or [`brainjax.Network`][].
    - `t1`, `t0`: end and start times (ms).
    - `y0`: initial state (default `model.init()`); `inputs`: as for `simulate`.
    - `max_spikes`: number of spike slots (static).
    - `solver`: an adaptive Diffrax solver (default `diffrax.Tsit5()`); `rtol`, `atol`:
      its tolerances, also used by the root finder.
    - `max_steps`: solver steps allowed between two spikes.
    - `margin`: `y -> v - v_th` per neuron (PyTree like `model.spike(y)`); default for
      models with `v_th` and a state field `v`, and networks of them.

    **Example** (float64 recommended for gradient checks):

    ```python
    lif = bj.neurons.LIF(n=1, t_ref=0.0)
    sol = bj.simulate_exact(lif, t1=50.0, inputs=400.0, max_spikes=8)   # 400 pA
    sol.first_spike_times()         # ms; jax.grad works through it
    ```
    """
    if not isinstance(model, AbstractSpiking):
        raise TypeError(f"`model` must be a brainjax.AbstractSpiking, got {type(model)}.")
    check_count("max_spikes", max_spikes)
    check_count("max_steps", max_steps)
    check_positive("rtol", rtol)
    check_positive("atol", atol)
    if not float(t1) > float(t0):
        raise ValueError(f"`t1` must be greater than `t0` ({t0!r}), got {t1!r}.")
    if _inputs.is_stochastic(_inputs.normalise(inputs)):
        raise ValueError("`simulate_exact` needs deterministic inputs.")
    _check_supported(model)
    margin = (lambda y: _default_margin(model, y)) if margin is None else margin
    y0 = model.init() if y0 is None else y0
    solver = diffrax.Tsit5() if solver is None else solver
    return _solve(
        model,
        y0,
        _inputs.normalise(inputs),
        jnp.asarray(float(t0)),
        jnp.asarray(float(t1)),
        max_spikes,
        solver,
        rtol,
        atol,
        max_steps,
        margin,
    )


@eqx.filter_jit
def _solve(model, y0, inputs, t0, t1, max_spikes, solver, rtol, atol, max_steps, margin):
    flat_margin = lambda y: ravel_pytree(margin(y))[0]  # noqa: E731
    _, unravel_spikes = ravel_pytree(jax.eval_shape(model.spike, y0))
    n_neurons = flat_margin(y0).shape[0]
    term = diffrax.ODETerm(lambda t, y, args: model.vector_field(t, y, _inputs.evaluate(inputs, t)))
    event = diffrax.Event(
        cond_fn=lambda t, y, args, **kwargs: jnp.max(flat_margin(y)),
        root_finder=optx.Newton(rtol=rtol, atol=atol),
    )
    controller = diffrax.PIDController(rtol=rtol, atol=atol)

    def between_spikes(carry, _):
        t, y, done = carry
        sol = diffrax.diffeqsolve(
            term,
            solver,
            t,
            t1,
            None,
            y,
            stepsize_controller=controller,
            event=event,
            saveat=diffrax.SaveAt(t1=True),
            max_steps=max_steps,
            throw=True,
        )
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
        between_spikes, carry, None, length=max_spikes + 1
    )
    final = eqx.error_if(
        final, ~done, "more than `max_spikes` spikes before `t1`: increase `max_spikes`."
    )
    return ExactSolution(
        times=times[:max_spikes], neurons=neurons[:max_spikes], final=final, n_neurons=n_neurons
    )
