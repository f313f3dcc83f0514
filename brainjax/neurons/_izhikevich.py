import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from ..surrogate import AbstractSurrogate, SuperSpike
from ._base import AbstractPointNeuron, check_above, check_parameters, full


class IzhikevichState(eqx.Module):
    """State of an [`brainjax.neurons.Izhikevich`][] population.

    - `v`: membrane potential (mV), shape `(n,)`.
    - `u`: recovery variable (mV/ms, the units of `dv/dt`), shape `(n,)`.
    """

    v: Float[Array, " n"]
    u: Float[Array, " n"]


class Izhikevich(AbstractPointNeuron):
    """The simple spiking model of Izhikevich (2003).

        dv/dt = 0.04 v^2 + 5 v + 140 - u + I
        du/dt = a (b v - u)

    When `v > v_peak` (30 mV): a spike, `v <- c`, `u <- u + d`. Time is in ms and `v`
    in mV. **The input `I` is in the model's own units**, like `u`: it enters `dv/dt`
    directly, so it is in mV/ms (Izhikevich's `I = 10` drives a regular-spiking cell at
    about 22 Hz after adaptation). To drive the model with a current in pA, divide by a
    capacitance in pF (e.g. `I_pA / 100.0` for 100 pF). There is no refractory
    period: `u` provides the recovery. Parameters may be scalars or `(n,)` arrays.

    **Arguments:**

    - `n`: number of neurons.
    - `a`: recovery rate (1/ms), > 0; `b`: coupling of `u` to `v` (1/ms);
      `c`: reset potential (mV); `d`: reset increment of `u` (mV/ms).
      Defaults: regular spiking.
    - `v_peak`: spike cutoff (mV).
    - `v_init`: initial potential (mV), default -65; `u` starts at `b * v_init`.
    - `surrogate`: the spike function, a [`brainjax.surrogate`][] object.

    **Presets** (Izhikevich 2003, Fig. 2), classmethods `(n, **overrides)`:

    | preset | a | b | c | d |
    |---|---|---|---|---|
    | `regular_spiking` (RS) | 0.02 | 0.2 | -65 | 8 |
    | `intrinsically_bursting` (IB) | 0.02 | 0.2 | -55 | 4 |
    | `chattering` (CH) | 0.02 | 0.2 | -50 | 2 |
    | `fast_spiking` (FS) | 0.1 | 0.2 | -65 | 2 |
    | `low_threshold_spiking` (LTS) | 0.02 | 0.25 | -65 | 2 |
    | `thalamo_cortical` (TC) | 0.02 | 0.25 | -65 | 0.05 |
    | `resonator` (RZ) | 0.1 | 0.26 | -65 | 2 |

    **Example:**

    ```python
    ch = bj.neurons.Izhikevich.chattering(n=1)
    sol = bj.simulate(ch, t1=200.0, dt=0.05, inputs=10.0)  # model units (mV/ms)
    ```
    """

    n: int = eqx.field(static=True)
    a: Float[ArrayLike, "..."] = 0.02
    b: Float[ArrayLike, "..."] = 0.2
    c: Float[ArrayLike, "..."] = -65.0
    d: Float[ArrayLike, "..."] = 8.0
    v_peak: Float[ArrayLike, "..."] = 30.0
    v_init: Float[ArrayLike, "..."] = -65.0
    surrogate: AbstractSurrogate = SuperSpike()

    def __check_init__(self):
        check_parameters(self, ("a", "b", "c", "d", "v_peak", "v_init"), positive=("a",))
        check_above("v_peak", self.v_peak, "c", self.c)  # else it fires every step

    @classmethod
    def regular_spiking(cls, n: int, **overrides) -> "Izhikevich":
        """Regular spiking (RS) excitatory cortical cell: tonic firing with adaptation."""
        return cls(n=n, **{"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0, **overrides})

    @classmethod
    def intrinsically_bursting(cls, n: int, **overrides) -> "Izhikevich":
        """Intrinsically bursting (IB): an initial burst, then tonic spikes."""
        return cls(n=n, **{"a": 0.02, "b": 0.2, "c": -55.0, "d": 4.0, **overrides})

    @classmethod
    def chattering(cls, n: int, **overrides) -> "Izhikevich":
        """Chattering (CH): fast rhythmic bursts."""
        return cls(n=n, **{"a": 0.02, "b": 0.2, "c": -50.0, "d": 2.0, **overrides})

    @classmethod
    def fast_spiking(cls, n: int, **overrides) -> "Izhikevich":
        """Fast spiking (FS) inhibitory interneuron: high rate, no adaptation."""
        return cls(n=n, **{"a": 0.1, "b": 0.2, "c": -65.0, "d": 2.0, **overrides})

    @classmethod
    def low_threshold_spiking(cls, n: int, **overrides) -> "Izhikevich":
        """Low-threshold spiking (LTS) interneuron: high rate with adaptation."""
        return cls(n=n, **{"a": 0.02, "b": 0.25, "c": -65.0, "d": 2.0, **overrides})

    @classmethod
    def thalamo_cortical(cls, n: int, **overrides) -> "Izhikevich":
        """Thalamo-cortical (TC) relay cell."""
        return cls(n=n, **{"a": 0.02, "b": 0.25, "c": -65.0, "d": 0.05, **overrides})

    @classmethod
    def resonator(cls, n: int, **overrides) -> "Izhikevich":
        """Resonator (RZ): subthreshold oscillations."""
        return cls(n=n, **{"a": 0.1, "b": 0.26, "c": -65.0, "d": 2.0, **overrides})

    def init(self, key: PRNGKeyArray | None = None) -> IzhikevichState:
        v = full(self.v_init, self.n)
        return IzhikevichState(v=v, u=jnp.asarray(self.b * v))

    def vector_field(self, t, y: IzhikevichState, args) -> IzhikevichState:
        current = 0.0 if args is None else args
        # Capped at the cutoff so that multi-stage solvers stay finite past it.
        v = jnp.minimum(y.v, self.v_peak)
        dv = 0.04 * v**2 + 5.0 * v + 140.0 - y.u + current
        du = jnp.asarray(self.a * (self.b * v - y.u))
        return IzhikevichState(v=dv, u=du)

    def reset(self, y: IzhikevichState, spikes: Float[Array, " n"]) -> IzhikevichState:
        s = jax.lax.stop_gradient(spikes)
        return IzhikevichState(v=jnp.where(s > 0, self.c, y.v), u=y.u + s * self.d)

    def threshold_margin(self, y: IzhikevichState) -> Float[Array, " n"]:
        return y.v - self.v_peak
