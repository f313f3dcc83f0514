"""Unit types and storage (learning) rules of classical Hopfield networks."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._memory_budget import check_memory
from .._validate import check_finite


class Bipolar(eqx.Module):
    """Units with states -1 and +1 (Amit, Gutfreund & Sompolinsky 1985).

    `diluted=True` also accepts blank (0) entries in the stored patterns: ternary
    patterns with entries in {-1, 0, +1}, stored by Hebb's rule `W = (1/N) sum_mu xi_mu
    xi_mu^T`. A pattern with a fraction `d` of blanks leaves those units free for other
    patterns, so one state retrieves several patterns at once ("parallel retrieval",
    Agliari, Barra, Galluzzi, Guerra & Moauro 2012): at low load the overlaps follow
    the hierarchy `m_k = (1 - d) d^(k - 1)`. The unit states stay -1/+1."""

    diluted: bool = eqx.field(default=False, static=True)
    low = -1.0

    def to_bipolar(self, x: Array) -> Array:
        return x


class Binary(eqx.Module):
    """Units with states 0 and 1, as in Hopfield (1982): `V_i -> 1` if
    `sum_j T_ij V_j > U_i` else 0. Storage rules see the patterns as `2 V - 1`."""

    low = 0.0

    def to_bipolar(self, x: Array) -> Array:
        return 2.0 * x - 1.0


Units = Bipolar | Binary


class Hebbian(eqx.Module):
    """Hebb's rule: `W = (1/N) sum_mu s_mu s_mu^T`, zero diagonal, where `s_mu` are
    the patterns in -1/+1 form (Hopfield 1982). Capacity about 0.138 N (Amit et al.
    1985)."""

    def __call__(self, patterns: Float[Array, "p n"], units: Units) -> Float[Array, "n n"]:
        s = units.to_bipolar(patterns)
        return _zero_diagonal(s.T @ s / s.shape[1])


class PseudoInverse(eqx.Module):
    """Projection (pseudo-inverse) rule: `W = S^+ S`, the projector onto the span of the
    patterns, diagonal set to zero (Personnaz, Guyon & Dreyfus 1985; Kanter &
    Sompolinsky 1987). Stores up to about N linearly independent patterns, including
    correlated ones."""

    def __call__(self, patterns: Float[Array, "p n"], units: Units) -> Float[Array, "n n"]:
        s = units.to_bipolar(patterns)
        return _zero_diagonal(jnp.linalg.pinv(s) @ s)


class Storkey(eqx.Module):
    """Storkey's incremental, local rule (Storkey 1997): for each pattern `s`,
    `w_ij += (s_i s_j - s_i h_ji - h_ij s_j) / N` with the local field
    `h_ij = sum_{k != i, j} w_ik s_k`. Error-free capacity `N / sqrt(2 ln N)`, against
    `N / (2 ln N)` for Hebb's rule."""

    def __call__(self, patterns: Float[Array, "p n"], units: Units) -> Float[Array, "n n"]:
        s_all = units.to_bipolar(patterns)
        n = s_all.shape[1]

        def learn(w, s):
            field = w @ s
            h = field[:, None] - jnp.diag(w)[:, None] * s[:, None] - w * s[None, :]
            w = w + (jnp.outer(s, s) - s[:, None] * h.T - h * s[None, :]) / n
            return w, None

        w, _ = jax.lax.scan(learn, jnp.zeros((n, n), s_all.dtype), s_all)
        return _zero_diagonal(w)


class Covariance(eqx.Module):
    """Covariance rule for sparse 0/1 patterns of mean activity `a`
    (Tsodyks & Feigel'man 1988): `W = sum_mu (v_mu - a)(v_mu - a)^T / (N a (1 - a))`,
    zero diagonal. Use with `Binary()` units and a threshold (about `0.5 - a` in
    these units); capacity about `N / (2 a |ln a|)` for small `a`."""

    def __call__(self, patterns: Float[Array, "p n"], units: Units) -> Float[Array, "n n"]:
        if not isinstance(units, Binary):
            raise ValueError("`Covariance()` stores 0/1 patterns: use `units=Binary()`.")
        a = jnp.mean(patterns)
        if not isinstance(a, Tracer) and not 0.0 < float(a) < 1.0:
            raise ValueError(
                "`Covariance()` needs patterns with both 0 and 1 entries (mean activity "
                f"strictly between 0 and 1), got `patterns` with mean activity {float(a):g}."
            )
        c = patterns - a
        return _zero_diagonal(c.T @ c / (patterns.shape[1] * a * (1.0 - a)))


Rule = Hebbian | PseudoInverse | Storkey | Covariance


def _zero_diagonal(w: Array) -> Array:
    return w * (1.0 - jnp.eye(w.shape[0], dtype=w.dtype))


def check_patterns(patterns, name: str = "patterns") -> Array:
    """Return `patterns` as a float array of shape `(p, n)`, or raise `ValueError`."""
    patterns = jnp.asarray(patterns, dtype=float)
    if patterns.ndim != 2 or patterns.shape[0] < 1 or patterns.shape[1] < 1:
        raise ValueError(f"`{name}` must have shape (p, n), got shape {patterns.shape}.")
    check_finite(name, patterns)
    return patterns


def check_units(units, patterns: Array | None = None) -> None:
    """Raise `ValueError` unless `units` is a unit type and `patterns` take its values."""
    if not isinstance(units, (Bipolar, Binary)):
        raise ValueError(f"`units` must be brainjax.memory.Bipolar() or Binary(), got {units!r}.")
    if patterns is not None and not isinstance(patterns, Tracer):
        values = np.unique(np.asarray(patterns))
        allowed = (units.low, 1.0) + ((0.0,) if getattr(units, "diluted", False) else ())
        if not np.all(np.isin(values, allowed)):
            name = type(units).__name__ + ("(diluted=True)" if len(allowed) == 3 else "")
            raise ValueError(
                f"`patterns` must take the values {', '.join(f'{v:g}' for v in allowed)} "
                f"of {name} units, got {values[:5]}."
            )


def corrupt(
    patterns: Float[ArrayLike, "p n"],
    flip: float,
    key: PRNGKeyArray,
    units: Units | None = None,
) -> Float[Array, "p n"]:
    """Flip each entry of `patterns` independently with probability `flip`: `x -> -x`
    for `Bipolar` units (blank 0 entries of diluted patterns stay 0), `x -> 1 - x` for
    `Binary` units.

    Use it for noisy queries, or to store noisy patterns, the "robustness to noisy
    storage" of an associative memory: `ClassicalHopfield(corrupt(xi, 0.05, key))`
    stores patterns with 5 % of their bits wrong. At low load the network then retrieves
    the corrupted pattern, so the overlap with the clean one is `1 - 2 flip` (it degrades
    linearly, with no threshold, until the load nears capacity).

    **Example:** `queries = memory.corrupt(xi[:8], 0.1, jax.random.key(0))`.
    """
    patterns = check_patterns(patterns)
    units = Bipolar() if units is None else units
    check_units(units)
    if not 0.0 <= float(flip) <= 1.0:
        raise ValueError(f"`flip` must be a probability in [0, 1], got {flip!r}.")
    flipped = jax.random.bernoulli(key, flip, patterns.shape)
    return jnp.where(flipped, units.low + 1.0 - patterns, patterns)


def check_weights_size(model: str, patterns: Array) -> None:
    """Refuse, before allocating, an `(n, n)` weight matrix that cannot fit in memory."""
    n = patterns.shape[1]
    what = f"{model} with n={n} units (building an (n, n) weight matrix: 3 x {n * n:.3g} x 4 bytes)"
    reduce = "Store shorter patterns (fewer units `n`, the second axis of `patterns`)."
    check_memory(what, 4.0 * n * n * 3, reduce, device=True)


def check_rule(rule) -> None:
    """Raise `ValueError` unless `rule` is a storage rule."""
    if not isinstance(rule, (Hebbian, PseudoInverse, Storkey, Covariance)):
        raise ValueError(
            "`rule` must be brainjax.memory.Hebbian(), PseudoInverse(), Storkey() or "
            f"Covariance(), got {rule!r}."
        )
