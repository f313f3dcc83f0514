"""A stable description of a PyTree's structure for checkpoint headers: its arrays
(path, shape, dtype), its static fields and other non-array leaves (path, value), and
a sha256 hash of both, the same in every process."""

import dataclasses
import hashlib
import json
import types
from typing import Any

import equinox as eqx
import jax
import numpy as np
from jaxtyping import PyTree


def stable(value: Any) -> str:
    """A description of a static value that does not depend on the process (no memory
    addresses): numbers exactly, functions and classes by qualified name, arrays by
    shape, dtype and a hash of their bytes, modules by their fields."""
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return repr(value)
    if isinstance(value, (tuple, list)):
        inner = ", ".join(stable(v) for v in value)
        return f"{type(value).__name__}({inner})"
    if isinstance(value, dict):
        items = sorted((repr(k), stable(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, (np.ndarray, np.generic, jax.Array)):
        array = np.asarray(value)
        digest = hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()[:16]
        return f"array(shape={array.shape}, dtype={array.dtype}, sha256={digest})"
    if isinstance(value, type) or isinstance(value, types.FunctionType | types.BuiltinFunctionType):
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, eqx.Module):
        fields = ", ".join(
            f"{f.name}={stable(value.__dict__.get(f.name))}" for f in dataclasses.fields(value)
        )
        return f"{type(value).__qualname__}({fields})"
    if isinstance(value, np.dtype):
        return f"dtype({value})"
    text = repr(value)
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    return kind if " at 0x" in text else f"{kind}:{text}"


def _statics(tree: Any, path: str, out: list[list[str]]) -> None:
    """Append `[path, description]` for every static field of the modules in `tree`."""
    if isinstance(tree, eqx.Module):
        for field in dataclasses.fields(tree):
            value = tree.__dict__.get(field.name)
            if field.metadata.get("static", False):
                out.append([f"{path}.{field.name}", stable(value)])
            else:
                _statics(value, f"{path}.{field.name}", out)
    elif isinstance(tree, (tuple, list)):
        for i, value in enumerate(tree):
            _statics(value, f"{path}[{i}]", out)
    elif isinstance(tree, dict):
        for key in sorted(tree, key=repr):
            _statics(tree[key], f"{path}[{key!r}]", out)


def describe(tree: PyTree) -> dict[str, list[list[str]]]:
    """`{"leaves": [[path, shape, dtype], ...] (the arrays), "static": [[path, value],
    ...] (static fields and non-array leaves, e.g. functions)}` of `tree`."""
    leaves, statics = [], []
    for path, leaf in jax.tree_util.tree_flatten_with_path(tree)[0]:
        name = jax.tree_util.keystr(path)
        if eqx.is_array(leaf):
            leaves.append([name, str(np.shape(leaf)), str(leaf.dtype)])
        elif not isinstance(leaf, (bool, int, float, complex)):  # numbers are data
            statics.append([name, stable(leaf)])
    _statics(tree, "", statics)
    return {"leaves": leaves, "static": sorted(statics)}


def structure_hash(description: dict[str, Any]) -> str:
    """The sha256 of a `describe` result."""
    return hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()


def first_difference(saved: dict[str, Any], expected: dict[str, Any]) -> str:
    """What differs between two `describe` results (the first difference, in words)."""
    for index, (got, want) in enumerate(zip(saved["leaves"], expected["leaves"])):
        if got != want:
            return (
                f"leaf {index} is {got[0]} with shape {got[1]} and dtype {got[2]} in the "
                f"file, but {want[0]} with shape {want[1]} and dtype {want[2]} in the model"
            )
    if len(saved["leaves"]) != len(expected["leaves"]):
        return (
            f"the file holds {len(saved['leaves'])} arrays (model + optimiser state), the "
            f"model needs {len(expected['leaves'])}"
        )
    got_static, want_static = dict(map(tuple, saved["static"])), dict(expected["static"])
    for name in sorted(set(got_static) | set(want_static)):
        got, want = got_static.get(name, "absent"), want_static.get(name, "absent")
        if got != want:
            return f"the static field {name} is {got} in the file, but {want} in the model"
    return "the structure hash differs"
