"""Fixed points, stability classification, continuation with Hopf detection, FCD."""

import jax.numpy as jnp
import numpy as np
import optimistix as optx
import pytest

import brainjax as bj
from brainjax.populations import Hopf, HopfState, WilsonCowan, WilsonCowanState


def test_wilson_cowan_fixed_point_is_a_root_and_matches_bisection():
    wc = WilsonCowan(p_e=0.5)
    guess = WilsonCowanState(e=jnp.array([0.1]), i=jnp.array([0.1]))
    fp = bj.analysis.fixed_point(wc, guess)
    d = wc.vector_field(0.0, fp, None)
    assert abs(float(d.e[0])) < 1e-6 and abs(float(d.i[0])) < 1e-6
    # Independent reference: i*(e) solves the i-nullcline, then bisect on de/dt(e, i*(e)).
    state = lambda e, i: WilsonCowanState(e=e[None], i=i[None])  # noqa: E731
    bisect = optx.Bisection(rtol=1e-7, atol=1e-7)
    inner = lambda e: optx.root_find(  # noqa: E731
        lambda i, _: wc.vector_field(0.0, state(e, i), None).i[0], bisect, jnp.array(0.1),
        options={"lower": 0.0, "upper": 1.0}).value  # fmt: skip
    e_star = optx.root_find(
        lambda e, _: wc.vector_field(0.0, state(e, inner(e)), None).e[0], bisect,
        jnp.array(0.1), options={"lower": 0.0, "upper": 0.4}).value  # fmt: skip
    np.testing.assert_allclose(fp.e[0], e_star, atol=1e-5)


@pytest.mark.parametrize(
    "eigs, name",
    [
        ([-1.0, -2.0], "stable node"),
        ([-1 + 2j, -1 - 2j], "stable focus"),
        ([1.0, 3.0], "unstable node"),
        ([0.5 + 1j, 0.5 - 1j], "unstable focus"),
        ([-1.0, 2.0], "saddle"),
        ([1j, -1j], "non-hyperbolic"),
    ],
)
def test_classify_linear_systems(eigs, name):
    assert bj.analysis.classify(np.array(eigs)) == name


def test_continuation_finds_the_hopf_point_of_the_normal_form():
    # Stuart-Landau: eigenvalues a +- i omega at the origin, Hopf at a = 0 with the
    # oscillation frequency of the node (10 Hz).
    res = bj.analysis.continuation(
        lambda a: Hopf(a=a, frequency=10.0),
        jnp.linspace(-0.05, 0.05, 21),
        HopfState(x=jnp.array([0.01]), y=jnp.array([0.0])),
    )
    assert res.converged.all()
    np.testing.assert_allclose(res.hopf, [0.0], atol=1e-6)
    np.testing.assert_allclose(res.hopf_frequency, [10.0], rtol=1e-4)
    np.testing.assert_array_equal(res.stable, res.values < 0)
    np.testing.assert_allclose(res.eigenvalues[:, 0].real, res.values, atol=1e-6)


def test_continuation_of_wilson_cowan_brackets_its_oscillatory_range():
    # Increasing drive p_e: stable focus -> Hopf -> limit cycle -> Hopf -> stable; the
    # simulated node oscillates exactly between the two flagged values.
    res = bj.analysis.continuation(
        lambda p: WilsonCowan(p_e=p),
        jnp.linspace(0.0, 4.0, 81),
        WilsonCowanState(e=jnp.array([0.01]), i=jnp.array([0.01])),
    )
    assert res.converged.all() and len(res.hopf) == 2
    low, high = res.hopf
    assert 0.5 < low < 1.0 < 2.5 < high < 3.5
    for p_e, oscillates in ((low - 0.1, False), (low + 0.2, True), (high + 0.2, False)):
        e = bj.simulate(WilsonCowan(p_e=float(p_e)), t1=400.0, dt=0.1).ys.e[-1000:, 0]
        assert (float(e.max() - e.min()) > 0.05) == oscillates, p_e


def test_continuation_rejects_a_single_value():
    with pytest.raises(ValueError, match="values"):
        bj.analysis.continuation(lambda a: Hopf(a=a), jnp.array([0.0]), Hopf().init())


def numpy_fcd(x, window, step):
    iu = np.triu_indices(x.shape[1], 1)
    fcs = [np.corrcoef(x[s : s + window].T)[iu] for s in range(0, len(x) - window + 1, step)]
    return np.corrcoef(np.array(fcs))


def test_fcd_matches_numpy_reference():
    x = np.random.default_rng(0).normal(size=(120, 6)).cumsum(0)
    m = bj.analysis.fcd(x, window=30, step=10)
    assert m.shape == (10, 10)
    np.testing.assert_allclose(m, numpy_fcd(x, 30, 10), atol=1e-4)


@pytest.mark.parametrize("window, shape", [(1, (50, 4)), (60, (50, 4)), (10, (50, 2))])
def test_fcd_bad_input(window, shape):
    with pytest.raises(ValueError):
        bj.analysis.fcd(np.zeros(shape), window=window)
