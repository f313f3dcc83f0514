"""Non-finite detection: which state variable first became NaN/inf, and when.

The fixed-step scans carry a small `fault = (step, leaf)` (int32; `step = -1` while
every state is finite) and update it once per record (`monitor.every` steps) with one
`isfinite(...).all()` per floating-point leaf of the state. After the compiled run,
`raise_if_nonfinite` turns a fault into a `ValueError` naming the time (ms), the step,
the state variable (its path) and the population; under an outer `jax.jit`/`jax.vmap`
the fault is not concrete, and an `eqx.error_if` on the result raises instead.
Runtime checks off (`BRAINJAX_RUNTIME_CHECKS=0`) skip all of it.
"""

from typing import Any

import jax
import jax.numpy as jnp
from jaxtyping import Array, Bool, Int, PyTree

from .._validate import is_traced, runtime_check

Fault = tuple[Int[Array, ""], Int[Array, ""]]


def _inexact(leaf: Any) -> bool:
    return jnp.issubdtype(jnp.result_type(leaf), jnp.inexact)


def leaf_paths(state: PyTree) -> list[tuple[Any, ...]]:
    """The paths of the floating-point leaves of `state`, in `finite_flags` order."""
    leaves = jax.tree_util.tree_flatten_with_path(state)[0]
    return [path for path, leaf in leaves if _inexact(leaf)]


def finite_flags(state: PyTree) -> Bool[Array, " leaves"]:
    """One flag per floating-point leaf of `state`: whether all its values are finite."""
    leaves = [leaf for leaf in jax.tree.leaves(state) if _inexact(leaf)]
    return jnp.stack([jnp.isfinite(leaf).all() for leaf in leaves] or [jnp.array(True)])


def no_fault() -> Fault:
    return jnp.array(-1, jnp.int32), jnp.array(0, jnp.int32)


def watch(fault: Fault, state: PyTree, step: Any) -> Fault:
    """`fault` updated with the state after `step` steps: the first non-finite one."""
    flags = finite_flags(state)
    first = (fault[0] < 0) & ~flags.all()
    step = jnp.asarray(step, jnp.int32)
    leaf = jnp.argmin(flags).astype(jnp.int32)
    return jnp.where(first, step, fault[0]), jnp.where(first, leaf, fault[1])


def first_fault(flags: Bool[Array, "records leaves"], every: int) -> Fault:
    """The fault of per-record flags (record `k` = state after `k * every` steps)."""
    bad = ~flags.all(axis=1)
    k = jnp.argmax(bad).astype(jnp.int32)
    step = jnp.where(bad.any(), k * every, -1).astype(jnp.int32)
    return step, jnp.argmin(flags[k]).astype(jnp.int32)


def describe(path: tuple[Any, ...]) -> str:
    """The variable's path (e.g. `.neurons['E'].v`) and its population, if named."""
    where = jax.tree_util.keystr(path)
    names = [key.key for key in path if isinstance(key, jax.tree_util.DictKey)]
    where = f"`{where}`" if where else "(the state array)"
    return where + (f" (population {names[0]!r})" if names else "")


def raise_if_nonfinite(
    result: PyTree, fault: Fault, paths: list, grid: tuple, every: int, who: str = "simulate"
) -> PyTree:
    """`result`, or a `ValueError` when `fault` says a state became non-finite (see the
    module docstring); under tracing, `result` with an `eqx.error_if` attached."""
    step, leaf = fault
    if is_traced(fault):
        message = (
            f"brainjax.{who}: the state became non-finite (NaN/inf); call it outside "
            "jax.jit/jax.vmap for the time, step and variable"
        )
        return runtime_check(result, step >= 0, message)
    step, leaf = int(step), int(leaf)
    if step < 0:
        return result
    t0, dt, _ = grid
    within = f" (checked every {every} steps: it became so after step {step - every})"
    raise ValueError(
        f"brainjax.{who}: non-finite value (NaN/inf) in the state variable "
        f"{describe(paths[leaf])} at t = {t0 + step * dt:g} ms (step {step})"
        f"{within if every > 1 else ''}. The integration blew up: try a smaller `dt` "
        "or check the parameters and inputs."
    )


def checked(outcome: tuple[PyTree, Fault], problem: Any, checks: bool) -> PyTree:
    """The solution of an integrator's compiled run `outcome = (solution, fault)`, after
    the non-finite check of the state (skipped when runtime checks are off)."""
    solution, fault = outcome
    if not checks:
        return solution
    paths = leaf_paths(problem.y0)
    return raise_if_nonfinite(solution, fault, paths, problem.grid, problem.monitor.every)
