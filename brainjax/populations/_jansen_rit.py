import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._dynamics import AbstractDynamics
from .._validate import check_fields, check_parameters


class JansenRitState(eqx.Module):
    """State of [`brainjax.populations.JansenRit`][], each of shape `(n,)`: the
    postsynaptic potentials `y0` (pyramidal output), `y1` (excitatory) and `y2`
    (inhibitory) in mV, and their time derivatives `y3`, `y4`, `y5` in mV/ms."""

    y0: Float[Array, " n"]
    y1: Float[Array, " n"]
    y2: Float[Array, " n"]
    y3: Float[Array, " n"]
    y4: Float[Array, " n"]
    y5: Float[Array, " n"]


class JansenRit(AbstractDynamics):
    """Jansen-Rit cortical column (Jansen & Rit 1995): pyramidal cells with excitatory
    and inhibitory interneurons, each population a second-order synaptic kernel:

        y0'' = A a S(y1 - y2) - 2 a y0' - a^2 y0
        y1'' = A a (p + C2 S(C1 y0)) - 2 a y1' - a^2 y1
        y2'' = B b C4 S(C3 y0) - 2 b y2' - b^2 y2
        S(v) = 2 e0 / (1 + exp(r (v0 - v))),  C1 = C, C2 = 0.8 C, C3 = C4 = 0.25 C

    The EEG-like output is the pyramidal membrane potential `y1 - y2` (mV), see
    [`brainjax.populations.JansenRit.psp`][]. Rates are given per second, as in the
    paper, and converted internally (brainjax time is ms). With the standard
    parameters and `p` between about 120 and 315 Hz the column oscillates in the alpha
    band (about 10 Hz).

    **Arguments** (defaults: Jansen & Rit 1995): `A=3.25`, `B=22` (mV, > 0);
    `a=100`, `b=50` (1/s, > 0); `C=135` (> 0); `e0=2.5` (1/s, > 0); `v0=6` (mV);
    `r=0.56` (1/mV, > 0); `p=220` (external input rate, Hz); scalars or `(n,)`.
    `noise=None` or `sigma >= 0`: white noise `sigma dW` added to the input rate `p`
    (Hz sqrt(ms)), so `y1'` receives `A a sigma dW`. The `args` of `vector_field`
    (the `inputs` of `simulate`) is added to `p` (Hz). Initial state: all zero.

    **Example:**

    ```python
    jr = bj.populations.JansenRit(p=220.0)
    sol = bj.simulate(jr, t1=2000.0, dt=0.1)
    eeg = jr.psp(sol.ys)  # (20001, 1), mV
    ```
    """

    n: int = eqx.field(static=True, default=1)
    A: Float[ArrayLike, "..."] = 3.25
    B: Float[ArrayLike, "..."] = 22.0
    a: Float[ArrayLike, "..."] = 100.0
    b: Float[ArrayLike, "..."] = 50.0
    C: Float[ArrayLike, "..."] = 135.0
    e0: Float[ArrayLike, "..."] = 2.5
    v0: Float[ArrayLike, "..."] = 6.0
    r: Float[ArrayLike, "..."] = 0.56
    p: Float[ArrayLike, "..."] = 220.0
    noise: Float[ArrayLike, ""] | None = None

    def __check_init__(self):
        check_parameters(
            self,
            ("A", "B", "a", "b", "C", "e0", "v0", "r", "p"),
            positive=("A", "B", "a", "b", "C", "e0", "r"),
        )
        check_fields(self, nonnegative=("noise",))  # `None`: no noise

    def init(self, key: PRNGKeyArray | None = None) -> JansenRitState:
        zero = jnp.zeros((self.n,))
        return JansenRitState(zero, zero, zero, zero, zero, zero)

    def _sigmoid(self, v):  # firing rate, 1/ms
        return 2 * self.e0 / 1000.0 * jax.nn.sigmoid(self.r * (v - self.v0))

    def vector_field(self, t, y: JansenRitState, args) -> JansenRitState:
        a, b = self.a / 1000.0, self.b / 1000.0  # 1/ms
        p = (self.p + (0.0 if args is None else args)) / 1000.0
        c = self.C
        dy3 = self.A * a * self._sigmoid(y.y1 - y.y2) - 2 * a * y.y3 - a**2 * y.y0
        dy4 = self.A * a * (p + 0.8 * c * self._sigmoid(c * y.y0)) - 2 * a * y.y4 - a**2 * y.y1
        dy5 = self.B * b * 0.25 * c * self._sigmoid(0.25 * c * y.y0) - 2 * b * y.y5 - b**2 * y.y2
        dy3, dy4, dy5 = jnp.asarray(dy3), jnp.asarray(dy4), jnp.asarray(dy5)
        return JansenRitState(y.y3, y.y4, y.y5, dy3, dy4, dy5)

    def diffusion(self, t, y: JansenRitState, args) -> JansenRitState | None:
        if self.noise is None:
            return None
        zero = jnp.zeros((self.n,))
        sigma = jnp.broadcast_to(self.A * self.a / 1e6 * jnp.asarray(self.noise), (self.n,))
        return JansenRitState(zero, zero, zero, zero, sigma, zero)

    @staticmethod
    def psp(y: JansenRitState) -> Float[Array, "..."]:
        """The pyramidal membrane potential `y1 - y2` (mV), the model's EEG signal."""
        return y.y1 - y.y2
