import pytest

from movement_like.utils.deprecation import deprecated_alias, renamed_argument


def scale(data, factor=1.0):
    return data * factor


def test_alias_warns_and_calls_the_new_function():
    old = deprecated_alias(scale, "multiply", since="0.2", removed_in="0.4")
    with pytest.warns(FutureWarning, match=r"multiply\(\) is deprecated .* use scale\(\)"):
        assert old(2, factor=3) == 6
    assert old.__name__ == "multiply" and "scale" in old.__doc__


def test_renamed_argument_maps_old_to_new():
    new = renamed_argument("k", "factor", since="0.2", removed_in="0.4")(scale)
    with pytest.warns(FutureWarning, match="k= is deprecated"):
        assert new(2, k=5) == 10
    assert new(2, factor=5) == 10


def test_renamed_argument_refuses_both():
    new = renamed_argument("k", "factor", since="0.2", removed_in="0.4")(scale)
    with pytest.raises(TypeError, match="both k= and factor="):
        new(2, k=1, factor=2)
