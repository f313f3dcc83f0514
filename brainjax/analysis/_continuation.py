from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optimistix as optx
from jaxtyping import Array, ArrayLike, Complex, Float

from .._dynamics import AbstractDynamics, State
from ._fixed_points import eigenvalues


def classify(eigs: Complex[ArrayLike, " d"], *, tol: float = 1e-9) -> str:
    """Name the type of a fixed point from its Jacobian eigenvalues (per ms).

    Returns `"stable node"` (all real parts < 0, all real), `"stable focus"` (all real
    parts < 0, a complex pair), `"unstable node"` / `"unstable focus"` (all real parts
    > 0), `"saddle"` (real parts of both signs) or `"non-hyperbolic"` (a real part
    within `tol` of 0: linearisation decides nothing, e.g. at a bifurcation).
    (Strogatz 2015, Nonlinear Dynamics and Chaos, section 6.3.)

    **Example:** `bj.analysis.classify(bj.analysis.eigenvalues(wc, y_star))`.
    """
    eigs = np.asarray(eigs)
    re, complex_pair = np.real(eigs), bool(np.any(np.abs(np.imag(eigs)) > tol))
    if np.any(np.abs(re) <= tol):
        return "non-hyperbolic"
    if np.all(re < 0):
        return "stable focus" if complex_pair else "stable node"
    if np.all(re > 0):
        return "unstable focus" if complex_pair else "unstable node"
    return "saddle"


class Continuation(NamedTuple):
    """What [`brainjax.analysis.continuation`][] returns (NumPy arrays).

    - `values`: the parameter values, `(k,)`.
    - `states`: the fixed point at each value (a PyTree with leading axis `k`).
    - `eigenvalues`: `(k, d)` Jacobian eigenvalues (per ms).
    - `converged`: `(k,)` whether Newton's method converged.
    - `stable`: `(k,)` all real parts negative.
    - `hopf`: parameter values where a complex pair crosses the imaginary axis
      (linear interpolation between grid points).
    - `hopf_frequency`: the oscillation frequency at each Hopf point (Hz),
      `|Im lambda| / 2 pi` with `lambda` per ms.
    """

    values: np.ndarray
    states: Any
    eigenvalues: np.ndarray
    converged: np.ndarray
    stable: np.ndarray
    hopf: np.ndarray
    hopf_frequency: np.ndarray


def continuation(
    model_at: Callable[[Float[Array, ""]], AbstractDynamics],
    values: Float[ArrayLike, " k"],
    guess: State,
    args: Any = None,
    *,
    t: float = 0.0,
    rtol: float = 1e-6,
    atol: float = 1e-6,
    max_steps: int = 256,
) -> Continuation:
    """Natural-parameter continuation of a fixed point, flagging Hopf bifurcations.

    For each value `p` of `values` (in order), Newton's method (`optimistix.Newton`)
    finds the fixed point of `model_at(p)` starting from the fixed point found at the
    previous value (`guess` for the first), then the Jacobian eigenvalues are computed.
    A Hopf bifurcation is flagged between two consecutive values where the largest
    real part of the eigenvalues with non-zero imaginary part changes sign (a complex
    pair crosses the imaginary axis; Kuznetsov 2004, Elements of Applied Bifurcation
    Theory, ch. 3). Folds (where the branch ends) show up as `converged == False`.

    The whole sweep is one `jax.lax.scan` (compiled once).

    **Example:**

    ```python
    res = bj.analysis.continuation(
        lambda p: bj.populations.WilsonCowan(p_e=p), jnp.linspace(0.0, 3.0, 301),
        bj.populations.WilsonCowanState(e=jnp.array([0.1]), i=jnp.array([0.1])))
    res.hopf  # drives p_e where oscillations start / stop
    ```
    """
    values = jnp.asarray(values, dtype=float)
    if values.ndim != 1 or values.shape[0] < 2:
        raise ValueError(f"`values` must be a 1-d array of >= 2 values, got {values.shape}.")
    solver = optx.Newton(rtol=rtol, atol=atol)

    def body(y, p):
        model = model_at(p)
        sol = optx.root_find(
            lambda z, _: model.vector_field(t, z, args),
            solver,
            y,
            max_steps=max_steps,
            throw=False,
        )
        ok = sol.result == optx.RESULTS.successful
        y_new = jax.tree.map(lambda a, b: jnp.where(ok, a, b), sol.value, y)
        return y_new, (sol.value, eigenvalues(model, sol.value, args, t=t), ok)

    _, (states, eigs, ok) = jax.lax.scan(body, guess, values)
    values, eigs, ok = np.asarray(values), np.asarray(eigs), np.asarray(ok)
    complex_part = np.abs(np.imag(eigs)) > 1e-9
    lead = np.where(
        complex_part.any(1), np.where(complex_part, np.real(eigs), -np.inf).max(1), np.nan
    )
    hopf, freq = [], []
    for k in range(len(values) - 1):
        a, b = lead[k], lead[k + 1]
        if ok[k] and ok[k + 1] and np.isfinite(a) and np.isfinite(b) and a * b < 0:
            w = a / (a - b)
            hopf.append(values[k] + w * (values[k + 1] - values[k]))
            imag = np.abs(np.imag(eigs[k : k + 2])).max(1)
            freq.append(((1 - w) * imag[0] + w * imag[1]) / (2 * np.pi) * 1000.0)
    return Continuation(
        values=values,
        states=jax.tree.map(np.asarray, states),
        eigenvalues=eigs,
        converged=ok,
        stable=np.all(np.real(eigs) < 0, axis=1) & ok,
        hopf=np.asarray(hopf),
        hopf_frequency=np.asarray(freq),
    )
