"""Classical Hopfield networks: binary units (Hopfield 1982) and the continuous tanh
network (Hopfield 1984)."""

from typing import Any

import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, Int, Scalar

from .._dynamics import AbstractAsynchronousEnergy, AbstractEnergy, AbstractSynchronousEnergy
from .._validate import check_finite, check_positive, check_shape
from ._storage import (
    Bipolar,
    Hebbian,
    Rule,
    Units,
    check_patterns,
    check_rule,
    check_units,
    check_weights_size,
)


class ClassicalHopfield(AbstractSynchronousEnergy, AbstractAsynchronousEnergy):
    """The Hopfield (1982) network of binary units with symmetric weights.

    Energy `E(x) = -1/2 x^T W x + theta^T x - b^T x`, where `b = args` is an optional
    external field (`None`: zero). The update of unit `i` sets it to its high value
    (+1) if the local field `h_i = sum_j W_ij x_j + b_i > theta_i`, to its low value
    (-1 or 0) if `h_i < theta_i`, and keeps it on a tie; with a zero diagonal this
    never increases `E`, so asynchronous updates ([`brainjax.Asynchronous`][]) reach a
    fixed point. [`brainjax.Synchronous`][] updates all units at once (Little 1974).

    **Arguments:**

    - `patterns`: the stored patterns, shape `(p, n)`, with the values of `units`.
    - `rule`: the storage rule, [`brainjax.memory.Hebbian`][] (default),
      `PseudoInverse`, `Storkey` or `Covariance`.
    - `units`: [`brainjax.memory.Bipolar`][] (-1/+1, default; `Bipolar(diluted=True)`
      also accepts blank 0 entries in the patterns) or `Binary` (0/1).
    - `threshold`: `theta`, a scalar or shape `(n,)` (dimensionless, like `W`).

    Capacity with Hebb's rule: random patterns are retrieved up to `p = 0.138 n`
    (Amit, Gutfreund & Sompolinsky 1985).

    **Example:**

    ```python
    net = bj.memory.ClassicalHopfield(patterns)  # (p, n) of -1/+1
    out = bj.relax(net, noisy, method=bj.Asynchronous(), key=jax.random.key(0))
    overlap = out.x @ patterns[0] / n
    ```
    """

    weights: Float[Array, "n n"]
    threshold: Float[Array, " n"]
    units: Units

    def __init__(
        self,
        patterns: Float[ArrayLike, "p n"],
        *,
        rule: Rule | None = None,
        units: Units | None = None,
        threshold: float | Float[ArrayLike, " n"] = 0.0,
    ):
        patterns = check_patterns(patterns)
        rule = Hebbian() if rule is None else rule
        units = Bipolar() if units is None else units
        check_units(units, patterns)
        check_rule(rule)
        n = patterns.shape[1]
        check_shape("threshold", threshold, n)
        check_finite("threshold", threshold)
        check_weights_size("ClassicalHopfield", patterns)
        self.units = units
        self.weights = rule(patterns, units)
        self.threshold = jnp.broadcast_to(jnp.asarray(threshold, float), (n,))

    def energy(self, x: Float[Array, " n"], args: Any = None) -> Scalar:
        field = 0.0 if args is None else args
        return -0.5 * x @ self.weights @ x + (self.threshold - field) @ x

    def _set(self, x: Array, drive: Array) -> Array:
        return jnp.where(drive > 0, 1.0, jnp.where(drive < 0, self.units.low, x))

    def update(self, x: Float[Array, " n"], args: Any = None) -> Float[Array, " n"]:
        field = 0.0 if args is None else args
        return self._set(x, self.weights @ x + field - self.threshold)

    def update_unit(
        self, x: Float[Array, " n"], i: Int[Array, ""], args: Any = None
    ) -> Float[Array, " n"]:
        field = 0.0 if args is None else jnp.broadcast_to(args, x.shape)[i]
        return x.at[i].set(self._set(x[i], self.weights[i] @ x + field - self.threshold[i]))


class ContinuousHopfield(AbstractEnergy):
    """The continuous (graded-response) Hopfield (1984) network.

    Dynamics `tau du/dt = -u + W tanh(gain u) + b` (`u` dimensionless potentials; time
    in units of `tau`, so `relax`/`simulate` times are multiples of `tau`), with
    `b = args` an external input (`None`: zero). Along it the energy

    `E(u) = -1/2 V^T W V - b^T V + sum_i (V_i u_i - log cosh(gain u_i) / gain)`,
    `V = tanh(gain u)`,

    (Hopfield's `sum_i int_0^V_i g^-1(v) dv` written in `u`) never increases, for
    symmetric `W`. As `gain -> inf` its minima approach those of the binary network.

    **Arguments:** `patterns` (`(p, n)`, -1/+1), `rule` (default Hebbian), `gain` (> 0).

    **Example:**
    `bj.simulate(bj.EnergyFlow(bj.memory.ContinuousHopfield(p, gain=4.0), u0), t1=20.0,
    dt=0.05)`.
    """

    weights: Float[Array, "n n"]
    gain: Float[Array, ""]

    def __init__(
        self, patterns: Float[ArrayLike, "p n"], *, rule: Rule | None = None, gain: float = 1.0
    ):
        patterns = check_patterns(patterns)
        check_units(Bipolar(), patterns)
        rule = Hebbian() if rule is None else rule
        check_rule(rule)
        check_positive("gain", gain)
        check_weights_size("ContinuousHopfield", patterns)
        self.weights = rule(patterns, Bipolar())
        self.gain = jnp.asarray(gain, float)

    def rates(self, u: Float[Array, " n"]) -> Float[Array, " n"]:
        """The outputs `V = tanh(gain u)`."""
        return jnp.tanh(self.gain * u)

    def energy(self, u: Float[Array, " n"], args: Any = None) -> Scalar:
        v = self.rates(u)
        z = jnp.abs(self.gain * u)
        log_cosh = z + jnp.log1p(jnp.exp(-2.0 * z)) - jnp.log(2.0)
        field = 0.0 if args is None else args
        return (
            -0.5 * v @ self.weights @ v - jnp.sum(field * v) + jnp.sum(v * u - log_cosh / self.gain)
        )

    def vector_field(self, t, u: Float[Array, " n"], args: Any = None) -> Float[Array, " n"]:
        field = 0.0 if args is None else args
        return -u + self.weights @ self.rates(u) + field
