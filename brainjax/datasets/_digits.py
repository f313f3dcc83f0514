import gzip
from importlib.resources import files

import numpy as np

_TEST_FRACTION = 0.25


def load_digits(split: str = "all") -> tuple[np.ndarray, np.ndarray]:
    """The UCI optical handwritten digits (8x8), bundled with brainjax.

    Returns `(images, labels)`: `images` float32 of shape `(n, 64)` with pixel
    intensities scaled to [0, 1] (raw counts 0..16 divided by 16), `labels` int32 in
    0..9. `split` is `"all"` (1797 images), `"train"` (1348) or `"test"` (449): a fixed,
    seeded 75/25 split, the same on every machine, so accuracies are comparable.

    Provenance: the test set of "Optical Recognition of Handwritten Digits" (E. Alpaydin,
    C. Kaynak, 1998), UCI Machine Learning Repository, licence CC BY 4.0
    (doi:10.24432/C50P49); the file is the copy distributed with scikit-learn
    (`sklearn/datasets/data/digits.csv.gz`, BSD-3-Clause).

    **Example:** `x_train, y_train = bj.datasets.load_digits("train")`.
    """
    if split not in ("all", "train", "test"):
        raise ValueError(f"`split` must be 'all', 'train' or 'test', got {split!r}.")
    with gzip.open(files("brainjax.datasets").joinpath("data/digits.csv.gz").open("rb")) as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float32)
    images, labels = table[:, :-1] / 16.0, table[:, -1].astype(np.int32)
    if split == "all":
        return images, labels
    order = np.random.default_rng(0).permutation(len(labels))
    n_test = int(round(_TEST_FRACTION * len(labels)))
    index = order[:n_test] if split == "test" else order[n_test:]
    return images[index], labels[index]
