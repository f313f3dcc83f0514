"""Checkpoints: model + optimiser state + step + loss history in one file.

Format 2: one JSON header line, then the leaves written by `eqx.tree_serialise_leaves`.
The header holds the format version, the brainjax version, the step and loss history,
a description of the model structure (path, shape and dtype of every array; the value
of every static field, e.g. a network's `dt` or delays) with its sha256 hash, the
length and sha256 checksum of the data, and a sha256 of the header itself. Loading
checks all of them, so a mismatched model, a truncated file or a flipped byte is
reported before anything is used. Writes are atomic: a temporary file in the same
directory, synced, then renamed over the target.
"""

import contextlib
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import equinox as eqx
import numpy as np
import optax
from jaxtyping import PyTree

from ._constraints import Fixed
from ._structure import describe, first_difference, structure_hash

_FORMAT = "brainjax-checkpoint-2"
_OLD_FORMATS = ("brainjax-checkpoint-1",)


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


def _version() -> str:
    from .. import __version__

    return __version__


def _digest(header: dict[str, Any]) -> str:
    body = {k: v for k, v in header.items() if k != "header_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def check_writable(path: str | Path) -> None:
    """Raise `ValueError` unless a checkpoint can be written at `path`: its directory
    exists and is writable, and `path` is not a directory."""
    path = Path(path)
    directory = path.parent
    if not directory.is_dir():
        raise ValueError(
            f"checkpoint `path` {str(path)!r}: the directory {str(directory)!r} does not "
            "exist; create it first (e.g. Path(path).parent.mkdir(parents=True))."
        )
    if path.is_dir():
        raise ValueError(f"checkpoint `path` {str(path)!r} is a directory, not a file name.")
    try:
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise ValueError(
            f"checkpoint `path` {str(path)!r}: cannot write in {str(directory)!r} ({error})."
        ) from None


def _write_bytes(f, data: bytes) -> None:
    f.write(data)


def _atomic_write(path: Path, parts: list[bytes]) -> None:
    """Write `parts` to a temporary file next to `path`, sync it, then rename it over
    `path`: a crash at any point leaves the previous file whole."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            for part in parts:
                _write_bytes(f, part)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError, AttributeError):  # make the rename durable (POSIX)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def save_checkpoint(path: str | Path, result: FitResult) -> None:
    """Write the model, optimiser state, step count and loss history of `result` (a
    [`brainjax.fit.FitResult`][]) to `path`, atomically (a crash during the write
    leaves the previous file at `path` intact). The file records the model's
    structure (including static fields) and a sha256 checksum of the data, which
    [`brainjax.fit.load_checkpoint`][] checks.

    **Example:**

    ```python
    result = bj.fit.fit(model, loss, optimizer=opt, steps=500)
    bj.fit.save_checkpoint("run.eqx", result)
    ```
    """
    path = Path(path)
    tree = (result.model, result.opt_state)
    buffer = io.BytesIO()
    eqx.tree_serialise_leaves(buffer, tree)
    data = buffer.getvalue()
    structure = describe(tree)
    header = {
        "format": _FORMAT,
        "brainjax": _version(),
        "model": type(result.model).__qualname__,
        "step": int(result.step),
        "history": [float(x) for x in np.asarray(result.history)],
        "structure": structure,
        "structure_sha256": structure_hash(structure),
        "data_bytes": len(data),
        "data_sha256": hashlib.sha256(data).hexdigest(),
    }
    header["header_sha256"] = _digest(header)
    _atomic_write(path, [(json.dumps(header) + "\n").encode(), data])


def _read_header(path: Path, raw: bytes) -> tuple[dict[str, Any], bytes]:
    name = repr(str(path))
    line, newline, data = raw.partition(b"\n")
    if not newline and line.startswith(b'{"format": "brainjax-checkpoint'):
        raise ValueError(f"checkpoint {name} is truncated: its header is incomplete.")
    try:
        header = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        header = None
    if not isinstance(header, dict) or not str(header.get("format", "")).startswith(
        "brainjax-checkpoint"
    ):
        raise ValueError(f"{name} is not a brainjax checkpoint.")
    if header["format"] in _OLD_FORMATS:
        raise ValueError(
            f"checkpoint {name} has the old format {header['format']!r}, which this "
            f"brainjax ({_version()}) no longer reads (it reads {_FORMAT!r}, which adds "
            "checksums and the model's static fields); train again to re-create it."
        )
    if header["format"] != _FORMAT:
        raise ValueError(
            f"checkpoint {name} has the format {header['format']!r}, written by brainjax "
            f"{header.get('brainjax')}; this brainjax ({_version()}) reads {_FORMAT!r}."
        )
    if header.get("header_sha256") != _digest(header):
        raise ValueError(f"checkpoint {name} is corrupted: its header checksum does not match.")
    return header, data


def load_checkpoint(
    path: str | Path,
    model: PyTree,
    *,
    optimizer: optax.GradientTransformation,
    filter_spec=eqx.is_inexact_array,
) -> FitResult:
    """Read a checkpoint written by [`brainjax.fit.save_checkpoint`][].

    `model` is a model of the same structure as the saved one (e.g. a freshly built
    one; its array values are ignored, its static fields must equal the saved ones),
    `optimizer` and `filter_spec` those used for training (they fix the structure of
    the optimiser state). Returns a [`brainjax.fit.FitResult`][]; continue training
    with `fit(r.model, ..., opt_state=r.opt_state, initial_step=r.step)`, which gives
    the same result as an uninterrupted run.

    Raises `ValueError` saying what differs when the checkpoint does not match
    `model` (class, array shapes or dtypes, static fields such as a network's `dt` or
    delays, trainable set or optimiser), and when the file is truncated or corrupted
    (its sha256 checksums do not match). Only the current format (2) is read:
    checkpoints of format 1 (brainjax before checksums) raise a `ValueError` saying so.

    **Example:**

    ```python
    r = bj.fit.load_checkpoint("run.eqx", model, optimizer=opt)
    r = bj.fit.fit(r.model, loss, optimizer=opt, steps=500, opt_state=r.opt_state,
                   initial_step=r.step)
    ```
    """
    path = Path(path)
    name = repr(str(path))
    params, _ = split(model, filter_spec)
    like = (model, optimizer.init(params))
    header, data = _read_header(path, path.read_bytes())
    if header["model"] != type(model).__qualname__:
        raise ValueError(
            f"checkpoint {name} holds a {header['model']}, not a {type(model).__qualname__}."
        )
    if len(data) != header["data_bytes"]:
        state = "truncated" if len(data) < header["data_bytes"] else "corrupted"
        raise ValueError(
            f"checkpoint {name} is {state}: it holds {len(data)} bytes of data, its header "
            f"says {header['data_bytes']} (an interrupted copy or write?)."
        )
    if hashlib.sha256(data).hexdigest() != header["data_sha256"]:
        raise ValueError(
            f"checkpoint {name} is corrupted: the sha256 checksum of its data does not "
            "match the one in its header."
        )
    expected = describe(like)
    if header["structure_sha256"] != structure_hash(expected):
        raise ValueError(
            f"checkpoint {name} does not match the model: "
            f"{first_difference(header['structure'], expected)}."
        )
    model, opt_state = eqx.tree_deserialise_leaves(io.BytesIO(data), like)
    return FitResult(
        model=model,
        opt_state=opt_state,
        history=np.asarray(header["history"], dtype=float),
        step=int(header["step"]),
    )
