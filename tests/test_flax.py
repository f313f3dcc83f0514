"""Flax interop: a brainjax LIF population as a trainable layer of a `flax.nnx` model
(the code of docs/fitting.md, "Using brainjax inside Flax")."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import brainjax as bj

nnx = pytest.importorskip("flax.nnx")


class SpikingLayer(nnx.Module):
    """Input weights (pA) into a LIF population; returns spike counts."""

    def __init__(self, n_in: int, n_out: int, *, t1=20.0, dt=0.5, rngs):
        scale = 200.0 / n_in**0.5
        self.weight = nnx.Param(jax.random.normal(rngs.params(), (n_in, n_out)) * scale)
        self.bias = nnx.Param(jnp.full((n_out,), 350.0))  # pA, near rheobase
        self.tau_m = nnx.Param(jnp.full((n_out,), 10.0))  # ms
        self.t1, self.dt = t1, dt

    def __call__(self, x):  # x: (batch, n_in)
        lif = bj.neurons.LIF(
            n=self.tau_m.shape[0], tau_m=self.tau_m[...], surrogate=bj.surrogate.SuperSpike(0.5)
        )

        def run(current):
            return bj.simulate(lif, t1=self.t1, dt=self.dt, inputs=current).spikes.sum(0)

        return jax.vmap(run)(x @ self.weight[...] + self.bias[...])


class Classifier(nnx.Module):
    def __init__(self, rngs):
        self.spiking = SpikingLayer(2, 16, rngs=rngs)
        self.readout = nnx.Linear(16, 2, rngs=rngs)

    def __call__(self, x):
        return self.readout(self.spiking(x) / 10.0)


def test_lif_layer_trains_inside_flax_nnx():
    x = jax.random.normal(jax.random.key(0), (64, 2))
    y = (x[:, 0] + x[:, 1] > 0).astype(jnp.int32)
    model = Classifier(nnx.Rngs(0))
    tau_before = np.array(model.spiking.tau_m[...])
    optimizer = nnx.Optimizer(model, optax.adam(0.05), wrt=nnx.Param)

    @nnx.jit
    def train_step(model, optimizer, x, y):
        def loss_fn(model):
            logits = model(x)
            return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

        loss, grads = nnx.value_and_grad(loss_fn)(model)
        optimizer.update(model, grads)
        return loss

    losses = [float(train_step(model, optimizer, x, y)) for _ in range(40)]
    accuracy = float((model(x).argmax(-1) == y).mean())
    assert losses[-1] < 0.5 * losses[0]
    assert accuracy >= 0.9
    # the gradient reached the neuron parameters through the surrogate spikes
    assert not np.allclose(model.spiking.tau_m[...], tau_before)
