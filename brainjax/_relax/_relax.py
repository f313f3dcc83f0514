"""`relax`: drive an energy model to a fixed point with a relaxation method."""

from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import PRNGKeyArray

from .._dynamics import AbstractAsynchronousEnergy, AbstractEnergy, AbstractSynchronousEnergy, State
from .._validate import check_count, check_nonnegative, is_traced, runtime_check, runtime_checks
from ..integrators._finite import describe, finite_flags, leaf_paths
from ._base import AbstractRelaxation, Relaxation, RelaxationProblem
from ._gradient_flow import GradientFlow


def _check_state(model: AbstractEnergy, x0: State, args: Any) -> None:
    try:
        out = jax.eval_shape(model.energy, x0, args)
    except (TypeError, ValueError) as error:
        raise ValueError(f"`x0` does not fit the model's energy: {error}") from None
    if not (isinstance(out, jax.ShapeDtypeStruct) and out.shape == ()):
        raise ValueError(f"`model.energy(x0, args)` must be a scalar, got {out}.")


def relax(
    model: AbstractEnergy,
    x0: State,
    args: Any = None,
    *,
    method: AbstractRelaxation | None = None,
    rtol: float = 1e-5,
    atol: float = 1e-5,
    max_steps: int = 4096,
    key: PRNGKeyArray | None = None,
    implicit: bool | None = None,
) -> Relaxation:
    """Relax the state of an energy model from `x0` to a fixed point.

    **Arguments:**

    - `model`: any [`brainjax.AbstractEnergy`][]; its state `x` is a PyTree of arrays
      (one array for a Hopfield net, a list of layer activities for predictive coding).
    - `x0`: the initial state (e.g. a corrupted pattern).
    - `args`: passed to the model's `energy`, `vector_field` and `update` (clamped
      inputs, external fields).
    - `method`: a relaxation method, [`brainjax.GradientFlow`][] (default; Diffrax),
      [`brainjax.Synchronous`][] or [`brainjax.Asynchronous`][] (discrete updates the
      model declares), or [`brainjax.FixedStep`][] (a fixed number of gradient steps).
      A method that cannot relax `model` raises a `ValueError` saying why.
    - `rtol`, `atol`: steady-state tolerance. The flow stops when
      `|vector_field(x)| < atol + rtol * |x|` (Diffrax steady-state event); discrete
      updates stop when one step changes the state by less than that.
    - `max_steps`: the step budget (solver steps or sweeps). Running out is not an
      error: `converged` is then `False`.
    - `key`: PRNG key for the random unit order of `Asynchronous`.
    - `implicit`: how `jax.grad` goes through the relaxation; `None` (default) is the
      method's own way. `True`: the implicit function theorem at the fixed point
      (optimistix `ImplicitAdjoint`; cheap in memory, exact at convergence; the
      default of `GradientFlow`, `Synchronous`, `Asynchronous`). `False`
      (`GradientFlow`, and always `FixedStep`): backpropagation through the steps,
      right also when the relaxation is stopped before equilibrium.

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
    if not isinstance(method, AbstractRelaxation):
        raise ValueError(
            "`method` must be a relaxation method (brainjax.GradientFlow(), Synchronous(), "
            f"Asynchronous() or FixedStep(...)), got {method!r}."
        )
    check_nonnegative("rtol", rtol)
    check_nonnegative("atol", atol)
    max_steps = check_count("max_steps", max_steps)
    _check_state(model, x0, args)
    problem = RelaxationProblem(x0, args, rtol, atol, max_steps, key, implicit)
    method.check(model, problem)
    out = _run(method, model, problem)
    return _check_finite(model, out) if runtime_checks() else out


def _check_finite(model: AbstractEnergy, out: Relaxation) -> Relaxation:
    """`out`, or a `ValueError` naming the step, flow time and variable when the
    relaxation produced a non-finite state or energy (an `eqx.error_if` under tracing)."""
    flags = finite_flags(out.x)
    energies_ok = jnp.isfinite(out.energies)
    if is_traced((flags, energies_ok)):
        bad = ~(flags.all() & energies_ok.all())
        message = (
            "brainjax.relax: the state became non-finite (NaN/inf); call it outside "
            "jax.jit/jax.vmap for the step and variable"
        )
        return runtime_check(out, bad, message)
    if bool(flags.all()) and bool(energies_ok.all()):
        return out
    step = int(jnp.argmin(energies_ok)) if not energies_ok.all() else int(out.num_steps)
    variable = describe(leaf_paths(out.x)[int(jnp.argmin(flags))])
    hint = ""
    if isinstance(model, (AbstractSynchronousEnergy, AbstractAsynchronousEnergy)):
        hint = (
            f" {type(model).__name__} declares discrete updates: relax it with "
            "`method=bj.Synchronous()` or `bj.Asynchronous()` (the default gradient flow "
            "follows the continuous energy, which may be unbounded below)."
        )
    raise ValueError(
        f"brainjax.relax: non-finite value (NaN/inf) in the state variable {variable} "
        f"(energy non-finite from step {step}, flow time {float(out.ts[step]):g}).{hint}"
    )


@eqx.filter_jit
def _run(method, model, problem) -> Relaxation:
    return method.run(model, problem)
