"""Checkpoints you can trust: checksums, structure (static fields included), atomic
writes, a writable path checked before training, and a run killed during a save that
resumes bit for bit."""

import json
import os
import subprocess
import sys
import textwrap

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import brainjax as bj
from brainjax.fit import _checkpoint
from brainjax.fit._checkpoint import split

OPT = optax.adam(0.1)


class Line(eqx.Module):
    w: jax.Array
    b: jax.Array
    dt: float = eqx.field(static=True, default=0.1)


def _mse(model, batch):
    return jnp.mean((jnp.sum(model.w) * batch["x"] + model.b - batch["y"]) ** 2)


def _data():
    x = np.linspace(-1, 1, 64, dtype=np.float32)
    return {"x": x, "y": 3.0 * x - 0.5}


def _saved(tmp_path, model=None, steps=3):
    model = Line(jnp.zeros(3), jnp.asarray(0.0)) if model is None else model
    result = bj.fit.fit(model, _mse, optimizer=OPT, data=_data(), steps=steps, progress=False)
    path = tmp_path / "run.eqx"
    bj.fit.save_checkpoint(path, result)
    return path, model, result


def _header(path):
    return json.loads(path.read_bytes().partition(b"\n")[0])


def test_round_trip_and_header(tmp_path):
    path, model, result = _saved(tmp_path)
    header = _header(path)
    assert header["format"] == "brainjax-checkpoint-2"
    assert header["brainjax"] == bj.__version__
    assert len(header["data_sha256"]) == 64 and len(header["structure_sha256"]) == 64
    assert ["[0].dt", "0.1"] in header["structure"]["static"]
    loaded = bj.fit.load_checkpoint(path, model, optimizer=OPT)
    assert loaded.step == 3
    for a, b in zip(jax.tree.leaves(loaded.model), jax.tree.leaves(result.model)):
        np.testing.assert_array_equal(a, b)
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]  # no leftovers


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_one_flipped_data_byte_is_detected(tmp_path, where):
    path, model, _ = _saved(tmp_path)
    raw = bytearray(path.read_bytes())
    start = raw.index(b"\n") + 1
    index = {"first": start, "middle": (start + len(raw)) // 2, "last": len(raw) - 1}[where]
    raw[index] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="corrupted: the sha256 checksum of its data"):
        bj.fit.load_checkpoint(path, model, optimizer=OPT)


def test_flipped_header_byte_is_detected(tmp_path):
    path, model, _ = _saved(tmp_path)
    raw = path.read_bytes().replace(b'"step": 3', b'"step": 7')
    path.write_bytes(raw)
    with pytest.raises(ValueError, match="corrupted: its header checksum"):
        bj.fit.load_checkpoint(path, model, optimizer=OPT)


@pytest.mark.parametrize("keep", [0.99, 0.5, 0.1])
def test_truncated_file_is_a_clear_error(tmp_path, keep):
    path, model, _ = _saved(tmp_path)
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * keep)])
    with pytest.raises(ValueError, match="is truncated"):
        bj.fit.load_checkpoint(path, model, optimizer=OPT)


def test_empty_file_and_old_format(tmp_path):
    path, model, _ = _saved(tmp_path)
    (tmp_path / "empty.eqx").write_bytes(b"")
    with pytest.raises(ValueError, match="not a brainjax checkpoint"):
        bj.fit.load_checkpoint(tmp_path / "empty.eqx", model, optimizer=OPT)
    old = {"format": "brainjax-checkpoint-1", "model": "Line", "step": 1, "history": []}
    (tmp_path / "old.eqx").write_bytes(json.dumps(old).encode() + b"\n\x00\x01")
    with pytest.raises(ValueError, match="old format 'brainjax-checkpoint-1'.*no longer reads"):
        bj.fit.load_checkpoint(tmp_path / "old.eqx", model, optimizer=OPT)


def test_wrong_model_structure_names_the_difference(tmp_path):
    path, model, _ = _saved(tmp_path)
    with pytest.raises(ValueError, match=r"\.w with shape \(3,\).*\.w with shape \(4,\)"):
        bj.fit.load_checkpoint(path, Line(jnp.zeros(4), jnp.asarray(0.0)), optimizer=OPT)
    with pytest.raises(ValueError, match="dtype float32 in the file.*int32 in the model"):
        bj.fit.load_checkpoint(path, Line(jnp.zeros(3, jnp.int32), jnp.asarray(0.0)), optimizer=OPT)
    with pytest.raises(ValueError, match="holds a Line, not a WilsonCowan"):
        bj.fit.load_checkpoint(path, bj.populations.WilsonCowan(), optimizer=OPT)
    with pytest.raises(ValueError, match="does not match the model"):
        bj.fit.load_checkpoint(path, model, optimizer=optax.sgd(0.1, momentum=0.9))


def test_static_field_mismatch_is_detected(tmp_path):
    path, model, _ = _saved(tmp_path)
    other = Line(jnp.zeros(3), jnp.asarray(0.0), dt=0.05)
    with pytest.raises(ValueError, match=r"static field \[0\]\.dt is 0\.1 in the file.*0\.05"):
        bj.fit.load_checkpoint(path, other, optimizer=OPT)


def test_network_dt_and_delays_are_compared(tmp_path):
    rule = bj.connect.FromIndices([0, 0], [0, 1], weight=50.0, delay=[1.0, 2.5])
    spec = bj.Projection("pre", "post", rule, bj.synapses.Exponential())
    pops = {"pre": bj.neurons.LIF(n=1), "post": bj.neurons.LIF(n=2)}
    net = bj.Network(pops, [spec])
    fine, coarse = net.with_step(0.1), net.with_step(0.5)
    params, _ = split(fine, eqx.is_inexact_array)
    result = bj.fit.FitResult(model=fine, opt_state=OPT.init(params), history=np.zeros(0), step=0)
    path = tmp_path / "net.eqx"
    bj.fit.save_checkpoint(path, result)
    assert bj.fit.load_checkpoint(path, fine, optimizer=OPT).model.dt == 0.1
    with pytest.raises(ValueError, match=r"static field .*(dt|depth|lag)"):
        bj.fit.load_checkpoint(path, coarse, optimizer=OPT)


def test_missing_directory_fails_before_training(tmp_path):
    calls = []

    def loss(model, batch):
        calls.append(1)
        return _mse(model, batch)

    model = Line(jnp.zeros(3), jnp.asarray(0.0))
    bad = tmp_path / "missing" / "dir" / "x.eqx"
    with pytest.raises(ValueError, match="directory .*missing.* does not exist"):
        bj.fit.fit(model, loss, optimizer=OPT, data=_data(), steps=5, progress=False,
                   callbacks=[bj.fit.Checkpoint(bad)])  # fmt: skip
    assert calls == []  # the loss was never traced: nothing was trained
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="does not exist"):
        bj.fit.fit(model, loss, optimizer=OPT, steps=5, progress=False, checkpoint=bad)
    with pytest.raises(ValueError, match="is a directory"):
        bj.fit.fit(model, loss, optimizer=OPT, steps=5, progress=False,
                   callbacks=[bj.fit.Checkpoint(tmp_path)])  # fmt: skip
    with pytest.raises(ValueError, match="`path` must be a str"):
        bj.fit.Checkpoint(3)  # type: ignore[arg-type]


def test_crash_mid_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path, model, first = _saved(tmp_path, steps=2)
    later = bj.fit.fit(model, _mse, optimizer=OPT, data=_data(), steps=4, progress=False)

    def half_then_crash(f, data):
        f.write(data[: len(data) // 2])
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(_checkpoint, "_write_bytes", half_then_crash)
    with pytest.raises(OSError, match="simulated"):
        bj.fit.save_checkpoint(path, later)
    monkeypatch.undo()
    loaded = bj.fit.load_checkpoint(path, model, optimizer=OPT)
    assert loaded.step == 2
    np.testing.assert_array_equal(loaded.history, first.history)
    assert sorted(os.listdir(tmp_path)) == ["run.eqx"]  # the temporary file is removed


_TRAIN = textwrap.dedent(
    """
    import equinox as eqx, jax, jax.numpy as jnp, numpy as np, optax
    import brainjax as bj

    class Line(eqx.Module):
        w: jax.Array
        b: jax.Array

    def loss(model, batch):
        return jnp.mean((jnp.sum(model.w) * batch["x"] + model.b - batch["y"]) ** 2)

    x = np.linspace(-1, 1, 64, dtype=np.float32)
    DATA = {"x": x, "y": 3.0 * x - 0.5}
    MODEL = Line(jnp.zeros(3), jnp.asarray(0.0))
    KW = dict(optimizer=optax.adam(0.1), data=DATA, batch_size=16, progress=False)
    """
)

_KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from brainjax.fit import _checkpoint
    saves = []

    def write(f, data):
        if not data.startswith(b'{"format"'):  # the data part, not the header line
            saves.append(1)
            if len(saves) == 3:  # third save: write half of it, then die
                f.write(data[: len(data) // 2])
                f.flush()
                os.kill(os.getpid(), signal.SIGKILL)
        f.write(data)

    _checkpoint._write_bytes = write
    bj.fit.fit(MODEL, loss, steps=10, callbacks=[bj.fit.Checkpoint(sys.argv[1], every=3)], **KW)
    """
)


def test_killed_during_a_checkpoint_write_resumes_bit_for_bit(tmp_path):
    path = tmp_path / "run.eqx"
    proc = subprocess.run(
        [sys.executable, "-c", _TRAIN + _KILLED, str(path)],
        capture_output=True,
        timeout=300,
        env=os.environ | {"JAX_PLATFORMS": "cpu"},
    )
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert any(p.endswith(".tmp") for p in os.listdir(tmp_path))  # the interrupted write
    scope: dict = {}
    exec(_TRAIN, scope)
    model, loss, kw = scope["MODEL"], scope["loss"], scope["KW"]
    restored = bj.fit.load_checkpoint(path, model, optimizer=kw["optimizer"])
    assert restored.step == 6  # saves at steps 3 and 6 landed; the one at 9 was killed
    rest = bj.fit.fit(restored.model, loss, steps=4, opt_state=restored.opt_state,
                      initial_step=restored.step, **kw)  # fmt: skip
    full = bj.fit.fit(model, loss, steps=10, **kw)
    np.testing.assert_array_equal(np.concatenate([restored.history, rest.history]), full.history)
    for a, b in zip(jax.tree.leaves((rest.model, rest.opt_state)),
                    jax.tree.leaves((full.model, full.opt_state))):  # fmt: skip
        np.testing.assert_array_equal(a, b)
