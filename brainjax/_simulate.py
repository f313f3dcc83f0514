"""`simulate`: the one entry point that integrates every brainjax model. It validates
its arguments, picks an integrator for the model type and delegates to it."""

import warnings
from typing import Any

import diffrax
import jax
import numpy as np
from jaxtyping import PRNGKeyArray, PyTree

from . import inputs as _inputs
from ._dynamics import AbstractDynamics, AbstractSpiking, State
from ._monitor import Monitor as Monitor, SpikeEvents as SpikeEvents
from ._solution import Solution as Solution
from .integrators import AbstractIntegrator, DelayScan, DiffeqSolve, HybridScan, Problem
from .integrators._common import has_step_delays


def simulate(
    model: AbstractDynamics,
    t1: float,
    dt: float,
    *,
    t0: float = 0.0,
    y0: State | None = None,
    key: PRNGKeyArray | None = None,
    inputs: PyTree[Any] = None,
    monitor: Monitor | None = None,
    integrator: AbstractIntegrator | None = None,
    progress: bool = False,
    solver: diffrax.AbstractSolver | None = None,
    stepsize_controller: diffrax.AbstractStepSizeController | None = None,
    max_steps: int | None = None,
    checkpoint: bool | None = None,
) -> Solution:
    """Integrate `model` from `t0` to `t1` (ms).

    **Arguments:**

    - `model`: any [`brainjax.AbstractDynamics`][] (a neuron population, a
      [`brainjax.Network`][], a neural mass, ...).
    - `t1`, `dt`, `t0`: end time, step and start time in ms; `t1 - t0` must be a
      multiple of `dt`, which is also the recording grid.
    - `y0`: the initial state; defaults to `model.init(key)`.
    - `key`: PRNG key, required when the model has a `diffusion` or an input is
      stochastic. The same key gives bit-identical results.
    - `inputs`: external input passed to the model as `args` (see
      [`brainjax.inputs`][]): a number/array, a function of `t`, an `AbstractInput`,
      or a PyTree of these.
    - `monitor`: a [`brainjax.Monitor`][] (what to record, how often).
    - `integrator`: how to integrate, an object of [`brainjax.integrators`][] holding
      its own options (solver, step-size controller, checkpointing, ...). Default by
      model type: spiking -> `HybridScan()` (fixed steps: solver step, spike, reset;
      trainable by BPTT through surrogate spikes), delayed with a delay of a step or
      more -> `DelayScan()`, otherwise `DiffeqSolve()` (`diffrax.diffeqsolve`; an Ito
      SDE with a `diffusion`).
    - `progress`: show a tqdm progress bar.
    - `solver`, `stepsize_controller`, `max_steps`, `checkpoint`: deprecated, the
      options of the default integrator (pass `integrator=` instead).

    Works under `jax.jit`, `jax.vmap` and `jax.grad` (time arguments must be static).

    **Example:**

    ```python
    import brainjax as bj
    lif = bj.neurons.LIF(n=10)
    sol = bj.simulate(lif, t1=200.0, dt=0.1, inputs=400.0)  # 400 pA
    sol.mean_rates()  # Hz
    ```
    """
    if not isinstance(model, AbstractDynamics):
        raise TypeError(f"`model` must be a brainjax.AbstractDynamics, got {type(model)}.")
    t0, t1, dt = (_concrete_float(n, v) for n, v in (("t0", t0), ("t1", t1), ("dt", dt)))
    n_steps = _n_steps(t0, t1, dt)
    monitor = Monitor() if monitor is None else monitor
    if not isinstance(monitor, Monitor):
        raise ValueError(f"`monitor` must be a brainjax.Monitor, got {monitor!r}.")
    if n_steps % monitor.every:
        raise ValueError(
            f"the number of steps ({n_steps}) must be a multiple of `monitor.every` "
            f"({monitor.every})."
        )
    legacy = dict(solver=solver, stepsize_controller=stepsize_controller, max_steps=max_steps)
    legacy = {k: v for k, v in (legacy | {"checkpoint": checkpoint}).items() if v is not None}
    if legacy:
        integrator = _legacy_integrator(model, dt, integrator, legacy)
    integrator = _default_integrator(model, dt) if integrator is None else integrator
    if not isinstance(integrator, AbstractIntegrator):
        raise ValueError(
            f"`integrator` must be a brainjax.integrators.AbstractIntegrator, got {integrator!r}."
        )
    try:
        inputs = _inputs.normalise(inputs)
    except (TypeError, ValueError) as error:
        raise ValueError(f"`inputs`: {error}") from None
    integrator.check(model, inputs, dt)
    model = integrator.prepare(model, dt)
    init_key, noise_key, input_key = (None,) * 3 if key is None else jax.random.split(key, 3)
    if y0 is None:
        y0 = model.init(init_key)
    else:
        _check_y0(model, y0)
    monitor.check_memory(model, y0, n_steps)  # fail fast on size, before compiling
    args0 = _input_shapes(model, inputs, t0, dt)
    stochastic = jax.eval_shape(model.diffusion, t0, y0, args0) is not None
    if (stochastic or _inputs.is_stochastic(inputs)) and key is None:
        raise ValueError("`key` is required: the model has noise or a stochastic input.")
    keys = (noise_key if stochastic else None, input_key)
    problem = Problem(y0, inputs, (t0, dt, n_steps), keys, monitor, progress)
    return integrator.run(model, problem)


def _default_integrator(model: AbstractDynamics, dt: float) -> AbstractIntegrator:
    """The integrator for the model's abstract class (and its delays in steps of `dt`)."""
    if isinstance(model, AbstractSpiking):
        return HybridScan()
    if has_step_delays(model, dt):
        return DelayScan()
    return DiffeqSolve()


def _legacy_integrator(
    model: AbstractDynamics,
    dt: float,
    integrator: AbstractIntegrator | None,
    options: dict[str, Any],
) -> AbstractIntegrator:
    """The default integrator built with the deprecated keywords of `simulate`."""
    names = ", ".join(f"`{name}=`" for name in options)
    if integrator is not None:
        raise ValueError(f"pass the options {names} to the `integrator`, not to `simulate`.")
    kind = type(_default_integrator(model, dt))
    warnings.warn(
        f"`simulate({names})` is deprecated: pass "
        f"`integrator=bj.integrators.{kind.__name__}(...)` with these options.",
        DeprecationWarning,
        stacklevel=3,
    )
    honoured = {
        DiffeqSolve: ("solver", "stepsize_controller", "max_steps"),
        HybridScan: ("solver", "checkpoint"),
        DelayScan: ("solver",),
    }[kind]
    for name in options:
        if name not in honoured:
            raise ValueError(
                f"`{name}` is not available for {type(model).__name__}, which "
                f"{kind.__name__} integrates (it uses fixed steps); got {options[name]!r}."
            )
    return kind(**options)


def _concrete_float(name: str, value: Any) -> float:
    if isinstance(value, (str, bytes)):
        raise ValueError(f"`{name}` must be a number (ms), got the string {value!r}.")
    try:
        return float(value)
    except (TypeError, ValueError, jax.errors.ConcretizationTypeError):
        raise ValueError(
            f"`{name}` must be a concrete number (it fixes the time grid), got {value!r}."
        ) from None


def _input_shapes(model: AbstractDynamics, inputs: PyTree[Any], t0: float, dt: float) -> Any:
    """The shapes of the input at `t0` (as `args`), checked against the model before
    tracing (`model.check_inputs`)."""
    try:
        args0 = jax.eval_shape(
            lambda k: _inputs.evaluate(
                inputs, t0, dt=dt, key=k, state=_inputs.init_state(inputs, dt, k)
            ),
            jax.random.key(0),
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"`inputs` could not be evaluated at t0 = {t0!r} ms: {error}") from None
    model.check_inputs(args0)
    return args0


def _n_steps(t0: float, t1: float, dt: float) -> int:
    if not (np.isfinite(dt) and dt > 0):
        raise ValueError(f"`dt` must be positive, got {dt!r}.")
    if not (np.isfinite(t1) and np.isfinite(t0) and t1 > t0):
        raise ValueError(f"`t1` must be greater than `t0` ({t0!r}), got {t1!r}.")
    n_steps = int(round((t1 - t0) / dt))
    if n_steps < 1 or abs(n_steps * dt - (t1 - t0)) > 1e-6 * max(1.0, abs(t1 - t0)):
        raise ValueError(f"`t1 - t0` ({t1 - t0!r} ms) must be a multiple of `dt` ({dt!r} ms).")
    return n_steps


def _check_y0(model: AbstractDynamics, y0: State) -> None:
    expected = jax.eval_shape(model.init)
    got = jax.eval_shape(lambda: y0)
    same_tree = jax.tree.structure(expected) == jax.tree.structure(got)
    if not same_tree or any(
        e.shape != g.shape for e, g in zip(jax.tree.leaves(expected), jax.tree.leaves(got))
    ):
        shapes = lambda tree: jax.tree.map(lambda x: x.shape, tree)  # noqa: E731
        raise ValueError(
            f"`y0` does not match the model's state: expected shapes {shapes(expected)}, "
            f"got {shapes(got)}."
        )
