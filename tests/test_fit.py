"""`brainjax.fit`: training loop, constraints, checkpoints, early stopping, errors."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import brainjax as bj


class Line(eqx.Module):
    w: jax.Array
    b: jax.Array


def _line_data(n=64):
    x = np.linspace(-1, 1, n, dtype=np.float32)
    return {"x": x, "y": 3.0 * x - 0.5}


def _mse(model, batch):
    return jnp.mean((model.w * batch["x"] + model.b - batch["y"]) ** 2)


OPT = optax.adam(0.1)


def test_fit_recovers_wilson_cowan_parameters():
    """tau_e and the E sigmoid gain of a WC node from its own trajectory, within 1 %."""
    true = bj.populations.WilsonCowan(tau_e=jnp.asarray(2.5), a_e=jnp.asarray(1.5))
    drive = lambda t: 1.0 + 1.5 * (t > 15.0)
    target = bj.simulate(true, t1=40.0, dt=0.2, inputs=drive).ys
    start = bj.populations.WilsonCowan(tau_e=jnp.asarray(3.2), a_e=jnp.asarray(1.2))
    start = eqx.tree_at(lambda m: (m.tau_e, m.a_e), start, replace_fn=bj.fit.Positive)

    def loss(model, _):
        ys = bj.simulate(model, t1=40.0, dt=0.2, inputs=drive).ys
        return jnp.mean((ys.e - target.e) ** 2) + jnp.mean((ys.i - target.i) ** 2)

    schedule = optax.exponential_decay(0.05, transition_steps=100, decay_rate=0.5)
    result = bj.fit.fit(start, loss, optimizer=optax.adam(schedule), steps=400, progress=False)
    fitted = bj.fit.unwrap(result.model)
    assert float(fitted.tau_e) == pytest.approx(2.5, rel=0.01)
    assert float(fitted.a_e) == pytest.approx(1.5, rel=0.01)
    assert result.history[-1] < 1e-3 * result.history[0]


def test_restore_and_continue_is_bit_exact(tmp_path):
    data, model = _line_data(), Line(jnp.asarray(0.0), jnp.asarray(0.0))
    kwargs = dict(optimizer=OPT, data=data, batch_size=16, progress=False)
    full = bj.fit.fit(model, _mse, steps=10, **kwargs)
    first = bj.fit.fit(model, _mse, steps=4, callbacks=[bj.fit.Checkpoint(tmp_path / "run.eqx")],
                       **kwargs)  # fmt: skip
    restored = bj.fit.load_checkpoint(tmp_path / "run.eqx", model, optimizer=OPT)
    assert restored.step == 4
    np.testing.assert_array_equal(restored.history, first.history)
    rest = bj.fit.fit(
        restored.model,
        _mse,
        steps=6,
        opt_state=restored.opt_state,
        initial_step=restored.step,
        **kwargs,
    )
    assert rest.step == 10
    np.testing.assert_array_equal(np.concatenate([first.history, rest.history]), full.history)
    for a, b in zip(jax.tree.leaves(rest.model), jax.tree.leaves(full.model)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(jax.tree.leaves(rest.opt_state), jax.tree.leaves(full.opt_state)):
        np.testing.assert_array_equal(a, b)


def test_mismatched_checkpoint_is_a_clear_error(tmp_path):
    model = Line(jnp.zeros(3), jnp.asarray(0.0))
    result = bj.fit.fit(model, lambda m, _: jnp.sum(m.w**2) + m.b**2, optimizer=OPT, steps=1)
    path = tmp_path / "run.eqx"
    bj.fit.save_checkpoint(path, result)
    with pytest.raises(ValueError, match=r"\.w with shape \(3,\).*\.w with shape \(4,\)"):
        bj.fit.load_checkpoint(path, Line(jnp.zeros(4), jnp.asarray(0.0)), optimizer=OPT)
    with pytest.raises(ValueError, match="holds a Line, not a WilsonCowan"):
        bj.fit.load_checkpoint(path, bj.populations.WilsonCowan(), optimizer=OPT)
    with pytest.raises(ValueError, match="does not match the model"):  # other optimiser
        bj.fit.load_checkpoint(path, model, optimizer=optax.sgd(0.1, momentum=0.9))
    (tmp_path / "junk").write_bytes(b"\x00\x01 not a checkpoint")
    with pytest.raises(ValueError, match="not a brainjax checkpoint"):
        bj.fit.load_checkpoint(tmp_path / "junk", model, optimizer=OPT)


def test_constraints_round_trip_and_fixed_leaves_stay_fixed():
    values = np.array([1e-3, 0.5, 2.0, 40.0])
    np.testing.assert_allclose(bj.fit.Positive(values).unwrap(), values, rtol=1e-5)
    np.testing.assert_allclose(bj.fit.LogPositive(values).unwrap(), values, rtol=1e-5)
    bounded = bj.fit.Bounded(values, lower=-1.0, upper=50.0)
    np.testing.assert_allclose(bounded.unwrap(), values, rtol=1e-5, atol=1e-6)
    # the unconstrained coordinate: softplus^-1, log, logit
    np.testing.assert_allclose(bj.fit.Positive(2.0).raw, np.log(np.expm1(2.0)), rtol=1e-6)
    np.testing.assert_allclose(bj.fit.LogPositive(2.0).raw, np.log(2.0), rtol=1e-6)
    np.testing.assert_allclose(bj.fit.Bounded(0.25, lower=0, upper=1).raw, np.log(1 / 3), rtol=1e-6)
    for bad in (lambda: bj.fit.Positive(-1.0), lambda: bj.fit.LogPositive(0.0)):
        with pytest.raises(ValueError, match="value > 0"):
            bad()
    with pytest.raises(ValueError, match="strictly inside"):
        bj.fit.Bounded(1.0, lower=0.0, upper=1.0)
    with pytest.raises(ValueError, match="`lower` < `upper`"):
        bj.fit.Bounded(0.5, lower=1.0, upper=0.0)

    # bounded and fixed parameters during training: w pulled to 3 but capped at 2
    model = Line(bj.fit.Bounded(0.5, lower=0.0, upper=2.0), bj.fit.Fixed(jnp.asarray(0.7)))
    result = bj.fit.fit(model, _mse, optimizer=OPT, data=_line_data(), steps=100, progress=False)
    trained = bj.fit.unwrap(result.model)
    assert 1.9 < float(trained.w) < 2.0
    assert float(trained.b) == np.float32(0.7)  # untouched
    assert len(jax.tree.leaves(result.opt_state)) == 3  # count, mu and nu of w only


def test_nan_detection_names_step_loss_and_leaf():
    model = Line(jnp.asarray(1.0), jnp.asarray(0.0))
    with pytest.raises(FloatingPointError, match=r"step 0: loss = .*non-finite parameters: \.w"):
        bj.fit.fit(model, lambda m, _: jnp.sqrt(m.w - 2.0) + m.b, optimizer=OPT, steps=5)


def test_early_stopping_and_callbacks():
    model = Line(jnp.asarray(1.0), jnp.asarray(0.0))
    flat = lambda m, _: 0.0 * m.w + 1.0  # never improves after the first step
    result = bj.fit.fit(
        model,
        flat,
        optimizer=OPT,
        steps=100,
        callbacks=[bj.fit.EarlyStopping(patience=5)],
        progress=False,
    )
    assert len(result.history) == 6 and result.step == 6
    seen = []
    result = bj.fit.fit(
        model,
        _mse,
        optimizer=OPT,
        data=_line_data(),
        steps=100,
        callbacks=[lambda s, loss, m: seen.append((s, loss)), lambda s, loss, m: s == 2],
        progress=False,
    )
    assert [s for s, _ in seen] == [0, 1, 2] and result.step == 3
    assert [loss for _, loss in seen] == list(result.history)


def test_iterator_data_ends_training():
    batches = [{k: v[i::4] for k, v in _line_data().items()} for i in range(4)]
    result = bj.fit.fit(
        Line(jnp.asarray(0.0), jnp.asarray(0.0)),
        _mse,
        optimizer=OPT,
        data=iter(batches),
        steps=10,
        progress=False,
    )
    assert result.step == 4


def test_bad_arguments():
    model = Line(jnp.asarray(0.0), jnp.asarray(0.0))
    fit = lambda **kw: bj.fit.fit(model, _mse, **({"optimizer": OPT, "steps": 2} | kw))
    with pytest.raises(ValueError, match="`steps`"):
        fit(steps=0)
    with pytest.raises(ValueError, match="empty"):
        fit(data={"x": np.zeros(0), "y": np.zeros(0)})
    with pytest.raises(ValueError, match="same leading size"):
        fit(data={"x": np.zeros(3), "y": np.zeros(4)})
    with pytest.raises(ValueError, match="`filter_spec`"):
        fit(filter_spec="w")
    with pytest.raises(ValueError, match="`filter_spec`"):
        fit(filter_spec={"w": True})
    with pytest.raises(ValueError, match="no trainable leaves"):
        bj.fit.fit(Line(1.0, 2.0), _mse, optimizer=OPT, steps=2)
    with pytest.raises(ValueError, match="`batch_size`"):
        fit(data=_line_data(), batch_size=0)
    with pytest.raises(ValueError, match="`optimizer`"):
        fit(optimizer=optax.adam)
    with pytest.raises(ValueError, match="`patience`"):
        bj.fit.EarlyStopping(patience=0)


def test_step_is_traced_once_for_weakly_typed_parameters():
    traces = []

    def loss(model, _):
        traces.append(1)
        return (model.w - 1.0) ** 2 + model.b**2

    model = Line(jnp.asarray(0.0), jnp.asarray(0.0))  # weakly typed scalars
    result = bj.fit.fit(model, loss, optimizer=optax.adam(0.1), steps=5, progress=False)
    assert len(traces) == 1 and result.step == 5


# ------------------------------------------------------------------ the layers


def test_make_step_is_one_hand_written_optax_step():
    model, batch = Line(jnp.asarray(0.5), jnp.asarray(-0.2)), _line_data(8)
    step = bj.fit.make_step(_mse, OPT)
    opt_state = step.init(model)
    new, new_state, loss = step(model, opt_state, batch)

    # By hand (compiled too, so the float round-off is the same): value and gradient,
    # optax update, apply.
    @eqx.filter_jit
    def by_hand(model, state):
        value, grads = eqx.filter_value_and_grad(_mse)(model, batch)
        updates, state = OPT.update(grads, state, model)
        return eqx.apply_updates(model, updates), state, value

    expected, state, value = by_hand(model, OPT.init(model))
    assert float(loss) == float(value)
    np.testing.assert_array_equal(new.w, expected.w)
    np.testing.assert_array_equal(new.b, expected.b)
    for a, b in zip(jax.tree.leaves(new_state), jax.tree.leaves(state)):
        np.testing.assert_array_equal(a, b)
    # `filter_spec` freezes leaves; a wrong optimiser is a clear error.
    frozen_b = bj.fit.make_step(_mse, OPT, Line(True, False))
    new, _, _ = frozen_b(model, frozen_b.init(model), batch)
    assert float(new.b) == float(model.b) and float(new.w) == float(expected.w)
    with pytest.raises(ValueError, match="`optimizer`"):
        bj.fit.make_step(_mse, optax.adam)


def test_batches_shuffle_per_epoch_and_resume_in_place():
    data = {"x": np.arange(10.0), "y": -np.arange(10.0)}
    key = jax.random.key(3)
    it = bj.fit.batches(data, 3, key)
    first = [next(it) for _ in range(7)]  # 3 batches per epoch (one example dropped)
    for b in first:
        np.testing.assert_array_equal(b["y"], -b["x"])
    epoch = np.concatenate([b["x"] for b in first[:3]])
    assert len(set(epoch.tolist())) == 9  # no repeats within an epoch
    assert not np.array_equal(first[0]["x"], first[3]["x"])  # a fresh permutation
    resumed = bj.fit.batches(data, 3, key, start=4)
    for b in first[4:]:
        np.testing.assert_array_equal(next(resumed)["x"], b["x"])
    whole = bj.fit.batches(data, None, key)
    assert next(whole) is data
    with pytest.raises(ValueError, match="same leading size"):
        bj.fit.batches({"x": np.zeros(3), "y": np.zeros(4)}, 2, key)
    with pytest.raises(ValueError, match="`batch_size`"):
        bj.fit.batches(data, 0, key)


def test_callbacks_checkpoint_written_and_early_stop(tmp_path):
    model = Line(jnp.asarray(0.0), jnp.asarray(0.0))
    path = tmp_path / "every.eqx"
    seen = []

    class Spy(bj.fit.AbstractCallback):
        def update(self, state, step, loss, current):
            if step == 4:  # the checkpoint of step 4 (every 5) is already on disk
                seen.append(bj.fit.load_checkpoint(path, model, optimizer=OPT).step)
            return state, False

    checkpoint = bj.fit.Checkpoint(path, every=5)
    result = bj.fit.fit(model, _mse, optimizer=OPT, data=_line_data(), steps=7,
                        callbacks=[checkpoint, Spy()], progress=False)  # fmt: skip
    assert seen == [5]
    final = bj.fit.load_checkpoint(path, model, optimizer=OPT)  # written again at the end
    assert final.step == 7
    np.testing.assert_array_equal(final.history, result.history)
    # Early stopping counts steps without an improvement of more than min_delta.
    stop = bj.fit.EarlyStopping(patience=3, min_delta=0.5)
    state = stop.init(0, 10)
    stops = []
    for step, loss in enumerate([10.0, 9.0, 9.8, 9.6, 8.0, 7.9, 7.8, 7.7]):
        state, halt = stop.update(state, step, loss, lambda: None)
        stops.append(halt)
    assert stops == [False, False, False, False, False, False, False, True]
    with pytest.raises(ValueError, match="`every`"):
        bj.fit.Checkpoint(path, every=0)
    with pytest.raises(ValueError, match="callback"):
        bj.fit.fit(model, _mse, optimizer=OPT, steps=1, callbacks=[3], progress=False)


def test_progress_callback_runs():
    model = Line(jnp.asarray(0.0), jnp.asarray(0.0))
    result = bj.fit.fit(model, _mse, optimizer=OPT, data=_line_data(), steps=3, progress=False,
                        callbacks=[bj.fit.Progress("train")])  # fmt: skip
    assert result.step == 3


# ------------------------------------------------------------ deprecated names


def test_deprecated_fit_arguments_warn_and_still_work(tmp_path):
    model, data = Line(jnp.asarray(0.0), jnp.asarray(0.0)), _line_data()
    kwargs = dict(optimizer=OPT, data=data, progress=False)
    new = bj.fit.fit(model, _mse, steps=6, callbacks=[bj.fit.Checkpoint(tmp_path / "a.eqx", 2)],
                     **kwargs)  # fmt: skip
    with pytest.warns(DeprecationWarning, match="checkpoint"):
        old = bj.fit.fit(model, _mse, steps=6, checkpoint=tmp_path / "b.eqx",
                         checkpoint_every=2, **kwargs)  # fmt: skip
    np.testing.assert_array_equal(old.history, new.history)
    assert bj.fit.load_checkpoint(tmp_path / "b.eqx", model, optimizer=OPT).step == 6
    with pytest.warns(DeprecationWarning, match="early_stopping"):
        flat = lambda m, _: 0.0 * m.w + 1.0
        r = bj.fit.fit(model, flat, optimizer=OPT, steps=100, progress=False,
                       early_stopping=bj.fit.EarlyStopping(patience=5))  # fmt: skip
    assert r.step == 6
    with pytest.warns(DeprecationWarning, match="callback"):
        r = bj.fit.fit(model, _mse, steps=10, callback=lambda s, loss, m: s == 1, **kwargs)
    assert r.step == 2
    with pytest.warns(DeprecationWarning, match="steps_per_batch"):
        per_batch = bj.fit.fit(model, _mse, steps=2, steps_per_batch=3, **kwargs)
    plain = bj.fit.fit(model, _mse, steps=6, **kwargs)  # data=all of it: same batch
    np.testing.assert_allclose(per_batch.model.w, plain.model.w, rtol=1e-6)
    assert per_batch.history[1] == plain.history[3]
    with pytest.raises(TypeError, match="unexpected"):
        bj.fit.fit(model, _mse, steps=1, progres=False, optimizer=OPT)


def test_deprecated_aliases_warn_and_still_work():
    x = np.random.default_rng(0).normal(size=(50, 4))
    for name in ("functional_connectivity", "fc_correlation", "power_spectrum"):
        with pytest.warns(DeprecationWarning, match=f"brainjax.analysis.{name}"):
            alias = getattr(bj.fit, name)
        assert alias is getattr(bj.analysis, name)
    with pytest.warns(DeprecationWarning, match="brainjax.fit.Dale"):
        dale = bj.Dale(jnp.ones((2, 2)), excitatory=jnp.array([True, False]))
    np.testing.assert_array_equal(np.sign(dale.unwrap()[:, 0]), [1.0, -1.0])
    assert bj.fit.Dale is type(dale)
    np.testing.assert_allclose(
        bj.analysis.functional_connectivity(x), np.corrcoef(x, rowvar=False), atol=1e-5
    )
