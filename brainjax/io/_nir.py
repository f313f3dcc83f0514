"""NIR (Neuromorphic Intermediate Representation) export and import of spiking networks.

Convention (see `docs/interop.md`): a NIR `CubaLIF` is a brainjax
[`brainjax.neurons.LIF`][] population whose incoming projections use
[`brainjax.synapses.Exponential`][] current synapses (`tau = tau_syn`); `Affine` /
`Linear` / `Scale` / `Delay` / `Flatten` chains between two neuron nodes are one dense
[`brainjax.Projection`][]; an `Input` is a [`brainjax.io.SpikeRelay`][]. NIR's time is
`ms_per_unit` ms; a spike is a unit-area Dirac pulse, so a spike through weight `W`
raises NIR's current `I` by `w_in W / tau_syn` (the brainjax synaptic jump, pA)."""

import warnings
from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import connect
from ..network import Dense, Network, Projection
from ..neurons import LIF
from ..synapses import CUBA, Exponential
from ._relay import SpikeRelay

_LINEAR = ("Affine", "Linear", "Scale", "Delay", "Flatten", "Identity", "_PassThrough")
_UNSUPPORTED = {
    "LIF": "a NIR LIF (or IF, I, LI, Threshold) feeds its input straight into the "
    "membrane (instantaneous synapses), which brainjax networks do not have; "
    "use CubaLIF with a short tau_syn",
    "Conv1d": "brainjax has no convolutional model family yet",
    "Conv2d": "brainjax has no convolutional model family yet",
    "SumPool2d": "brainjax has no pooling model family yet",
    "AvgPool2d": "brainjax has no pooling model family yet",
}
for _kind in ("IF", "I", "LI", "Threshold"):
    _UNSUPPORTED[_kind] = _UNSUPPORTED["LIF"]


def _nir() -> Any:
    try:
        import nir
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "brainjax.io's NIR support needs the `nir` package: pip install 'brainjax[nir]'."
        ) from None
    return nir


def _param(x: Any) -> Any:
    """A NIR per-neuron parameter as a python float when uniform, else a float32 array."""
    a = np.asarray(x, np.float64).reshape(-1)
    return float(a[0]) if a.size and np.all(a == a[0]) else jnp.asarray(a, jnp.float32)


def _full(x: Any, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(x, np.float64), (n,)).copy()


# --------------------------------------------------------------------------- export


def to_nir(model: Network, *, ms_per_unit: float = 1.0) -> Any:
    """Export a [`brainjax.Network`][] as a `nir.NIRGraph`.

    Each [`brainjax.io.SpikeRelay`][] population becomes an `Input` node, each
    [`brainjax.neurons.LIF`][] population a `CubaLIF` node (its incoming projections
    must share one [`brainjax.synapses.Exponential`][] CUBA synapse, whose `tau` is
    `tau_syn`), each dense projection an `Affine` node (zero bias; plus a `Delay` node
    when it has delays), and each population without outgoing projections feeds an
    `Output` node (`"output"`, or `"output_<name>"` when there are several). Node names
    are the population names and `"<pre>_to_<post>"`. Times are divided by
    `ms_per_unit`. The refractory period, surrogate and step `dt` do not carry across
    (a positive `t_ref` is dropped with a warning).

    **Example:**

    ```python
    graph = bj.io.to_nir(net)
    nir.write("net.nir", graph)
    ```
    """
    nir = _nir()
    if not isinstance(model, Network):
        raise ValueError(f"to_nir exports a brainjax.Network, got {type(model).__name__}.")
    k = float(ms_per_unit)
    nodes: dict[str, Any] = {}
    edges: list[tuple[str, str]] = []
    tau_syn: dict[str, np.ndarray] = {}
    for p in model.projections:
        where = f"projection {p.pre}->{p.post}"
        syn = p.synapse
        if not (isinstance(syn, Exponential) and isinstance(syn.output, CUBA)):
            raise ValueError(f"{where}: NIR's CubaLIF needs an Exponential CUBA synapse.")
        if p.stp is not None or p.plasticity is not None:
            raise ValueError(f"{where}: short-term or long-term plasticity has no NIR node.")
        n_post = p.n_post
        tau = _full(syn.tau, n_post)
        if p.post in tau_syn and not np.array_equal(tau_syn[p.post], tau):
            raise ValueError(f"{where}: projections onto {p.post!r} differ in tau.")
        tau_syn[p.post] = tau
        w = np.asarray(p.effective_weights(), np.float64)
        name = f"{p.pre}_to_{p.post}"
        nodes[name] = nir.Affine(weight=(w * tau[None, :] / k).T, bias=np.zeros(n_post))
        edges.append((p.pre, name))
        if p.has_delays:
            grid = np.full(w.shape, p.delay) if p.delays is None else np.asarray(p.delays)
            per_post = np.where(w != 0, grid, -np.inf).max(axis=0)
            if np.any((w != 0) & (grid != per_post[None, :])):
                raise ValueError(f"{where}: NIR delays must be the same for each target.")
            delays = np.where(np.isfinite(per_post), per_post, 0.0)
            nodes[name + "_delay"] = nir.Delay(delay=delays / k)
            edges.append((name, name + "_delay"))
            name += "_delay"
        edges.append((name, p.post))
    for name, pop in model.populations.items():
        if isinstance(pop, SpikeRelay):
            nodes[name] = nir.Input(input_type=np.array([pop.n]))
        elif isinstance(pop, LIF):
            if name not in tau_syn:
                raise ValueError(f"population {name!r} receives no projection: no tau_syn.")
            if np.any(np.asarray(pop.t_ref) > 0):
                warnings.warn(
                    f"population {name!r}: NIR has no refractory period; dropped.", stacklevel=2
                )
            n, tau_m = pop.n, _full(pop.tau_m, pop.n)
            nodes[name] = nir.CubaLIF(
                tau_syn=tau_syn[name] / k,
                tau_mem=tau_m / k,
                r=tau_m / _full(pop.c_m, n),
                v_leak=_full(pop.v_rest, n),
                v_threshold=_full(pop.v_th, n),
                v_reset=_full(pop.v_reset, n),
                w_in=np.ones(n),
            )
        else:
            raise ValueError(
                f"population {name!r}: {type(pop).__name__} has no NIR node "
                "(supported: LIF as CubaLIF, SpikeRelay as Input)."
            )
    sources = {p.pre for p in model.projections}
    sinks = [k for k, p in model.populations.items() if k not in sources]
    sinks = [k for k in sinks if not isinstance(model.populations[k], SpikeRelay)]
    for name in sinks:
        out = "output" if len(sinks) == 1 else f"output_{name}"
        nodes[out] = nir.Output(output_type=np.array([model.populations[name].n]))
        edges.append((name, out))
    return nir.NIRGraph(nodes=nodes, edges=edges)


# --------------------------------------------------------------------------- import


class _PassThrough:
    """The `Input` or `Output` node of an inlined graph: the signal passes unchanged."""


def _flatten(graph: Any, prefix: str = "") -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Nodes and edges with nested graphs inlined (`outer.inner` names)."""
    nir = _nir()
    nodes: dict[str, Any] = {}
    edges: list[tuple[str, str]] = []
    inner: dict[str, tuple[list[str], list[str]]] = {}
    for name, node in graph.nodes.items():
        if isinstance(node, nir.NIRGraph):
            sub_nodes, sub_edges = _flatten(node, f"{prefix}{name}.")
            nodes.update(sub_nodes)
            edges.extend(sub_edges)
            ins = [f"{prefix}{name}.{k}" for k, v in node.nodes.items() if isinstance(v, nir.Input)]
            outs = [
                f"{prefix}{name}.{k}" for k, v in node.nodes.items() if isinstance(v, nir.Output)
            ]
            inner[prefix + name] = (ins, outs)
        else:
            nodes[prefix + name] = node
    for src, dst in graph.edges:
        src, dst = prefix + src, prefix + dst
        for s in inner[src][1] if src in inner else [src]:
            for d in inner[dst][0] if dst in inner else [dst]:
                edges.append((s, d))
    # the inner Input/Output nodes of inlined graphs become pass-through nodes
    for ins, outs in inner.values():
        for name in ins + outs:
            nodes[name] = _PassThrough()
    return nodes, edges


def _size(node: Any) -> int:
    shape = next(iter(node.input_type.values()))
    return int(np.prod(shape))


def from_nir(graph: Any, *, ms_per_unit: float = 1.0) -> Network:
    """Import a `nir.NIRGraph` as a [`brainjax.Network`][].

    Supported nodes: `Input` (a [`brainjax.io.SpikeRelay`][] population of the node's
    name; drive it with [`brainjax.inputs.SpikeTrain`][]), `CubaLIF` (a
    [`brainjax.neurons.LIF`][] population of the node's name, `t_ref = 0`, `c_m =
    tau_mem / r`), `Output` (read `sol.spikes[name]` of the neuron node feeding it),
    and between two of them a chain of `Affine` (zero bias), `Linear`, `Scale`,
    `Flatten`, `Identity` and at most one `Delay`, which becomes one dense
    [`brainjax.Projection`][] with an [`brainjax.synapses.Exponential`][] synapse (`tau
    = tau_syn`, weights `w_in W / tau_syn`). Chains and recurrent populations (a chain
    from a population back to itself) are accepted; nested graphs are inlined. NIR's
    time is `ms_per_unit` ms (e.g. 1000.0 for a graph in seconds). Any other node
    raises `ValueError` naming it.

    **Example:**

    ```python
    net = bj.io.from_nir(nir.read("net.nir"))
    sol = bj.simulate(net, t1=100.0, dt=1.0, inputs={"input": bj.inputs.SpikeTrain(raster, dt=1.0)})
    ```
    """
    nir = _nir()
    if not isinstance(graph, nir.NIRGraph):
        raise ValueError(f"from_nir imports a nir.NIRGraph, got {type(graph).__name__}.")
    k = float(ms_per_unit)
    nodes, edges = _flatten(graph)
    for name, node in nodes.items():
        kind = type(node).__name__
        if kind in _UNSUPPORTED:
            raise ValueError(f"NIR node {name!r} ({kind}) is not supported: {_UNSUPPORTED[kind]}.")
        if kind not in _LINEAR + ("Input", "Output", "CubaLIF"):
            raise ValueError(f"NIR node {name!r} ({kind}) is not supported by brainjax.io.")
        if kind == "Affine" and np.any(np.asarray(node.bias) != 0):
            raise ValueError(
                f"NIR node {name!r} (Affine) has a nonzero bias; brainjax projections carry "
                "none (give the population a constant input current instead)."
            )
    succ: dict[str, list[str]] = {name: [] for name in nodes}
    pred: dict[str, list[str]] = {name: [] for name in nodes}
    for src, dst in edges:
        succ[src].append(dst)
        pred[dst].append(src)
    populations: dict[str, Any] = {}
    for name, node in nodes.items():
        if isinstance(node, nir.Input):
            populations[name] = SpikeRelay(n=_size(node))
        elif isinstance(node, nir.CubaLIF):
            tau = np.asarray(node.tau_mem, np.float64).reshape(-1) * k
            populations[name] = LIF(
                n=tau.size,
                tau_m=_param(tau),
                c_m=_param(tau / np.asarray(node.r, np.float64).reshape(-1)),
                v_rest=_param(node.v_leak),
                v_reset=_param(node.v_reset),
                v_th=_param(node.v_threshold),
                t_ref=0.0,
            )
    projections = []
    for pre in populations:
        for first in succ[pre]:
            post, matrix, delay = _follow(nodes, succ, pred, pre, first, populations[pre].n)
            if post is None:
                continue
            node = nodes[post]
            if not isinstance(node, nir.CubaLIF):
                raise ValueError(f"NIR node {post!r} ({type(node).__name__}) cannot receive input.")
            tau_syn = np.asarray(node.tau_syn, np.float64).reshape(-1)
            w_in = np.broadcast_to(np.asarray(node.w_in, np.float64).reshape(-1), tau_syn.shape)
            weights = matrix.T * (w_in / tau_syn)[None, :]
            synapse = Exponential(tau=_param(tau_syn * k))
            if delay is None:
                projections.append(Projection(pre, post, weights.astype(np.float32), synapse))
            else:
                grid: Any = np.broadcast_to(delay * k, weights.shape).astype(np.float32)
                rule = connect.FromMatrix(weights.astype(np.float32), delay=grid)
                projections.append(Projection(pre, post, rule, synapse, propagation=Dense()))
    return Network(populations, projections)


def _follow(nodes, succ, pred, pre: str, name: str, n_pre: int):
    """Walk the linear nodes from `pre` through `name` to the next neuron node: return
    `(post or None for an Output, (n_out, n_pre) matrix, delay per pre or post or None)`."""
    nir = _nir()
    matrix = np.eye(n_pre)
    delay = None
    path = [pre]
    while type(nodes[name]).__name__ in _LINEAR:
        node = nodes[name]
        if len(pred[name]) != 1 or len(succ[name]) != 1:
            raise ValueError(
                f"NIR node {name!r} joins or branches ({len(pred[name])} inputs, "
                f"{len(succ[name])} outputs); brainjax.io imports chains only."
            )
        per_target = delay is not None and delay.ndim == 2 and delay.shape[0] == 1
        if per_target and isinstance(node, (nir.Affine, nir.Linear)):
            raise ValueError(f"NIR node {name!r}: per-neuron delays must be next to the neurons.")
        if isinstance(node, (nir.Affine, nir.Linear)):
            matrix = np.asarray(node.weight, np.float64) @ matrix
        elif isinstance(node, nir.Scale):
            matrix = np.asarray(node.scale, np.float64).reshape(-1)[:, None] * matrix
        elif isinstance(node, nir.Delay):
            if delay is not None:
                raise ValueError(f"NIR node {name!r}: one Delay per chain ({path}).")
            d = np.asarray(node.delay, np.float64).reshape(-1)
            if np.all(d == d[0]):
                delay = np.asarray(d[0])
            elif np.array_equal(matrix, np.eye(n_pre)):
                delay = d[:, None]  # one per presynaptic neuron
            else:
                delay = d[None, :]  # one per target: no weights may follow
        path.append(name)
        name = succ[name][0]
    if isinstance(nodes[name], nir.Output):
        return None, matrix, delay
    if isinstance(nodes[name], nir.Input):
        raise ValueError(f"NIR node {name!r} (Input) has an incoming edge from {path[-1]!r}.")
    return name, matrix, delay
