"""`Synchronous` and `Asynchronous`: relax by discrete updates until the state stops
changing."""

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array

from .._dynamics import (
    AbstractAsynchronousEnergy,
    AbstractEnergy,
    AbstractSynchronousEnergy,
    State,
)
from ._base import AbstractRelaxation, Relaxation, RelaxationProblem
from ._tree import implicit_fixed_point, norm, pad, stop


class Synchronous(AbstractRelaxation):
    """Relax by discrete synchronous updates `x <- model.update(x, args)` (all units at
    once; e.g. `xi <- X^T softmax(beta X xi)` for a modern Hopfield network) until one
    update changes the state by less than `atol + rtol * |x|`. Each step is one update.

    Serves a [`brainjax.AbstractSynchronousEnergy`][]. Gradients by the implicit function
    theorem at the fixed point of `update`.

    **Example:** `bj.relax(bj.memory.ModernHopfield(x, beta=8.0), query,
    method=bj.Synchronous())`.
    """

    def check(self, model: AbstractEnergy, problem: RelaxationProblem) -> None:
        if not isinstance(model, AbstractSynchronousEnergy):
            self._refuse(
                model,
                "it declares no synchronous `update` (it is no "
                "brainjax.AbstractSynchronousEnergy); use brainjax.GradientFlow()",
            )
        _check_implicit(problem)

    def run(self, model: AbstractEnergy, problem: RelaxationProblem) -> Relaxation:
        assert isinstance(model, AbstractSynchronousEnergy)  # `check` has refused others
        frozen, frozen_args = stop((model, problem.args))
        step = lambda x, i: frozen.update(x, frozen_args)
        out = _iterate(frozen, frozen_args, step, problem)
        return _attach_gradient(model, problem, out)


class Asynchronous(AbstractRelaxation):
    """Relax by asynchronous sweeps: every unit in a random order (a new permutation per
    sweep, drawn from `relax`'s `key`), each updated with `model.update_unit(x, i,
    args)` given the current values of the others (Hopfield 1982). Each step is one
    sweep of all units; the state must be a single array. Stops when a sweep changes
    the state by less than `atol + rtol * |x|`.

    Serves a [`brainjax.AbstractAsynchronousEnergy`][]. Gradients (implicit, at the fixed
    point of `update`) only for a model that is also an
    [`brainjax.AbstractSynchronousEnergy`][]; otherwise the relaxed state carries none.

    **Example:** `bj.relax(net, noisy, method=bj.Asynchronous(), key=jax.random.key(0))`.
    """

    def check(self, model: AbstractEnergy, problem: RelaxationProblem) -> None:
        if problem.key is None:
            raise ValueError("`key` is required by `Asynchronous()` (random unit order).")
        if not isinstance(model, AbstractAsynchronousEnergy):
            self._refuse(
                model,
                "it declares no unit-wise `update_unit` (it is no "
                "brainjax.AbstractAsynchronousEnergy); use brainjax.GradientFlow()",
            )
        if len(jax.tree.leaves(problem.x0)) != 1:
            raise ValueError("`Asynchronous()` needs a state that is a single array.")
        _check_implicit(problem)

    def run(self, model: AbstractEnergy, problem: RelaxationProblem) -> Relaxation:
        key = problem.key
        assert isinstance(model, AbstractAsynchronousEnergy) and key is not None
        frozen, frozen_args = stop((model, problem.args))

        def step(x, i):
            order = jax.random.permutation(jax.random.fold_in(key, i), x.size)
            body = lambda k, y: frozen.update_unit(y, order[k], frozen_args)
            return jax.lax.fori_loop(0, x.size, body, x)

        out = _iterate(frozen, frozen_args, step, problem)
        # A model with only `update_unit` has no smooth map to differentiate implicitly.
        if isinstance(model, AbstractSynchronousEnergy):
            out = _attach_gradient(model, problem, out)
        return out


def _check_implicit(problem: RelaxationProblem) -> None:
    if problem.implicit is False:
        raise ValueError("`implicit=False` is available with `GradientFlow()` only.")


def _attach_gradient(
    model: AbstractSynchronousEnergy, problem: RelaxationProblem, out: Relaxation
) -> Relaxation:
    if problem.implicit is False:
        return out
    fixed_map = lambda x, a: a[0].update(x, a[1])
    x = implicit_fixed_point(fixed_map, out.x, (model, problem.args))
    return eqx.tree_at(lambda r: r.x, out, x)


def _iterate(
    model: AbstractEnergy,
    args: Any,
    step: Callable[[State, Array], State],
    problem: RelaxationProblem,
) -> Relaxation:
    """Apply `step(x, i)` from `problem.x0` (gradient stopped) until it changes `x` by
    at most `atol + rtol * |x|`."""
    x0, rtol, atol, max_steps = stop(problem.x0), problem.rtol, problem.atol, problem.max_steps

    def cond(carry):
        _, i, done, _ = carry
        return (i < max_steps) & ~done

    def body(carry):
        x, i, _, energies = carry
        new = step(x, i)
        change = norm(jax.tree.map(jnp.subtract, new, x))
        done = change <= atol + rtol * norm(x)
        energies = energies.at[i + 1].set(model.energy(new, args))
        return new, i + 1, done, energies

    energies = jnp.full(max_steps + 1, jnp.inf).at[0].set(model.energy(x0, args))
    x, n, done, energies = jax.lax.while_loop(
        cond, body, (x0, jnp.asarray(0), jnp.asarray(False), energies)
    )
    return Relaxation(
        x=x,
        energies=pad(energies, energies[n]),
        ts=jnp.minimum(jnp.arange(max_steps + 1), n).astype(energies.dtype),
        num_steps=n,
        converged=done,
    )
