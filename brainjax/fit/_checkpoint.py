"""Checkpoints: model + optimiser state + step + loss history in one file.

Format: one JSON header line (format version, step, history, and the path, shape and
dtype of every leaf), followed by the leaves written by `eqx.tree_serialise_leaves`.
The header lets a mismatched model be reported by name before anything is read.
"""

import json
from pathlib import Path
from typing import Any

import equinox as eqx
import jax
import numpy as np
import optax
from jaxtyping import PyTree

from ._constraints import Fixed

_FORMAT = "brainjax-checkpoint-1"


class FitResult(eqx.Module):
    """What [`brainjax.fit.fit`][] returns.

    - `model`: the trained model (constraint wrappers kept: use
      [`brainjax.fit.unwrap`][] to get plain values).
    - `opt_state`: the final optimiser state (to continue training).
    - `history`: the loss of every step of this call (NumPy array).
    - `step`: the step counter after training (`initial_step` + steps taken).
    """

    model: Any
    opt_state: Any
    history: np.ndarray
    step: int = eqx.field(static=True)


def _is_fixed(x) -> bool:
    return isinstance(x, Fixed)


def split(model: PyTree, filter_spec) -> tuple[PyTree, PyTree]:
    """`(trainable, frozen)` parts of `model` as `eqx.partition` makes them, with the
    leaves inside [`brainjax.fit.Fixed`][] wrappers always frozen."""
    try:
        params, static = eqx.partition(model, filter_spec)
    except ValueError as error:
        raise ValueError(
            "`filter_spec` must be a function of a leaf (e.g. eqx.is_inexact_array) or a "
            f"PyTree of bools matching the model: {error}"
        ) from None
    frozen, params = eqx.partition(params, _is_fixed, is_leaf=_is_fixed)
    return params, eqx.combine(static, frozen)


def _describe(tree: PyTree) -> list[list[str]]:
    leaves = jax.tree_util.tree_flatten_with_path(tree)[0]
    return [
        [jax.tree_util.keystr(path), str(np.shape(leaf)), str(leaf.dtype)]
        for path, leaf in leaves
        if eqx.is_array(leaf)
    ]


def save_checkpoint(path: str | Path, result: FitResult) -> None:
    """Write the model, optimiser state, step count and loss history of `result` (a
    [`brainjax.fit.FitResult`][]) to `path`.

    **Example:**

    ```python
    result = bj.fit.fit(model, loss, optimizer=opt, steps=500)
    bj.fit.save_checkpoint("run.eqx", result)
    ```
    """
    tree = (result.model, result.opt_state)
    header = {
        "format": _FORMAT,
        "model": type(result.model).__qualname__,
        "step": int(result.step),
        "history": [float(x) for x in np.asarray(result.history)],
        "leaves": _describe(tree),
    }
    with open(path, "wb") as f:
        f.write((json.dumps(header) + "\n").encode())
        eqx.tree_serialise_leaves(f, tree)


def load_checkpoint(
    path: str | Path,
    model: PyTree,
    *,
    optimizer: optax.GradientTransformation,
    filter_spec=eqx.is_inexact_array,
) -> FitResult:
    """Read a checkpoint written by [`brainjax.fit.save_checkpoint`][].

    `model` is a model of the same structure as the saved one (e.g. a freshly built
    one; its values are ignored), `optimizer` and `filter_spec` those used for
    training (they fix the structure of the optimiser state). Returns a
    [`brainjax.fit.FitResult`][]; continue training with
    `fit(r.model, ..., opt_state=r.opt_state, initial_step=r.step)`, which gives the
    same result as an uninterrupted run.

    Raises `ValueError` naming the first differing leaf when the checkpoint does not
    match `model` (different class, shapes, dtypes, trainable set or optimiser).

    **Example:**

    ```python
    r = bj.fit.load_checkpoint("run.eqx", model, optimizer=opt)
    r = bj.fit.fit(r.model, loss, optimizer=opt, steps=500, opt_state=r.opt_state,
                   initial_step=r.step)
    ```
    """
    params, _ = split(model, filter_spec)
    like = (model, optimizer.init(params))
    with open(path, "rb") as f:
        try:
            header = json.loads(f.readline())
        except (json.JSONDecodeError, UnicodeDecodeError):
            header = None
        if not isinstance(header, dict) or header.get("format") != _FORMAT:
            raise ValueError(f"{str(path)!r} is not a brainjax checkpoint.")
        if header["model"] != type(model).__qualname__:
            raise ValueError(
                f"checkpoint {str(path)!r} holds a {header['model']}, not a "
                f"{type(model).__qualname__}."
            )
        expected = _describe(like)
        saved = header["leaves"]
        for index, (got, want) in enumerate(zip(saved, expected)):
            if got != want:
                raise ValueError(
                    f"checkpoint {str(path)!r} does not match the model: leaf {index} is "
                    f"{got[0]} with shape {got[1]} and dtype {got[2]} in the file, but "
                    f"{want[0]} with shape {want[1]} and dtype {want[2]} in the model."
                )
        if len(saved) != len(expected):
            raise ValueError(
                f"checkpoint {str(path)!r} does not match the model: the file holds "
                f"{len(saved)} arrays (model + optimiser state), the model needs "
                f"{len(expected)}."
            )
        model, opt_state = eqx.tree_deserialise_leaves(f, like)
    return FitResult(
        model=model,
        opt_state=opt_state,
        history=np.asarray(header["history"], dtype=float),
        step=int(header["step"]),
    )
