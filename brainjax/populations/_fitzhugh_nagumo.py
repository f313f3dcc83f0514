import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._dynamics import AbstractDynamics
from .._validate import check_fields, check_parameters
from ._base import full, noise_amplitude


class FitzHughNagumoState(eqx.Module):
    """State of [`brainjax.populations.FitzHughNagumo`][]: the dimensionless fast
    (`v`, voltage-like) and slow (`w`, recovery) variables, shape `(n,)`."""

    v: Float[Array, " n"]
    w: Float[Array, " n"]


class FitzHughNagumo(AbstractDynamics):
    """FitzHugh-Nagumo oscillator(s) (FitzHugh 1961; Nagumo et al. 1962):

        dv/dt = v - v^3 / 3 - w + I
        tau dw/dt = v + a - b w

    All variables are dimensionless; time is in model units, which brainjax reads as
    ms (rescale `tau` and the simulated interval for another time unit). The fixed
    point `(v*, w*)` with `w* = (v* + a) / b` loses stability (Hopf bifurcation) where
    the Jacobian's trace `1 - v*^2 - b / tau` crosses zero, i.e. at
    `v* = -sqrt(1 - b / tau)`, `I = -v* + v*^3 / 3 + (v* + a) / b` (about 0.331 for the
    standard `a = 0.7`, `b = 0.8`, `tau = 12.5`): rest below, relaxation oscillations
    above (up to the second Hopf point at `v* = +sqrt(1 - b / tau)`).

    **Arguments:** `n` units; `a=0.7`, `b=0.8` (>= 0), `tau=12.5` (> 0), `I=0`
    (constant current), scalars or `(n,)`; `noise=None` or `sigma >= 0` (white noise
    `sigma dW` on `v`); `v_init=-1.2`, `w_init=-0.6`. The `args` input is added to
    `I`.

    **Example:**

    ```python
    fhn = bj.populations.FitzHughNagumo(I=0.5)
    sol = bj.simulate(fhn, t1=500.0, dt=0.1)  # relaxation oscillation
    ```
    """

    n: int = eqx.field(static=True, default=1)
    a: Float[ArrayLike, "..."] = 0.7
    b: Float[ArrayLike, "..."] = 0.8
    tau: Float[ArrayLike, "..."] = 12.5
    I: Float[ArrayLike, "..."] = 0.0  # noqa: E741
    noise: Float[ArrayLike, ""] | None = None
    v_init: Float[ArrayLike, "..."] = -1.2
    w_init: Float[ArrayLike, "..."] = -0.6

    def __check_init__(self):
        names = ("a", "b", "tau", "I", "v_init", "w_init")
        check_parameters(self, names, positive=("tau",), nonnegative=("b",))
        check_fields(self, nonnegative=("noise",))  # `None`: no noise

    def init(self, key: PRNGKeyArray | None = None) -> FitzHughNagumoState:
        return FitzHughNagumoState(v=full(self.v_init, self.n), w=full(self.w_init, self.n))

    def vector_field(self, t, y: FitzHughNagumoState, args) -> FitzHughNagumoState:
        current = self.I + (0.0 if args is None else args)
        dv = y.v - y.v**3 / 3 - y.w + current
        dw = (y.v + self.a - self.b * y.w) / self.tau
        return FitzHughNagumoState(v=dv, w=dw)

    def diffusion(self, t, y: FitzHughNagumoState, args) -> FitzHughNagumoState | None:
        sigma = noise_amplitude(self.noise, self.n)
        return None if sigma is None else FitzHughNagumoState(v=sigma, w=jnp.zeros((self.n,)))
