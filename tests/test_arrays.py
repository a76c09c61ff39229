"""The comparison that decides PASS or MISMATCH (guest code, run here with numpy only)."""

import numpy as np

from matrix.guest.arrays import compare, from_json, to_json


def roundtrip(name, value):
    return from_json(to_json(name, value))


def test_a_perturbed_reference_is_a_mismatch_never_a_pass():
    out = np.random.RandomState(0).standard_normal((3, 2)).astype("float32")
    ref = roundtrip("y", out)
    assert compare([out], [ref])[0]
    perturbed = ref.copy()
    perturbed[1, 1] += 1e-2
    ok, worst, reason = compare([out], [perturbed])
    assert not ok and worst > 5e-3 and "differs" in reason


def test_shapes_and_counts_must_agree():
    a = np.zeros((3, 2), "float32")
    assert not compare([a], [np.zeros((2, 2), "float32")])[0]
    assert not compare([a, a], [a])[0]


def test_float16_is_compared_more_loosely_than_float32():
    ref16 = np.array([1.0, 2.0], "float16")
    assert compare([ref16.astype("float32") * 1.004], [ref16])[0]
    ref32 = ref16.astype("float32")
    assert not compare([ref32 * 1.004], [ref32])[0]


def test_nan_and_inf_where_the_reference_has_them():
    ref = np.array([np.nan, np.inf, 1.0], "float32")
    assert compare([ref.copy()], [ref])[0]
    assert not compare([np.array([0.0, np.inf, 1.0], "float32")], [ref])[0]
    assert not compare([np.array([np.nan, -np.inf, 1.0], "float32")], [ref])[0]


def test_strings_and_integers_are_exact():
    words = np.array([b"apple", b"pear"], dtype=object)
    ref = roundtrip("w", words)
    assert compare([words], [ref])[0]
    assert not compare([np.array([b"apple", b"pearl"], dtype=object)], [ref])[0]
    ids = roundtrip("i", np.array([3, 4], "int64"))
    assert compare([np.array([3, 4], "int64")], [ids])[0]
    assert not compare([np.array([3, 5], "int64")], [ids])[0]
