import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._delays import AbstractDelayed, DelayedArgs
from .._validate import check_finite, check_nonnegative, check_positive
from ._wilson_cowan import WilsonCowan, WilsonCowanState


def check_connectivity(name: str, matrix: ArrayLike, n: int | None = None) -> np.ndarray:
    """Return `matrix` as a float NumPy array, raising `ValueError` unless it is a
    square, finite, non-negative matrix (of size `n` when given)."""
    array = np.asarray(matrix, dtype=float)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise ValueError(f"`{name}` must be a square (n, n) matrix, got shape {array.shape}.")
    if n is not None and array.shape[0] != n:
        raise ValueError(f"`{name}` must have shape ({n}, {n}), got {array.shape}.")
    check_finite(name, array)
    check_nonnegative(name, array)
    return array


class WilsonCowanNetwork(AbstractDelayed):
    """Wilson-Cowan E/I nodes coupled through a structural connectome, with conduction
    delays and additive noise: the whole-brain model of neurolib (Cakan et al. 2023).

    Every node `k` follows [`brainjax.populations.WilsonCowan`][] with the extra
    excitatory drive

        coupling * sum_j weights[k, j] * e_j(t - lengths[k, j] / speed)

    inside its sigmoid. `e`, `i` are dimensionless; times in ms; `lengths` in mm and
    `speed` in m/s (= mm/ms), so `lengths / speed` is in ms. Noise (`node.noise`,
    per sqrt(ms)) is an Ito SDE; delays are handled by a history ring buffer (see
    [`brainjax.AbstractDelayed`][]), with delays rounded to whole steps of `dt`.

    **Arguments:**

    - `weights`: `(n, n)` non-negative coupling matrix; `weights[k, j]` is from `j`
      to `k`. Used as given (the bundled connectome has a zero diagonal).
    - `coupling`: global coupling strength (neurolib's `K_gl`), trainable.
    - `lengths`, `speed`: fibre lengths (mm, `(n, n)`, >= 0) and conduction speed
      (m/s, > 0), given together; `None` means no delays.
    - `node`: a `WilsonCowan(n=n, ...)` holding the node parameters, scalars (shared)
      or `(n,)` arrays (per node), including `noise`; default `WilsonCowan(n=n)`.

    **Example:**

    ```python
    sc = bj.datasets.load_connectome()
    net = bj.populations.WilsonCowanNetwork(
        sc.weights, coupling=0.6, lengths=sc.lengths, speed=20.0,
        node=bj.populations.WilsonCowan(n=80, p_e=0.8, noise=0.01))
    sol = bj.simulate(net, t1=1000.0, dt=0.1, key=jax.random.key(0))
    ```
    """

    weights: Float[Array, "n n"]
    coupling: Float[Array, ""]
    node: WilsonCowan
    delay_table: tuple[tuple[float, ...], ...] = eqx.field(static=True)

    def __init__(
        self,
        weights: Float[ArrayLike, "n n"],
        *,
        coupling: Float[ArrayLike, ""] = 1.0,
        lengths: Float[ArrayLike, "n n"] | None = None,
        speed: float | None = None,
        node: WilsonCowan | None = None,
    ):
        w = check_connectivity("weights", weights)
        n = w.shape[0]
        check_finite("coupling", coupling)
        if (lengths is None) != (speed is None):
            raise ValueError("`lengths` and `speed` must be given together (or neither).")
        if lengths is None or speed is None:  # both None (checked above)
            delays = np.zeros((n, n))
        else:
            check_positive("speed", speed)
            delays = check_connectivity("lengths", lengths, n) / float(speed)
        node = WilsonCowan(n=n) if node is None else node
        if not isinstance(node, WilsonCowan) or node.n != n:
            raise ValueError(
                f"`node` must be a WilsonCowan with n = {n} (the size of `weights`), got {node!r}."
            )
        self.weights = jnp.asarray(w)
        self.coupling = jnp.asarray(coupling, dtype=float)
        self.node = node
        self.delay_table = tuple(tuple(float(d) for d in row) for row in delays)

    @property
    def n(self) -> int:
        return self.node.n

    @property
    def delays(self) -> np.ndarray:
        return np.asarray(self.delay_table)

    def init(self, key: PRNGKeyArray | None = None) -> WilsonCowanState:
        return self.node.init(key)

    def output(self, y: WilsonCowanState) -> Float[Array, " n"]:
        return y.e

    def vector_field(self, t, y: WilsonCowanState, args) -> WilsonCowanState:
        if isinstance(args, DelayedArgs):
            network = jnp.sum(self.weights * args.past, axis=1)
            args = args.input
        else:
            network = self.weights @ y.e
        drive = self.coupling * network + (0.0 if args is None else jnp.asarray(args))
        return self.node.vector_field(t, y, drive)

    def diffusion(self, t, y: WilsonCowanState, args) -> WilsonCowanState | None:
        return self.node.diffusion(t, y, args)
