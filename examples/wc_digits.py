"""Classify handwritten digits with a Wilson-Cowan metapopulation, trained end to end.

The "learning with Wilson-Cowan metapopulations" idea: a graph of E/I Wilson-Cowan
nodes (`brainjax.populations.WilsonCowanNetwork`, trainable coupling matrix and per-
node drive) receives an image as a constant external drive to its E populations
(a learned linear map of the 64 pixels), relaxes for 40 ms towards an attractor, and a
linear readout of the final E activities gives the class. Everything, including the
network's coupling matrix, is trained by backpropagating through the Diffrax solve
with `brainjax.fit.fit` (Adam, mini-batches of the bundled UCI digits).

    python examples/wc_digits.py           # 300 steps
    python examples/wc_digits.py --smoke   # a few steps (CI)

Prints the test accuracy on the fixed 449-image test split as the last JSON line.
"""

import time

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import optax

import brainjax as bj

T1, DT = 40.0, 1.0  # ms: relaxation time and Heun step


class WCClassifier(eqx.Module):
    """pixels -> drive of the E populations -> WC network relaxation -> linear readout."""

    encoder: eqx.nn.Linear
    network: bj.populations.WilsonCowanNetwork
    readout: eqx.nn.Linear

    def __init__(self, nodes: int, key):
        k1, k2, k3 = jax.random.split(key, 3)
        self.encoder = eqx.nn.Linear(64, nodes, key=k1)
        weights = jax.random.uniform(k2, (nodes, nodes)) / nodes
        node = bj.populations.WilsonCowan(n=nodes, p_e=jnp.zeros(nodes))
        self.network = bj.populations.WilsonCowanNetwork(weights, coupling=1.0, node=node)
        self.readout = eqx.nn.Linear(nodes, 10, key=k3)

    def __call__(self, image):
        drive = 3.0 * self.encoder(image)
        sol = bj.simulate(self.network, t1=T1, dt=DT, inputs=drive,
                          integrator=bj.integrators.DiffeqSolve(diffrax.Heun()),
                          monitor=bj.Monitor(every=int(T1 / DT), select=lambda y: y.e))  # fmt: skip
        return self.readout(sol.final.e)


def loss_fn(model, batch):
    images, labels = batch
    logits = jax.vmap(model)(images)
    return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()


@eqx.filter_jit
def accuracy(model, images, labels):
    return jnp.mean(jnp.argmax(jax.vmap(model)(images), axis=1) == labels)


def main():
    from _common import out_dir, parse, report

    args = parse(
        __doc__,
        "wc_digits",
        help={"nodes": "Wilson-Cowan E/I nodes", "steps": "Adam steps"},
        nodes=64,
        steps=300,
    )
    steps = 5 if args.smoke else args.steps
    x_train, y_train = bj.datasets.load_digits("train")
    x_test, y_test = bj.datasets.load_digits("test")
    model = WCClassifier(args.nodes, jax.random.key(args.seed))
    tic = time.perf_counter()
    result = bj.fit.fit(
        model, loss_fn, data=(jnp.asarray(x_train), jnp.asarray(y_train)), batch_size=128,
        optimizer=optax.adam(optax.cosine_decay_schedule(1e-2, steps)), steps=steps,
        key=jax.random.key(args.seed),
    )  # fmt: skip
    train_s = time.perf_counter() - tic
    trained = bj.fit.unwrap(result.model)
    train_acc = float(accuracy(trained, jnp.asarray(x_train), jnp.asarray(y_train)))
    test_acc = float(accuracy(trained, jnp.asarray(x_test), jnp.asarray(y_test)))
    print(f"WC metapopulation ({args.nodes} E/I nodes), {result.step} steps in {train_s:.0f} s:"
          f" train accuracy {train_acc:.3f}, test accuracy {test_acc:.3f}")  # fmt: skip
    path = out_dir(args.out, "wc_digits") / "wc_digits_training.png"
    bj.plot.save(bj.plot.training_curves(result), path)
    report(
        "wc_digits",
        args.smoke,
        train_s,
        nodes=args.nodes,
        steps=result.step,
        train_accuracy=train_acc,
        test_accuracy=test_acc,
        final_loss=float(result.history[-1]),
        files=[path],
    )


if __name__ == "__main__":
    main()
