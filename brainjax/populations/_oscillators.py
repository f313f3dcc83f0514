import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._dynamics import AbstractDynamics
from .._validate import check_fields, check_finite, check_nonnegative, check_parameters, check_shape
from ._base import full, noise_amplitude
from ._network import check_connectivity


def _weights(weights: ArrayLike | None, n: int) -> Float[Array, "n n"] | None:
    return None if weights is None else jnp.asarray(check_connectivity("weights", weights, n))


class HopfState(eqx.Module):
    """State of [`brainjax.populations.Hopf`][]: real and imaginary parts of
    `z = x + i y`, dimensionless, shape `(n,)`."""

    x: Float[Array, " n"]
    y: Float[Array, " n"]


class Hopf(AbstractDynamics):
    """Stuart-Landau oscillators: the normal form of a supercritical Hopf bifurcation
    (Kuznetsov 2004), coupled diffusively as in whole-brain models (Deco et al. 2017):

        dz_k/dt = (a_k + i omega_k) z_k - |z_k|^2 z_k
                  + coupling sum_j weights[k, j] (z_j - z_k) + input_k

    with `omega = 2 pi frequency / 1000` (rad/ms). For `a < 0` the origin is a stable
    focus (oscillations decay at rate `-a` per ms); for `a > 0` an uncoupled node has a
    stable limit cycle of radius `sqrt(a)` at `frequency` Hz.

    **Arguments:** `n` nodes; `a` (bifurcation parameter, per ms) and `frequency` (Hz),
    scalars or `(n,)`; `weights` (`(n, n)`, non-negative, `None` for uncoupled);
    `coupling` (global strength, per ms); `noise` (additive, per sqrt(ms), on `x` and
    `y`, `None` for none); `x_init=0.1`, `y_init=0`. The `args` input is added to
    `dx/dt`.

    **Example:**

    ```python
    hopf = bj.populations.Hopf(a=0.04, frequency=10.0)
    sol = bj.simulate(hopf, t1=1000.0, dt=0.1)  # |z| -> 0.2
    ```
    """

    n: int = eqx.field(static=True, default=1)
    a: Float[ArrayLike, "..."] = -0.01
    frequency: Float[ArrayLike, "..."] = 10.0
    weights: Float[Array, "n n"] | None = None
    coupling: Float[ArrayLike, ""] = 0.0
    noise: Float[ArrayLike, ""] | None = None
    x_init: Float[ArrayLike, "..."] = 0.1
    y_init: Float[ArrayLike, "..."] = 0.0

    def __check_init__(self):
        check_parameters(self, ("a", "frequency", "x_init", "y_init"))
        check_fields(self, finite=("coupling",))
        if self.weights is not None:
            check_connectivity("weights", self.weights, self.n)
        check_fields(self, nonnegative=("noise",))  # `None`: no noise

    def init(self, key: PRNGKeyArray | None = None) -> HopfState:
        return HopfState(x=full(self.x_init, self.n), y=full(self.y_init, self.n))

    def vector_field(self, t, z: HopfState, args) -> HopfState:
        omega = 2 * jnp.pi * jnp.asarray(self.frequency) / 1000.0
        r2 = z.x**2 + z.y**2
        dx = (self.a - r2) * z.x - omega * z.y + (0.0 if args is None else args)
        dy = (self.a - r2) * z.y + omega * z.x
        if self.weights is not None:
            strength = self.weights.sum(axis=1)
            dx = dx + self.coupling * (self.weights @ z.x - strength * z.x)
            dy = dy + self.coupling * (self.weights @ z.y - strength * z.y)
        return HopfState(x=jnp.asarray(dx), y=jnp.asarray(dy))

    def diffusion(self, t, z: HopfState, args) -> HopfState | None:
        sigma = noise_amplitude(self.noise, self.n)
        return None if sigma is None else HopfState(x=sigma, y=sigma)


class Kuramoto(AbstractDynamics):
    """Kuramoto phase oscillators (Kuramoto 1975; Strogatz 2000):

        dtheta_k/dt = omega_k + (coupling / n) sum_j weights[k, j] sin(theta_j - theta_k)

    `theta` in rad, `omega` (natural frequencies) and `coupling` in rad/ms. With
    `weights=None` the coupling is all-to-all and computed in O(n) through the mean
    field `r e^(i psi) = mean_j e^(i theta_j)`: `dtheta_k/dt = omega_k + coupling r
    sin(psi - theta_k)`. For Lorentzian frequencies of half-width `gamma`, the
    all-to-all network synchronises above `coupling = 2 gamma`, with order parameter
    `r = sqrt(1 - 2 gamma / coupling)` in the large-`n` limit.

    The state is the `(n,)` phase array. **Arguments:** `omega` (`(n,)`), `coupling`,
    `weights` (`None` or `(n, n)` non-negative), `noise` (per sqrt(ms), `None`),
    `theta_init` (`(n,)` or scalar, default evenly spread on the circle). The `args`
    input is added to `dtheta/dt`.

    **Example:**

    ```python
    kur = bj.populations.Kuramoto(omega=jnp.zeros(100), coupling=1.0)
    r = kur.order_parameter(bj.simulate(kur, t1=50.0, dt=0.05).ys)
    ```
    """

    omega: Float[Array, " n"]
    coupling: Float[ArrayLike, ""]
    weights: Float[Array, "n n"] | None
    noise: Float[ArrayLike, ""] | None
    theta_init: Float[Array, " n"]

    def __init__(
        self,
        omega: Float[ArrayLike, " n"],
        coupling: Float[ArrayLike, ""] = 1.0,
        *,
        weights: Float[ArrayLike, "n n"] | None = None,
        noise: Float[ArrayLike, ""] | None = None,
        theta_init: Float[ArrayLike, "..."] | None = None,
    ):
        if np.ndim(omega) != 1:
            raise ValueError(f"`omega` must be a 1-d array, got shape {np.shape(omega)}.")
        n = np.shape(omega)[0]
        check_finite("omega", omega)
        check_finite("coupling", coupling)
        if noise is not None:
            check_nonnegative("noise", noise)
        if theta_init is None:
            theta_init = 2 * np.pi * np.arange(n) / n
        check_shape("theta_init", theta_init, n)
        self.omega = jnp.asarray(omega, dtype=float)
        self.coupling = jnp.asarray(coupling, dtype=float)
        self.weights = _weights(weights, n)
        self.noise = noise
        self.theta_init = jnp.broadcast_to(jnp.asarray(theta_init, dtype=float), (n,))

    @property
    def n(self) -> int:
        """The number of oscillators."""
        return self.omega.shape[0]

    def init(self, key: PRNGKeyArray | None = None) -> Float[Array, " n"]:
        return self.theta_init

    def vector_field(self, t, theta, args):
        drive = 0.0 if args is None else args
        n = theta.shape[-1]
        if self.weights is None:
            mean_field = jnp.mean(jnp.exp(1j * theta))
            pull = jnp.imag(mean_field * jnp.exp(-1j * theta))  # r sin(psi - theta)
        else:
            pull = (self.weights * jnp.sin(theta[None, :] - theta[:, None])).sum(1) / n
        return self.omega + self.coupling * pull + drive

    def diffusion(self, t, theta, args):
        if self.noise is None:
            return None
        return jnp.broadcast_to(jnp.asarray(self.noise, dtype=float), theta.shape)

    @staticmethod
    def order_parameter(theta: Float[ArrayLike, "... n"]) -> Float[Array, "..."]:
        """Kuramoto order parameter `r = |mean_k exp(i theta_k)|` in [0, 1]."""
        return jnp.abs(jnp.mean(jnp.exp(1j * jnp.asarray(theta)), axis=-1))
