"""Exact spike times (`simulate_exact`): analytic LIF derivatives and finite differences."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import brainjax as bj


def test_lif_first_spike_time_and_its_gradients_are_analytic():
    # tau dv/dt = -(v - v_rest) + (tau / c) I from v_rest: T = tau ln(a / (a - theta)),
    # a = tau I / c, theta = v_th - v_rest, so dT/dI = -tau theta / (I (a - theta)) and
    # dT/dtau = ln(a / (a - theta)) - theta / (a - theta).
    with jax.enable_x64(True):
        c_m, theta = 250.0, 15.0

        def first_spike(current, tau):
            lif = bj.neurons.LIF(n=1, tau_m=tau, c_m=c_m, t_ref=0.0)
            sol = bj.simulate_exact(
                lif, t1=30.0, inputs=current, max_spikes=3, rtol=1e-10, atol=1e-10
            )
            return sol.first_spike_times()[0]

        current, tau = 500.0, 10.0
        a = tau * current / c_m
        value, (d_current, d_tau) = jax.value_and_grad(first_spike, argnums=(0, 1))(
            jnp.asarray(current), jnp.asarray(tau)
        )
        np.testing.assert_allclose(value, tau * np.log(a / (a - theta)), rtol=1e-8)
        np.testing.assert_allclose(d_current, -tau * theta / (current * (a - theta)), rtol=1e-5)
        np.testing.assert_allclose(d_tau, np.log(a / (a - theta)) - theta / (a - theta), rtol=1e-5)


@pytest.mark.slow  # ~15 s of compilation (float64 event solves under grad)
def test_network_spike_time_gradients_match_finite_differences():
    with jax.enable_x64(True):

        def spike_times(w, current):
            pops = {"a": bj.neurons.LIF(n=2, t_ref=0.0), "b": bj.neurons.LIF(n=1, t_ref=0.0)}
            proj = bj.Projection("a", "b", w, bj.synapses.Exponential(tau=5.0))
            net = bj.Network(pops, [proj])
            sol = bj.simulate_exact(
                net,
                t1=40.0,
                inputs={"a": current, "b": 300.0},
                max_spikes=12,
                rtol=1e-10,
                atol=1e-10,
            )
            return sol.spike_times, sol.spike_neurons

        def loss(w, current):
            times, _ = spike_times(w, current)
            return jnp.sum(jnp.where(jnp.isfinite(times), times, 0.0))

        w, current = jnp.array([[600.0], [400.0]]), jnp.array([450.0, 520.0])
        times, neurons = spike_times(w, current)
        assert set(np.asarray(neurons[jnp.isfinite(times)])) == {0, 1, 2}  # all three fire
        grad_w, grad_current = jax.grad(loss, argnums=(0, 1))(w, current)
        h = 1e-3
        for k in range(2):
            e_w, e_i = jnp.zeros((2, 1)).at[k, 0].set(h), jnp.zeros(2).at[k].set(h)
            fd_w = (loss(w + e_w, current) - loss(w - e_w, current)) / (2 * h)
            fd_i = (loss(w, current + e_i) - loss(w, current - e_i)) / (2 * h)
            np.testing.assert_allclose(grad_w[k, 0], fd_w, rtol=1e-5)
            np.testing.assert_allclose(grad_current[k], fd_i, rtol=1e-5)


def test_exact_bad_input():
    with pytest.raises(ValueError, match="t_ref"):
        bj.simulate_exact(bj.neurons.LIF(n=1), t1=10.0, inputs=500.0)
    with pytest.raises(ValueError, match="max_spikes"):
        bj.simulate_exact(bj.neurons.LIF(n=1, t_ref=0.0), t1=10.0, max_spikes=0)
    with pytest.raises(Exception, match="max_spikes"):  # 3 spikes in 50 ms, 2 slots
        bj.simulate_exact(bj.neurons.LIF(n=1, t_ref=0.0), t1=50.0, inputs=500.0, max_spikes=2)
