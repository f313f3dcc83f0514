import warnings

import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray, Scalar

from .._dynamics import AbstractDynamics, AbstractEnergy
from .._validate import check_count, check_finite


def _project(x: Float[Array, "n d"], y: Float[Array, "n d"]) -> Float[Array, "n d"]:
    """Remove from `y` its component along each row of `x` (the tangent projection)."""
    return y - jnp.sum(y * x, axis=-1, keepdims=True) / jnp.sum(x * x, axis=-1, keepdims=True) * x


class VectorKuramoto(AbstractDynamics, AbstractEnergy):
    """Artificial Kuramoto oscillatory neurons, AKOrN (Miyato et al. 2024): `n` unit
    vectors `x_i` in `R^d` (on the sphere `|x_i| = 1`) that rotate and synchronise,

        dx_i/dt = Omega_i x_i + Proj_{x_i}(c_i + sum_j J_ij x_j)
        Proj_x(y) = y - <y, x> x / |x|^2

    with `Omega_i` an antisymmetric `(d, d)` matrix (natural rotation, rad/ms), `c_i`
    the stimulus (conditional input) and scalar couplings `J_ij` (per ms). Both terms
    are orthogonal to `x_i`, so the exact flow keeps every `|x_i| = 1` (dividing by
    `|x|^2`, which is 1 on the sphere, makes any norm neutral rather than repelling,
    so integration errors do not grow); with `d = 2`
    and `c = 0` it is the classic Kuramoto model. For symmetric `J` and `Omega = 0` it
    is the Riemannian gradient flow of the energy

        E(x) = -1/2 sum_ij J_ij <x_i, x_j> - sum_i <c_i, x_i>

    ([`brainjax.populations.VectorKuramoto.energy`][]), which therefore never increases.
    (Miyato et al. write the pair term without the `1/2`; with it, `-dE/dx_i = c_i +
    sum_j J_ij x_j` is exactly the drive projected above, so `E` is the Lyapunov
    function of this flow.)

    It is both a dynamical model and an energy model, with one `vector_field` serving
    both: an [`brainjax.AbstractDynamics`][] for [`brainjax.simulate`][] (state from
    `init`) and an [`brainjax.AbstractEnergy`][] for [`brainjax.relax`][] (any `x0`;
    with the default [`brainjax.GradientFlow`][] it follows this projected flow, not
    the Euclidean `-grad E`, so the state stays on the sphere). No wrapper is needed
    either way, and no method is special-cased. With `Omega != 0` the rotation keeps
    the flow from settling, so relax with `Omega = 0`.

    **Arguments:** `x_init` (`(n, d)`, rows are normalised; fixes `n` and `d`);
    `weights` (`(n, n)` matrix `J`, any sign, or `None` for no coupling; called
    `coupling` before, still accepted with a `DeprecationWarning`); `stimulus`
    (`(d,)` or `(n, d)`, default 0); `omega` (`(d, d)` or `(n, d, d)` antisymmetric,
    default 0). The `args` input is added to the stimulus. The state is the `(n, d)`
    array of unit vectors.

    **Example:**

    ```python
    x0 = jax.random.normal(jax.random.key(0), (16, 4))
    akorn = bj.populations.VectorKuramoto(x0, weights=jnp.ones((16, 16)) / 16)
    sol = bj.simulate(akorn, t1=50.0, dt=0.05)
    out = bj.relax(akorn, akorn.init())  # to a synchronised fixed point, E decreasing
    ```
    """

    x_init: Float[Array, "n d"]
    weights: Float[Array, "n n"] | None
    stimulus: Float[Array, "n d"]
    omega: Float[Array, "n d d"]

    def __init__(
        self,
        x_init: Float[ArrayLike, "n d"],
        weights: Float[ArrayLike, "n n"] | None = None,
        *,
        stimulus: Float[ArrayLike, "..."] = 0.0,
        omega: Float[ArrayLike, "..."] = 0.0,
        coupling: Float[ArrayLike, "n n"] | None = None,  # deprecated: weights
    ):
        if coupling is not None:
            if weights is not None:
                raise ValueError("give `weights` only (`coupling` is its deprecated name).")
            warnings.warn(
                "`VectorKuramoto(coupling=...)` is deprecated; use `weights=...`.",
                DeprecationWarning,
                stacklevel=4,
            )
            weights = coupling
        if np.ndim(x_init) != 2:
            raise ValueError(f"`x_init` must have shape (n, d), got shape {np.shape(x_init)}.")
        n, d = np.shape(x_init)
        check_count("d", d)
        check_finite("x_init", x_init)
        norms = np.linalg.norm(np.asarray(x_init, dtype=float), axis=-1, keepdims=True)
        if np.any(norms == 0):
            raise ValueError("`x_init` rows must be non-zero vectors.")
        if weights is not None:
            if np.shape(weights) != (n, n):
                raise ValueError(
                    f"`weights` must have shape ({n}, {n}), got shape {np.shape(weights)}."
                )
            check_finite("weights", weights)
        if np.shape(stimulus) not in ((), (d,), (n, d)):
            raise ValueError(
                f"`stimulus` must be a scalar or have shape ({d},) or ({n}, {d}), "
                f"got shape {np.shape(stimulus)}."
            )
        check_finite("stimulus", stimulus)
        if np.shape(omega) not in ((), (d, d), (n, d, d)):
            raise ValueError(
                f"`omega` must be 0 or have shape ({d}, {d}) or ({n}, {d}, {d}), "
                f"got shape {np.shape(omega)}."
            )
        check_finite("omega", omega)
        omega = np.broadcast_to(np.asarray(omega, dtype=float), (n, d, d))
        if not np.allclose(omega, -np.swapaxes(omega, -1, -2)):
            raise ValueError("`omega` must be antisymmetric (omega = -omega^T).")
        self.x_init = jnp.asarray(np.asarray(x_init, dtype=float) / norms)
        self.weights = None if weights is None else jnp.asarray(weights, dtype=float)
        self.stimulus = jnp.broadcast_to(jnp.asarray(stimulus, dtype=float), (n, d))
        self.omega = jnp.asarray(omega)

    @property
    def n(self) -> int:
        """The number of oscillators."""
        return self.x_init.shape[0]

    def init(self, key: PRNGKeyArray | None = None) -> Float[Array, "n d"]:
        return self.x_init

    def _drive(self, x, args):
        drive = self.stimulus + (0.0 if args is None else args)
        if self.weights is not None:
            drive = drive + self.weights @ x
        return drive

    def vector_field(self, t, x: Float[Array, "n d"], args=None) -> Float[Array, "n d"]:
        rotation = jnp.einsum("nij,nj->ni", self.omega, x)
        return rotation + _project(x, self._drive(x, args))

    def energy(self, x: Float[ArrayLike, "n d"], args=None) -> Scalar:
        """`E(x) = -1/2 sum_ij J_ij <x_i, x_j> - sum_i <c_i, x_i>` (Miyato et al. 2024);
        a Lyapunov function of the flow for symmetric `J` and `Omega = 0`."""
        x = jnp.asarray(x)
        stimulus = self.stimulus + (0.0 if args is None else args)
        pair = 0.0 if self.weights is None else jnp.sum(x * (self.weights @ x))
        return -0.5 * pair - jnp.sum(stimulus * x)

    @staticmethod
    def norms(x: Float[ArrayLike, "... n d"]) -> Float[Array, "... n"]:
        """Euclidean norms `|x_i|` of the oscillators (1 on the sphere)."""
        return jnp.linalg.norm(jnp.asarray(x), axis=-1)
