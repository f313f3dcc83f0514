"""Dense associative memory (Krotov & Hopfield 2016; Demircigil et al. 2017)."""

from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, Int, Scalar

from .._dynamics import AbstractAsynchronousEnergy, AbstractSynchronousEnergy
from .._validate import check_count
from ._storage import Bipolar, check_patterns, check_units


class PolynomialInteraction(eqx.Module):
    """Interaction `F(m) = m^n`, or `max(m, 0)^n` when `rectified` (Krotov & Hopfield
    2016). Capacity grows like `N^(n-1)`; `n = 2` is the classical Hopfield network."""

    n: int = eqx.field(static=True)
    rectified: bool = eqx.field(default=False, static=True)

    def __check_init__(self):
        check_count("n", self.n)

    def energy(self, overlaps: Float[Array, "p ..."], size: int) -> Float[Array, "..."]:
        # Overlaps are divided by N: E is scaled by N^-n (same minima and dynamics,
        # no float32 overflow at large n).
        m = overlaps / size
        m = jnp.maximum(m, 0.0) if self.rectified else m
        return -jnp.sum(m**self.n, axis=0)


class ExponentialInteraction(eqx.Module):
    """Interaction `F(m) = exp(m)` (Demircigil, Heusel, Loewe, Upgang & Vermet 2017):
    exponential capacity `2^(N/2)`. The energy is reported as `-log sum_mu exp(m_mu)`,
    a monotone transform of `-sum_mu exp(m_mu)` with the same dynamics that does not
    overflow."""

    def energy(self, overlaps: Float[Array, "p ..."], size: int) -> Float[Array, "..."]:
        del size
        return -jax.nn.logsumexp(overlaps, axis=0)


Interaction = PolynomialInteraction | ExponentialInteraction


class DenseAssociativeMemory(AbstractSynchronousEnergy, AbstractAsynchronousEnergy):
    """Dense associative memory of -1/+1 units (Krotov & Hopfield 2016).

    Energy `E(s) = -sum_mu F(xi_mu . s)` over the stored patterns `xi_mu`. The update
    of unit `i` sets `s_i` to whichever of +1/-1 gives the lower energy, the others
    held fixed (keeping it on a tie), so asynchronous updates never increase `E`;
    `Synchronous()` applies the rule to all units at once (Krotov & Hopfield's
    one-step retrieval). `args` is unused.

    **Arguments:** `patterns` (`(p, n)`, -1/+1) and `interaction`:
    [`brainjax.memory.PolynomialInteraction`][] (default `PolynomialInteraction(3)`)
    or `ExponentialInteraction()`.

    **Example:**

    ```python
    dam = bj.memory.DenseAssociativeMemory(xi, interaction=bj.memory.PolynomialInteraction(4))
    bj.relax(dam, noisy, method=bj.Synchronous())
    ```
    """

    patterns: Float[Array, "p n"]
    interaction: Interaction

    def __init__(
        self, patterns: Float[ArrayLike, "p n"], *, interaction: Interaction | None = None
    ):
        patterns = check_patterns(patterns)
        check_units(Bipolar(), patterns)
        interaction = PolynomialInteraction(3) if interaction is None else interaction
        if not isinstance(interaction, (PolynomialInteraction, ExponentialInteraction)):
            raise ValueError(
                "`interaction` must be brainjax.memory.PolynomialInteraction(n) or "
                f"ExponentialInteraction(), got {interaction!r}."
            )
        self.patterns = patterns
        self.interaction = interaction

    def energy(self, s: Float[Array, " n"], args: Any = None) -> Scalar:
        return self.interaction.energy(self.patterns @ s, s.shape[0])

    def update(self, s: Float[Array, " n"], args: Any = None) -> Float[Array, " n"]:
        rest = (self.patterns @ s)[:, None] - self.patterns * s  # (p, n): without unit i
        e_up = self.interaction.energy(rest + self.patterns, s.shape[0])
        e_down = self.interaction.energy(rest - self.patterns, s.shape[0])
        return jnp.where(e_up < e_down, 1.0, jnp.where(e_up > e_down, -1.0, s))

    def update_unit(
        self, s: Float[Array, " n"], i: Int[Array, ""], args: Any = None
    ) -> Float[Array, " n"]:
        column = self.patterns[:, i]
        rest = self.patterns @ s - column * s[i]
        e_up = self.interaction.energy(rest + column, s.shape[0])
        e_down = self.interaction.energy(rest - column, s.shape[0])
        return s.at[i].set(jnp.where(e_up < e_down, 1.0, jnp.where(e_up > e_down, -1.0, s[i])))
