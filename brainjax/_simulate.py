"""`simulate`: the one entry point that integrates every brainjax model."""

from collections.abc import Callable
from typing import Any

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import lineax as lx
import numpy as np
from jax.flatten_util import ravel_pytree
from jaxtyping import Array, Bool, Float, Int, PRNGKeyArray, PyTree

from . import inputs as _inputs
from ._delays import AbstractDelayed, DelayedArgs
from ._dynamics import AbstractDynamics, AbstractSpiking, State
from ._network import Network
from ._validate import check_count


class Monitor(eqx.Module):
    """What [`brainjax.simulate`][] records.

    **Arguments:**

    - `every`: record the state every `every` steps (the number of steps must be a
      multiple of it).
    - `select`: a function `state -> PyTree` picking what to keep (e.g.
      `lambda y: y.v`); `None` keeps the whole state.
    - `spikes`: keep the spikes of a spiking model densely, one `(n,)` array per step
      (memory ~ steps x neurons: for small or short runs).

    Bounded-memory spike records, for large or long runs (use with `spikes=False`):

    - `events`: keep up to `events` spikes per population compressed, as `(step,
      neuron)` pairs (8 bytes per spike); later spikes are counted but not stored.
      Read them with `Solution.raster()`.
    - `rates`: keep the number of spikes of each population per step (4 bytes per
      step), for `Solution.population_rate()`.
    - `spike_counts`: keep each neuron's total spike count (4 bytes per neuron), for
      `Solution.mean_rates()`.

    **Example:** `bj.Monitor(every=100, select=lambda y: y.neurons["E"].v, spikes=False,
    events=200_000, rates=True)`.
    """

    every: int = eqx.field(default=1, static=True)
    select: Callable[[State], PyTree] | None = eqx.field(default=None, static=True)
    spikes: bool = eqx.field(default=True, static=True)
    events: int | None = eqx.field(default=None, static=True)
    rates: bool = eqx.field(default=False, static=True)
    spike_counts: bool = eqx.field(default=False, static=True)

    def __check_init__(self):
        check_count("every", self.every)
        if self.events is not None:
            check_count("events", self.events)

    def pick(self, y: State) -> PyTree:
        return y if self.select is None else self.select(y)

    def init_watch(self, spikes: PyTree[jax.ShapeDtypeStruct]) -> PyTree:
        """The running spike record (carried through the scan)."""
        flat = lambda s: int(np.prod(s.shape))  # noqa: E731
        counts = None
        if self.spike_counts:
            counts = jax.tree.map(lambda s: jnp.zeros(s.shape, jnp.float32), spikes)
        events = None
        if self.events is not None:
            events = jax.tree.map(
                lambda s: SpikeEvents(
                    steps=jnp.zeros(self.events, jnp.int32),
                    neurons=jnp.zeros(self.events, jnp.int32),
                    count=jnp.zeros((), jnp.int32),
                    size=flat(s),
                ),
                spikes,
            )
        return counts, events

    def watch(self, watch: PyTree, spikes: PyTree[Array], i) -> tuple[PyTree, PyTree]:
        """Update the running record with the spikes of step `i`; return it and what
        is kept for this step (dense spikes, population counts)."""
        counts, events = watch
        fired = jax.tree.map(lambda s: jax.lax.stop_gradient(s) != 0, spikes)
        if counts is not None:
            counts = jax.tree.map(lambda c, s: c + jax.lax.stop_gradient(s), counts, spikes)
        if events is not None:
            events = jax.tree.map(
                lambda e, f: e.add(f.reshape(-1), i),
                events,
                fired,
                is_leaf=lambda x: isinstance(x, SpikeEvents),
            )
        per_step = (
            spikes if self.spikes else None,
            jax.tree.map(lambda f: f.sum(dtype=jnp.int32), fired) if self.rates else None,
        )
        return (counts, events), per_step


class SpikeEvents(eqx.Module):
    """Compressed spikes of one population: the `count` first spikes of a run as
    `(steps[k], neurons[k])` pairs (`k < min(count, capacity)`), in time order. Spike
    `k` happened in step `steps[k]`, i.e. at `t0 + (steps[k] + 1) * dt`."""

    steps: Int[Array, " capacity"]
    neurons: Int[Array, " capacity"]
    count: Int[Array, ""]
    size: int = eqx.field(static=True)

    def add(self, fired: Bool[Array, " n"], i) -> "SpikeEvents":
        capacity = self.steps.shape[0]
        slot = self.count + jnp.cumsum(fired) - 1
        slot = jnp.where(fired & (slot < capacity), slot, capacity)  # capacity: dropped
        return SpikeEvents(
            steps=self.steps.at[slot].set(i, mode="drop"),
            neurons=self.neurons.at[slot].set(jnp.arange(fired.shape[0]), mode="drop"),
            count=self.count + fired.sum(dtype=jnp.int32),
            size=self.size,
        )


class Solution(eqx.Module):
    """The result of [`brainjax.simulate`][].

    - `ts`: recording times (ms), `t0, t0 + every*dt, ..., t1`.
    - `ys`: the monitored variables at `ts` (leading axis = time).
    - `spikes`: for spiking models with `Monitor(spikes=True)`, the spikes of every
      step (leading axis = step, step `i` covers `(t0 + i*dt, t0 + (i+1)*dt]`), as
      0./1. floats; else `None`.
    - `final`: the full state at `t1`, to continue a simulation with `y0=sol.final`.
    - `dt`: the step (ms).
    - `events`, `population_counts`, `spike_counts`: the bounded-memory records of
      [`brainjax.Monitor`][] (`events`: [`brainjax.SpikeEvents`][] per population;
      `population_counts`: spikes per step, shape `(steps,)`; `spike_counts`: spikes
      per neuron), or `None` when not asked for.
    """

    ts: Float[Array, " times"]
    ys: PyTree[Array]
    spikes: PyTree[Float[Array, "steps ..."]] | None
    final: State
    dt: float = eqx.field(static=True)
    events: PyTree[SpikeEvents] | None = None
    population_counts: PyTree[Int[Array, " steps"]] | None = None
    spike_counts: PyTree[Int[Array, "..."]] | None = None

    def population_rate(self) -> PyTree[Float[Array, " steps"]]:
        """Instantaneous population rate (Hz) of each spiking population, per step."""
        if self.population_counts is not None:
            size = lambda s: int(np.prod(s.shape))  # noqa: E731
            sizes = jax.tree.map(size, self.final_spike_shapes())
            return jax.tree.map(
                lambda c, n: c / n * 1000.0 / self.dt, self.population_counts, sizes
            )
        return jax.tree.map(
            lambda s: s.reshape(s.shape[0], -1).mean(axis=1) * 1000.0 / self.dt,
            self._require_spikes(),
        )

    def mean_rates(self) -> PyTree[Float[Array, "..."]]:
        """Mean firing rate (Hz) of every neuron over the whole run."""
        if self.spike_counts is not None:
            duration = float(self.ts[-1] - self.ts[0])
            return jax.tree.map(lambda c: c * 1000.0 / duration, self.spike_counts)
        return jax.tree.map(lambda s: s.mean(axis=0) * 1000.0 / self.dt, self._require_spikes())

    def raster(self, spikes: Array | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Spike times (ms) and neuron indices as NumPy arrays, for plotting.

        `spikes` defaults to the recorded spikes of the (single) population: the dense
        `self.spikes` or, with `Monitor(events=...)`, the compressed `self.events`
        (pass `sol.spikes[name]` or `sol.events[name]` for one population of a
        network)."""
        if spikes is None:
            spikes = self.events if self.spikes is None and self.events is not None else None
            spikes = self._require_spikes() if spikes is None else spikes
        if isinstance(spikes, SpikeEvents):
            kept = min(int(spikes.count), spikes.steps.shape[0])
            steps, neurons = np.asarray(spikes.steps[:kept]), np.asarray(spikes.neurons[:kept])
        elif isinstance(spikes, (jax.Array, np.ndarray)):
            steps, neurons = np.nonzero(np.asarray(spikes).reshape(spikes.shape[0], -1))
        else:
            raise ValueError(
                "`raster()` needs one population: pass `spikes=sol.spikes[name]` "
                "or `sol.events[name]`."
            )
        return float(self.ts[0]) + (steps + 1) * self.dt, neurons

    def final_spike_shapes(self) -> PyTree:
        """Shapes of the recorded spike arrays of one step (from the spike counts or
        the compressed events)."""
        if self.spike_counts is not None:
            return self.spike_counts
        if self.events is not None:
            return jax.tree.map(
                lambda e: jax.ShapeDtypeStruct((e.size,), jnp.int32),
                self.events,
                is_leaf=lambda x: isinstance(x, SpikeEvents),
            )
        raise ValueError("population rates from counts need `spike_counts` or `events`.")

    def _require_spikes(self):
        if self.spikes is None:
            raise ValueError(
                "this solution holds no spikes (not a spiking model, or `Monitor(spikes=False)`)."
            )
        return self.spikes


def _concrete_float(name: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, jax.errors.ConcretizationTypeError):
        raise ValueError(
            f"`{name}` must be a concrete number (it fixes the time grid), got {value!r}."
        ) from None


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


def simulate(
    model: AbstractDynamics,
    t1: float,
    dt: float,
    *,
    t0: float = 0.0,
    y0: State | None = None,
    key: PRNGKeyArray | None = None,
    inputs: PyTree[Any] = None,
    solver: diffrax.AbstractSolver | None = None,
    monitor: Monitor | None = None,
    stepsize_controller: diffrax.AbstractStepSizeController | None = None,
    max_steps: int | None = None,
    progress: bool = False,
    checkpoint: bool = False,
) -> Solution:
    """Integrate `model` from `t0` to `t1` (ms).

    **Arguments:**

    - `model`: an [`brainjax.AbstractDynamics`][] (ODE/SDE path) or
      [`brainjax.AbstractSpiking`][] (fixed-step hybrid path).
    - `t1`, `dt`, `t0`: end time, step and start time in ms; `t1 - t0` must be a
      multiple of `dt`. With an adaptive `stepsize_controller`, `dt` is the initial
      step and the recording grid.
    - `y0`: the initial state; defaults to `model.init(key)`.
    - `key`: PRNG key, required when the model has a `diffusion` or an input is
      stochastic. The same key gives bit-identical results.
    - `inputs`: external input passed to the model as `args` (see
      [`brainjax.inputs`][]): a number/array, a function of `t`, an `AbstractInput`,
      or a PyTree of these.
    - `solver`: a Diffrax solver. Default: `diffrax.Euler()` for spiking models,
      `diffrax.Heun()` otherwise.
    - `monitor`: a [`brainjax.Monitor`][] (what to record, how often).
    - `stepsize_controller`: ODE/SDE path only, e.g. `diffrax.PIDController(1e-6,
      1e-6)`; default constant steps of `dt`.
    - `max_steps`: ODE/SDE path step budget (default: enough for constant steps).
    - `progress`: show a tqdm progress bar.
    - `checkpoint`: spiking path only: memory-bounded backpropagation through time.
      Each chunk of `monitor.every` steps is wrapped in `jax.checkpoint`, so
      `jax.grad` stores one state per chunk and recomputes the steps inside a chunk
      during the backward pass: memory ~ `n_steps / every + every` states instead of
      `n_steps`, for about one extra forward pass of compute (best near
      `every ~ sqrt(n_steps)`). Results and gradients are unchanged.

    **How it integrates:**

    - Non-spiking models: `diffrax.diffeqsolve`; with a `diffusion`, the Ito SDE
      `dy = f dt + g dW` driven by a `diffrax.VirtualBrownianTree`.
    - Spiking models: a `jax.lax.scan` of fixed steps: the solver's `step` for the
      continuous flow (inputs held constant over the step), then `model.spike`,
      then `model.reset`. Spikes pass surrogate gradients, so `jax.grad` through this
      scan is backpropagation through time.

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
    if not (np.isfinite(dt) and dt > 0):
        raise ValueError(f"`dt` must be positive, got {dt!r}.")
    if not (np.isfinite(t1) and np.isfinite(t0) and t1 > t0):
        raise ValueError(f"`t1` must be greater than `t0` ({t0!r}), got {t1!r}.")
    n_steps = int(round((t1 - t0) / dt))
    if n_steps < 1 or abs(n_steps * dt - (t1 - t0)) > 1e-6 * max(1.0, abs(t1 - t0)):
        raise ValueError(f"`t1 - t0` ({t1 - t0!r} ms) must be a multiple of `dt` ({dt!r} ms).")
    monitor = Monitor() if monitor is None else monitor
    if not isinstance(monitor, Monitor):
        raise ValueError(f"`monitor` must be a brainjax.Monitor, got {monitor!r}.")
    if n_steps % monitor.every:
        raise ValueError(
            f"the number of steps ({n_steps}) must be a multiple of `monitor.every` "
            f"({monitor.every})."
        )
    spiking = isinstance(model, AbstractSpiking)
    if isinstance(model, Network) and model.dt is not None and not np.isclose(model.dt, dt):
        raise ValueError(
            f"`dt` ({dt!r} ms) must equal the `dt` the Network was built with "
            f"({model.dt!r} ms): its delays are counted in steps."
        )
    if solver is None:
        solver = diffrax.Euler() if spiking else diffrax.Heun()
    if not isinstance(solver, diffrax.AbstractSolver):
        raise ValueError(f"`solver` must be a diffrax.AbstractSolver, got {solver!r}.")
    if spiking and stepsize_controller is not None:
        raise ValueError(
            "`stepsize_controller` is not available for spiking models, "
            f"which use fixed steps; got {stepsize_controller!r}."
        )
    inputs = _inputs.normalise(inputs)
    if not spiking and _inputs.is_stochastic(inputs):
        raise ValueError(
            "stochastic inputs (e.g. PoissonSpikes) need the fixed-step "
            "path of a spiking model; use a model `diffusion` for noise."
        )
    if key is None:
        init_key = noise_key = input_key = None
    else:
        init_key, noise_key, input_key = jax.random.split(key, 3)
    if y0 is None:
        y0 = model.init(init_key)
    else:
        _check_y0(model, y0)
    args0 = jax.eval_shape(
        lambda k: _inputs.evaluate(
            inputs, t0, dt=dt, key=k, state=_inputs.init_state(inputs, dt, k)
        ),
        jax.random.key(0),
    )
    stochastic = jax.eval_shape(model.diffusion, t0, y0, args0) is not None
    if (stochastic or _inputs.is_stochastic(inputs)) and key is None:
        raise ValueError("`key` is required: the model has noise or a stochastic input.")
    grid = (t0, dt, n_steps)
    if spiking:
        return _scan(
            model,
            y0,
            inputs,
            solver,
            monitor,
            grid,
            noise_key if stochastic else None,
            input_key,
            progress,
            checkpoint,
        )
    if isinstance(model, AbstractDelayed) and np.rint(np.max(model.delays) / dt) > 0:
        if stepsize_controller is not None:
            raise ValueError(
                "`stepsize_controller` is not available for models with delays, "
                f"which use fixed steps; got {stepsize_controller!r}."
            )
        key_ = noise_key if stochastic else None
        return _delayed_scan(model, y0, inputs, solver, monitor, grid, key_, progress)
    if stepsize_controller is None:
        # Step exactly onto the grid t0 + k dt. With ConstantStepSize the accumulated step
        # times drift from the recording times by round-off, and a recording that falls a
        # hair inside the next step gets a wrong gradient through the interpolation.
        controller = diffrax.StepTo(ts=t0 + dt * np.arange(n_steps + 1))
        max_steps = n_steps + 1 if max_steps is None else max_steps
    else:
        controller = stepsize_controller
        max_steps = max(4096, 16 * n_steps) if max_steps is None else max_steps
    return _diffeqsolve(
        model,
        y0,
        inputs,
        solver,
        monitor,
        grid,
        noise_key if stochastic else None,
        controller,
        max_steps,
        progress,
    )


def _ravel(tree: PyTree) -> Array:
    return ravel_pytree(tree)[0]


def _terms(model, inputs, unravel, noise_key, brownian):
    """Diffrax terms in flat coordinates (noise) or in the model's own PyTree."""

    def drift(t, y, args):
        if args is None:  # ODE path: the inputs are evaluated at every stage time
            args = _inputs.evaluate(inputs, t)
        if unravel is None:
            return model.vector_field(t, y, args)
        return _ravel(model.vector_field(t, unravel(y), args))

    if noise_key is None:
        return diffrax.ODETerm(drift)

    def diffusion(t, y, args):
        if args is None:
            args = _inputs.evaluate(inputs, t)
        state = unravel(y)
        g = model.diffusion(t, state, args)
        g = jax.tree.map(lambda g_, y_: jnp.broadcast_to(g_, y_.shape), g, state)
        return lx.DiagonalLinearOperator(_ravel(g))

    return diffrax.MultiTerm(diffrax.ODETerm(drift), diffrax.ControlTerm(diffusion, brownian))


def _setup_terms(model, y0, inputs, noise_key, make_brownian):
    """`(y_start, as_state, terms)`: the Diffrax terms in the model's own PyTree, or, with
    noise, in flat coordinates (`as_state` maps the solver's state back to the model's)."""
    if noise_key is None:
        return y0, (lambda y: y), _terms(model, inputs, None, None, None)
    y_start, unravel = ravel_pytree(y0)
    brownian = make_brownian(y_start.shape)
    return y_start, unravel, _terms(model, inputs, unravel, noise_key, brownian)


def _unsafe_brownian(noise_key):
    """Fixed-step Brownian increments (cheap; valid for the scans' constant steps)."""
    return lambda shape: diffrax.UnsafeBrownianPath(shape=shape, key=noise_key)


def _record_times(monitor, grid):
    t0, dt, n_steps = grid
    return t0 + dt * monitor.every * jnp.arange(n_steps // monitor.every + 1)


def _with_final(records, final, monitor):
    """Append the monitored final state to the records taken at the start of each chunk."""
    return jax.tree.map(lambda r, f: jnp.concatenate([r, f[None]]), records, monitor.pick(final))


@eqx.filter_jit
def _diffeqsolve(
    model, y0, inputs, solver, monitor, grid, noise_key, controller, max_steps, progress
):
    t0, dt, n_steps = grid
    t1 = t0 + dt * n_steps
    ts = _record_times(monitor, grid)
    y_start, as_state, terms = _setup_terms(
        model,
        y0,
        inputs,
        noise_key,
        lambda shape: diffrax.VirtualBrownianTree(t0, t1, tol=dt / 2, shape=shape, key=noise_key),
    )
    saveat = diffrax.SaveAt(
        subs=[
            diffrax.SubSaveAt(ts=ts, fn=lambda t, y, args: monitor.pick(as_state(y))),
            diffrax.SubSaveAt(t1=True, fn=lambda t, y, args: as_state(y)),
        ]
    )
    sol = diffrax.diffeqsolve(
        terms,
        solver,
        t0,
        t1,
        None if isinstance(controller, diffrax.StepTo) else dt,
        y_start,
        None,
        saveat=saveat,
        stepsize_controller=controller,
        max_steps=max_steps,
        progress_meter=diffrax.TqdmProgressMeter() if progress else diffrax.NoProgressMeter(),
    )
    ys, final = sol.ys
    return Solution(ts=ts, ys=ys, spikes=None, final=jax.tree.map(lambda x: x[0], final), dt=dt)


@eqx.filter_jit
def _scan(model, y0, inputs, solver, monitor, grid, noise_key, input_key, progress, checkpoint):
    t0, dt, n_steps = grid
    y_start, as_state, terms = _setup_terms(
        model, y0, inputs, noise_key, _unsafe_brownian(noise_key)
    )
    as_flat = (lambda y: y) if noise_key is None else _ravel
    stochastic_inputs = _inputs.is_stochastic(inputs)
    meter = diffrax.TqdmProgressMeter(max(1, n_steps // 50)) if progress else None

    def input_key_at(i):
        return jax.random.fold_in(input_key, i) if stochastic_inputs else None

    # Stateful inputs (OU noise) carry their state in the scan; the step index n_steps
    # is never used by a step, so its key seeds their initial state.
    input_state = _inputs.init_state(inputs, dt, input_key_at(n_steps))

    def args_at(i, t, input_state):
        return _inputs.evaluate(inputs, t, dt=dt, key=input_key_at(i), state=input_state)

    solver_state = solver.init(terms, t0, t0 + dt, y_start, args_at(0, t0, input_state))

    def step(carry, i):
        y, solver_state, meter_state, input_state = carry
        t = t0 + i * dt
        y, _, _, solver_state, _ = solver.step(
            terms, t, t + dt, y, args_at(i, t, input_state), solver_state, made_jump=True
        )
        input_state = _inputs.advance(inputs, input_state, t, dt=dt, key=input_key_at(i))
        state = as_state(y)
        spikes = model.spike(state)
        y = as_flat(model.reset(state, spikes))
        if meter is not None:
            meter_state = meter.step(meter_state, (i + 1) / n_steps)
        carry = (y, solver_state, meter_state, input_state)
        return carry, spikes

    def watched_step(carry_watch, i):
        carry, watch = carry_watch
        carry, spikes = step(carry, i)
        watch, per_step = monitor.watch(watch, spikes, i)
        return (carry, watch), per_step

    def chunk(carry_watch, chunk_index):
        record = monitor.pick(as_state(carry_watch[0][0]))
        steps = chunk_index * monitor.every + jnp.arange(monitor.every)
        carry_watch, per_step = jax.lax.scan(watched_step, carry_watch, steps)
        return carry_watch, (record, per_step)

    if checkpoint:
        chunk = jax.checkpoint(chunk)
    meter_state = None if meter is None else meter.init()
    carry = (y_start, solver_state, meter_state, input_state)
    watch = monitor.init_watch(jax.eval_shape(model.spike, y0))
    (carry, (counts, events)), (records, (spikes, rates)) = jax.lax.scan(
        chunk, (carry, watch), jnp.arange(n_steps // monitor.every)
    )
    if meter is not None:
        meter.close(carry[2])
    final = as_state(carry[0])
    per_step = lambda tree: jax.tree.map(lambda s: s.reshape((n_steps,) + s.shape[2:]), tree)  # noqa: E731
    return Solution(
        ts=_record_times(monitor, grid),
        ys=_with_final(records, final, monitor),
        spikes=per_step(spikes),
        final=final,
        dt=dt,
        events=events,
        population_counts=per_step(rates),
        spike_counts=counts,
    )


@eqx.filter_jit
def _delayed_scan(model, y0, inputs, solver, monitor, grid, noise_key, progress):
    """Fixed steps with a ring buffer of past outputs (see `AbstractDelayed`)."""
    t0, dt, n_steps = grid
    lags = np.rint(np.asarray(model.delays, dtype=float) / dt).astype(np.int32)
    depth = int(lags.max()) + 1
    n = lags.shape[1]
    # The buffer holds every output twice (rows p and p + depth, p = step % depth), so
    # the outputs of the last `depth` steps sit at rows p+1 .. p+depth without wrap-around:
    # past[i, j] is at flat index (p + depth - lags[i, j]) * n + j.
    base = jnp.asarray((depth - lags) * n + np.arange(n), dtype=jnp.int32)
    y_start, as_state, terms = _setup_terms(
        model, y0, inputs, noise_key, _unsafe_brownian(noise_key)
    )
    meter = diffrax.TqdmProgressMeter(max(1, n_steps // 50)) if progress else None
    out0 = model.output(y0)
    history = jnp.tile(out0, 2 * depth)

    def args_at(t, past):
        return DelayedArgs(input=_inputs.evaluate(inputs, t, dt=dt), past=past)

    solver_state = solver.init(terms, t0, t0 + dt, y_start, args_at(t0, jnp.zeros((n, n))))

    def step(carry, i):
        y, history, solver_state, meter_state = carry
        t = t0 + i * dt
        p = i % depth
        out = model.output(as_state(y))
        history = jax.lax.dynamic_update_slice(history, out, (p * n,))
        history = jax.lax.dynamic_update_slice(history, out, ((p + depth) * n,))
        past = history[base + p * n]
        y, _, _, solver_state, _ = solver.step(
            terms, t, t + dt, y, args_at(t, past), solver_state, made_jump=False
        )
        if meter is not None:
            meter_state = meter.step(meter_state, (i + 1) / n_steps)
        return (y, history, solver_state, meter_state), None

    @jax.checkpoint  # gradients store one carry per record, not one per step
    def chunk(carry, chunk_index):
        record = monitor.pick(as_state(carry[0]))
        steps = chunk_index * monitor.every + jnp.arange(monitor.every)
        carry, _ = jax.lax.scan(step, carry, steps)
        return carry, record

    meter_state = None if meter is None else meter.init()
    carry = (y_start, history, solver_state, meter_state)
    carry, records = jax.lax.scan(chunk, carry, jnp.arange(n_steps // monitor.every))
    if meter is not None:
        meter.close(carry[3])
    final = as_state(carry[0])
    return Solution(
        ts=_record_times(monitor, grid),
        ys=_with_final(records, final, monitor),
        spikes=None,
        final=final,
        dt=dt,
    )
