"""Runtime checks: parameter checks that survive jit/vmap/grad, non-finite detection in
`simulate` and `relax`, and the `BRAINJAX_RUNTIME_CHECKS` switch."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj

P = bj.populations


def _wc_final(tau):
    return bj.simulate(P.WilsonCowan(tau_e=tau), t1=5.0, dt=0.1).final.e.mean()


def test_traced_parameter_check_under_vmap():
    good = jax.vmap(_wc_final)(jnp.array([2.5, 3.0]))
    assert np.all(np.isfinite(good))
    with pytest.raises(eqx.EquinoxRuntimeError, match="`tau_e` must be positive"):
        jax.vmap(_wc_final)(jnp.array([2.5, 0.0, -1.0]))


def test_traced_parameter_check_under_jit_and_grad():
    with pytest.raises(Exception, match="`tau_e` must be positive"):
        eqx.filter_jit(_wc_final)(jnp.array(-1.0))
    assert np.isfinite(jax.grad(_wc_final)(2.5))
    with pytest.raises(eqx.EquinoxRuntimeError, match="`tau_e` must be positive"):
        jax.grad(_wc_final)(-1.0)


def test_traced_synapse_check():
    def current(tau):
        syn = bj.synapses.Exponential(tau=tau)
        return syn.vector_field(0.0, jnp.ones(2)).sum()

    assert np.isfinite(jax.jit(current)(5.0))
    with pytest.raises(Exception, match="`tau` must be positive"):
        jax.jit(current)(-5.0)


def test_switch_turns_runtime_checks_off(monkeypatch):
    monkeypatch.setenv("BRAINJAX_RUNTIME_CHECKS", "0")
    out = jax.vmap(_wc_final)(jnp.array([2.5, -1.0]))
    assert out.shape == (2,)
    sol = bj.simulate(P.Hopf(n=2, a=1.0), t1=100.0, dt=5.0)  # blows up, not checked
    assert not np.all(np.isfinite(sol.final.x))


def test_hopf_blow_up_names_time_step_variable():
    with pytest.raises(ValueError, match=r"`\.x` at t = 20 ms \(step 4\)"):
        bj.simulate(P.Hopf(n=2, a=1.0), t1=500.0, dt=5.0)


def test_fitzhugh_nagumo_blow_up():
    with pytest.raises(ValueError, match=r"non-finite.*`\.v` at t = \d+ ms \(step \d+\)"):
        bj.simulate(P.FitzHughNagumo(), t1=500.0, dt=10.0)


def test_monitor_every_is_the_check_granularity():
    with pytest.raises(ValueError, match="step 5\\).*checked every 5 steps"):
        bj.simulate(P.Hopf(n=2, a=1.0), t1=500.0, dt=5.0, monitor=bj.Monitor(every=5))


def test_network_blow_up_names_the_population():
    net = bj.Network({"E": bj.neurons.LIF(n=3), "I": bj.neurons.LIF(n=2)}, [])
    nan_after = lambda t: jnp.where(t >= 0.45, jnp.nan, 0.0)  # noqa: E731
    with pytest.raises(
        ValueError, match=r"`\.neurons\['I'\]\.v` \(population 'I'\) at t = 0.6 ms \(step 6\)"
    ):
        bj.simulate(net, t1=2.0, dt=0.1, inputs={"I": nan_after})


def test_blow_up_under_jit_and_vmap():
    run = lambda a: bj.simulate(P.Hopf(n=2, a=a), t1=100.0, dt=5.0).final.x  # noqa: E731
    with pytest.raises(Exception, match="non-finite"):
        jax.jit(run)(1.0)
    with pytest.raises(Exception, match="non-finite"):
        jax.vmap(run)(jnp.array([-0.01, 1.0]))
    assert np.all(np.isfinite(jax.vmap(run)(jnp.array([-0.01, -0.02]))))


def test_delay_scan_blow_up():
    weights = np.ones((2, 2)) - np.eye(2)
    node = P.WilsonCowan(n=2, tau_e=0.01, tau_i=0.01)  # Heun with dt / tau = 100
    model = P.WilsonCowanNetwork(weights, lengths=10 * weights, speed=1.0, node=node)
    with pytest.raises(ValueError, match=r"non-finite.*`\.e` at t = \d+ ms \(step \d+\)"):
        bj.simulate(model, t1=100.0, dt=1.0)


def test_valid_runs_are_unchanged_by_the_checks(monkeypatch):
    lif = bj.neurons.LIF(n=5)
    on = bj.simulate(lif, t1=20.0, dt=0.1, inputs=400.0)
    wc = bj.simulate(P.WilsonCowan(), t1=20.0, dt=0.1)
    monkeypatch.setenv("BRAINJAX_RUNTIME_CHECKS", "0")
    off = bj.simulate(lif, t1=20.0, dt=0.1, inputs=400.0)
    wc_off = bj.simulate(P.WilsonCowan(), t1=20.0, dt=0.1)
    assert np.array_equal(on.ys.v, off.ys.v) and np.array_equal(on.spikes, off.spikes)
    assert np.array_equal(wc.ys.e, wc_off.ys.e)


class _Unbounded(bj.AbstractEnergy):
    def energy(self, x, args=None):
        return -jnp.sum(x**2)


def test_relax_blow_up_raises():
    with pytest.raises(ValueError, match="relax: non-finite.*energy non-finite from step"):
        bj.relax(_Unbounded(), jnp.ones(3), max_steps=100_000)
    with pytest.raises(Exception, match="non-finite"):
        jax.jit(lambda x: bj.relax(_Unbounded(), x, max_steps=100_000).x)(jnp.ones(3))


def test_poisson_rate_function_checked_at_runtime():
    bad = bj.inputs.PoissonSpikes(lambda t: -10.0, n=3)
    with pytest.raises(Exception, match="`rate\\(t\\)` must be >= 0"):
        bj.simulate(bj.neurons.LIF(n=3), t1=1.0, dt=0.1, key=jax.random.key(0), inputs=bad)
