"""Relaxation of energy models: `relax` to a fixed point, and `EnergyFlow` for `simulate`.

One contract ([`brainjax.AbstractEnergy`][]) serves Hopfield networks, dense
associative memories and predictive coding: a model gives `energy(x, args)`, and
optionally its own continuous dynamics (`vector_field`, default `-grad E`) and discrete
updates (`update`, `update_unit`). `relax` drives any such model to a fixed point with
one of three methods (option objects): `GradientFlow` (Diffrax), `Synchronous` or
`Asynchronous` (discrete updates).
"""

from typing import Any

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optimistix as optx
from jaxtyping import Array, Bool, Float, Int, PRNGKeyArray, Scalar

from ._dynamics import AbstractDynamics, AbstractEnergy, State
from ._validate import check_count, check_nonnegative, check_positive


class GradientFlow(eqx.Module):
    """Relax by integrating the model's continuous dynamics `dx/dt = vector_field(t, x,
    args)` (by default the gradient flow `-grad_x E`) with Diffrax until a steady state.

    **Arguments:**

    - `solver`: a Diffrax solver (default `diffrax.Tsit5()`).
    - `dt0`: the initial (or, with a constant step size, the fixed) step, in the flow's
      own time units (time constants of the model, dimensionless unless the model says
      otherwise).
    - `stepsize_controller`: default `diffrax.PIDController` with ten times tighter
      tolerances than `relax`'s steady-state `rtol`, `atol` (looser error control lets
      an explicit solver wander at the stability limit and never meet the steady-state
      test). `diffrax.ConstantStepSize()` gives fixed steps of `dt0` (e.g. with
      `diffrax.Euler()`, plain gradient descent `x <- x - dt0 * grad E`).
    """

    solver: diffrax.AbstractSolver = diffrax.Tsit5()
    dt0: float = 0.1
    stepsize_controller: diffrax.AbstractStepSizeController | None = None

    def __check_init__(self):
        check_positive("dt0", self.dt0)


class Synchronous(eqx.Module):
    """Relax by discrete synchronous updates `x <- model.update(x, args)` (all units at
    once; e.g. `xi <- X softmax(beta X^T xi)` for a modern Hopfield network). Each step
    is one update."""


class Asynchronous(eqx.Module):
    """Relax by asynchronous sweeps: every unit in a random order (a new permutation per
    sweep, drawn from `relax`'s `key`), each updated with `model.update_unit(x, i,
    args)` given the current values of the others (Hopfield 1982). Each step is one
    sweep of all units; the state must be a single array."""


RelaxMethod = GradientFlow | Synchronous | Asynchronous


class Relaxation(eqx.Module):
    """The result of [`brainjax.relax`][].

    - `x`: the final state (the fixed point when `converged`).
    - `energies`: `E(x)` at the start and after every step (shape `(max_steps + 1,)`);
      entries after `num_steps` repeat the final energy, so the array has a fixed
      shape under `jax.vmap`.
    - `ts`: the flow time at each entry of `energies` (the step index for discrete
      updates), padded the same way.
    - `num_steps`: steps (solver steps or update sweeps) taken.
    - `converged`: whether the steady-state tolerance was met within `max_steps`.
    """

    x: State
    energies: Float[Array, " steps_plus_one"]
    ts: Float[Array, " steps_plus_one"]
    num_steps: Int[Array, ""]
    converged: Bool[Array, ""]


def _norm(tree) -> Scalar:
    return jnp.sqrt(sum(jnp.sum(jnp.square(leaf)) for leaf in jax.tree.leaves(tree)))


def _check_state(model: AbstractEnergy, x0: State, args: Any) -> None:
    try:
        out = jax.eval_shape(model.energy, x0, args)
    except (TypeError, ValueError) as error:
        raise ValueError(f"`x0` does not fit the model's energy: {error}") from None
    if not (hasattr(out, "shape") and out.shape == ()):
        raise ValueError(f"`model.energy(x0, args)` must be a scalar, got {out}.")


def relax(
    model: AbstractEnergy,
    x0: State,
    args: Any = None,
    *,
    method: RelaxMethod | None = None,
    rtol: float = 1e-5,
    atol: float = 1e-5,
    max_steps: int = 4096,
    key: PRNGKeyArray | None = None,
    implicit: bool = True,
) -> Relaxation:
    """Relax the state of an energy model from `x0` to a fixed point.

    **Arguments:**

    - `model`: any [`brainjax.AbstractEnergy`][]; its state `x` is a PyTree of arrays
      (one array for a Hopfield net, a list of layer activities for predictive coding).
    - `x0`: the initial state (e.g. a corrupted pattern).
    - `args`: passed to the model's `energy`, `vector_field` and `update` (clamped
      inputs, external fields).
    - `method`: `GradientFlow()` (default), `Synchronous()` or `Asynchronous()`.
    - `rtol`, `atol`: steady-state tolerance. The flow stops when
      `|vector_field(x)| < atol + rtol * |x|` (Diffrax steady-state event); discrete
      updates stop when one step changes the state by less than that.
    - `max_steps`: the step budget (solver steps or sweeps). Running out is not an
      error: `converged` is then `False`.
    - `key`: PRNG key for the random unit order of `Asynchronous`.
    - `implicit`: how `jax.grad` goes through the relaxation. `True`: the implicit
      function theorem at the fixed point (optimistix `ImplicitAdjoint`; cheap in memory,
      exact at convergence). `False` (`GradientFlow` only): backpropagation through
      the solver steps (`diffrax.RecursiveCheckpointAdjoint`), right also when the
      flow is stopped before equilibrium, e.g. a fixed number of inference steps.

    **Returns:** a [`brainjax.Relaxation`][] (final state, energy trajectory, steps,
    convergence flag). Works under `jax.jit` and `jax.vmap` (e.g. over a batch of
    queries).

    **Reference:** Hopfield (1982, 1984) for the discrete and gradient-flow relaxation
    of an energy; Bai, Kolter & Koltun (2019) for implicit differentiation at the
    fixed point.

    **Example:**

    ```python
    net = bj.memory.ClassicalHopfield(patterns)
    out = bj.relax(net, noisy, method=bj.Asynchronous(), key=jax.random.key(0))
    out.x, out.energies[: out.num_steps + 1]
    ```
    """
    if not isinstance(model, AbstractEnergy):
        raise TypeError(f"`model` must be a brainjax.AbstractEnergy, got {type(model)}.")
    method = GradientFlow() if method is None else method
    if not isinstance(method, (GradientFlow, Synchronous, Asynchronous)):
        raise ValueError(
            "`method` must be brainjax.GradientFlow(), Synchronous() or Asynchronous(), "
            f"got {method!r}."
        )
    check_nonnegative("rtol", rtol)
    check_nonnegative("atol", atol)
    max_steps = check_count("max_steps", max_steps)
    _check_state(model, x0, args)
    if isinstance(method, Asynchronous):
        if key is None:
            raise ValueError("`key` is required by `Asynchronous()` (random unit order).")
        if len(jax.tree.leaves(x0)) != 1:
            raise ValueError("`Asynchronous()` needs a state that is a single array.")
    if not implicit and not isinstance(method, GradientFlow):
        raise ValueError("`implicit=False` is available with `GradientFlow()` only.")
    return _relax(model, x0, args, method, rtol, atol, max_steps, key, implicit)


@eqx.filter_jit
def _relax(model, x0, args, method, rtol, atol, max_steps, key, implicit):
    if isinstance(method, GradientFlow):
        out = _flow(model, x0, args, method, rtol, atol, max_steps, implicit)
        fixed_map = lambda x, a: jax.tree.map(jnp.add, x, a[0].vector_field(0.0, x, a[1]))
    else:
        out = _discrete(model, x0, args, method, rtol, atol, max_steps, key)
        fixed_map = lambda x, a: a[0].update(x, a[1])
    # A model with only `update_unit` (no synchronous `update`) has no smooth map to
    # differentiate implicitly; its relaxed state carries no gradient.
    has_update = type(model).update is not AbstractEnergy.update
    if implicit and (isinstance(method, GradientFlow) or has_update):
        out = eqx.tree_at(lambda r: r.x, out, _implicit(fixed_map, out.x, (model, args)))
    return out


def _implicit(fixed_map, x_star: State, params: Any) -> State:
    """Attach implicit-function-theorem derivatives to the fixed point `x_star` of
    `fixed_map` (value unchanged): optimistix differentiates `x = fixed_map(x, params)`
    at the solution; its forward pass, started at the solution, takes one step."""
    x_star = _stop(x_star)
    solver = optx.FixedPointIteration(rtol=np.inf, atol=np.inf)
    y = optx.fixed_point(fixed_map, solver, x_star, params, max_steps=2, throw=False).value
    return jax.tree.map(lambda s, v: s + (v - jax.lax.stop_gradient(v)), x_star, y)


def _stop(tree: Any) -> Any:
    """`stop_gradient` on the array leaves of a PyTree that may hold other leaves."""
    return jax.tree.map(lambda v: jax.lax.stop_gradient(v) if eqx.is_array(v) else v, tree)


def _pad(values: Array, final: Array) -> Array:
    return jnp.where(jnp.isfinite(values), values, final)


def _flow(model, x0, args, method, rtol, atol, max_steps, implicit):
    energy = lambda t, y, a: model.energy(y, a)
    saveat = diffrax.SaveAt(
        subs=[diffrax.SubSaveAt(t1=True), diffrax.SubSaveAt(t0=True, steps=True, fn=energy)]
    )
    if implicit:
        # Gradients come from `_implicit`; the solve itself is not differentiated.
        model, x0, args = _stop((model, x0, args))
    controller = method.stepsize_controller
    if controller is None:
        controller = diffrax.PIDController(rtol=rtol / 10, atol=atol / 10)
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(model.vector_field),
        method.solver,
        0.0,
        jnp.inf,
        method.dt0,
        x0,
        args,
        saveat=saveat,
        stepsize_controller=controller,
        event=diffrax.Event(diffrax.steady_state_event(rtol=rtol, atol=atol, norm=_norm)),
        max_steps=max_steps,
        adjoint=diffrax.RecursiveCheckpointAdjoint(),
        throw=False,
    )
    (_, ts), (x, energies) = sol.ts, sol.ys
    x = jax.tree.map(lambda leaf: leaf[0], x)
    final_energy = model.energy(x, args)
    t_final = jnp.max(jnp.where(jnp.isfinite(ts), ts, -jnp.inf))
    return Relaxation(
        x=x,
        energies=_pad(energies, final_energy),
        ts=_pad(ts, t_final),
        num_steps=sol.stats["num_accepted_steps"],
        converged=sol.result == diffrax.RESULTS.event_occurred,
    )


def _discrete(model, x0, args, method, rtol, atol, max_steps, key):
    model, x0, args = _stop((model, x0, args))

    if isinstance(method, Asynchronous):

        def step(x, i):
            order = jax.random.permutation(jax.random.fold_in(key, i), x.size)
            body = lambda k, y: model.update_unit(y, order[k], args)
            return jax.lax.fori_loop(0, x.size, body, x)

    else:
        step = lambda x, i: model.update(x, args)

    def cond(carry):
        _, i, done, _ = carry
        return (i < max_steps) & ~done

    def body(carry):
        x, i, _, energies = carry
        new = step(x, i)
        change = _norm(jax.tree.map(jnp.subtract, new, x))
        done = change <= atol + rtol * _norm(x)
        energies = energies.at[i + 1].set(model.energy(new, args))
        return new, i + 1, done, energies

    energies = jnp.full(max_steps + 1, jnp.inf).at[0].set(model.energy(x0, args))
    x, n, done, energies = jax.lax.while_loop(
        cond, body, (x0, jnp.asarray(0), jnp.asarray(False), energies)
    )
    return Relaxation(
        x=x,
        energies=_pad(energies, energies[n]),
        ts=jnp.minimum(jnp.arange(max_steps + 1), n).astype(energies.dtype),
        num_steps=n,
        converged=done,
    )


class EnergyFlow(AbstractDynamics):
    """An energy model as a continuous-time dynamical system, for
    [`brainjax.simulate`][]: `dx/dt = model.vector_field(t, x, args)` (by default the
    gradient flow `-grad_x E(x, args)`), starting from `x0`. `simulate`'s `inputs`
    become the energy's `args`. Time is in the model's time units.

    **Example:** `bj.simulate(bj.EnergyFlow(net, noisy), t1=10.0, dt=0.01)`.
    """

    model: AbstractEnergy
    x0: State

    def __check_init__(self):
        if not isinstance(self.model, AbstractEnergy):
            raise TypeError(f"`model` must be a brainjax.AbstractEnergy, got {self.model!r}.")

    @property
    def n(self) -> int:
        """The number of state variables."""
        return sum(int(np.size(x)) for x in jax.tree.leaves(self.x0))

    def init(self, key: PRNGKeyArray | None = None) -> State:
        del key
        return self.x0

    def vector_field(self, t, y: State, args: Any) -> State:
        return self.model.vector_field(t, y, args)
