"""Bundled data sets: shapes, units, invariants and provenance-derived facts."""

import numpy as np
import pytest

import brainjax as bj


def test_connectome_shapes_and_invariants():
    sc = bj.datasets.load_connectome()
    assert sc.weights.shape == sc.lengths.shape == sc.fc.shape == (80, 80)
    assert sc.fc_subjects.shape == (7, 80, 80)
    np.testing.assert_allclose(sc.weights, sc.weights.T, atol=1e-6)
    assert sc.weights.min() >= 0 and np.all(np.diag(sc.weights) == 0)
    assert sc.weights.max() <= 1.0  # each subject normalised to max 1, then averaged
    np.testing.assert_allclose(sc.fc, sc.fc_subjects.mean(0), atol=1e-5)
    np.testing.assert_allclose(np.diag(sc.fc), 1.0, atol=1e-5)
    assert np.all(np.abs(sc.fc) <= 1.0 + 1e-6)
    connected = sc.weights > 0
    # fibre lengths in mm: a human brain is ~ 170 mm long
    assert 5.0 < np.median(sc.lengths[connected]) < 150.0 and sc.lengths.max() < 300.0
    assert sc.tr == pytest.approx(0.72)  # HCP resting-state TR


def test_connectome_region_names_are_aal2_cortical_pairs():
    names = bj.datasets.load_connectome().names
    assert len(names) == len(set(names)) == 80
    assert names[:2] == ("Precentral_L", "Precentral_R")
    assert all(n.endswith("_L") for n in names[::2]) and all(n.endswith("_R") for n in names[1::2])
    assert not any(k in n for n in names for k in ("Hippocampus", "Thalamus", "Putamen"))


def test_structure_predicts_function():
    # A robust empirical fact (Honey et al. 2009): SC and FC are positively correlated.
    sc = bj.datasets.load_connectome()
    iu = np.triu_indices(80, 1)
    assert np.corrcoef(np.log1p(sc.weights[iu] * 1e3), sc.fc[iu])[0, 1] > 0.2


def test_digits_split():
    x_train, y_train = bj.datasets.load_digits("train")
    x_test, y_test = bj.datasets.load_digits("test")
    assert x_train.shape == (1348, 64) and x_test.shape == (449, 64)
    assert x_train.min() >= 0 and x_train.max() <= 1
    assert set(np.unique(y_test)) == set(range(10))
    with pytest.raises(ValueError, match="split"):
        bj.datasets.load_digits("validation")
