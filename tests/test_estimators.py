"""The estimators follow scikit-learn's parameter protocol: get_params, set_params, clone."""

import inspect

import numpy as np
import pytest
from sklearn.base import clone

import wordvec
from wordvec.models.charlm import CharLM
from wordvec.models.emojify import EmojifierLSTM, EmojifierMean

SIMPLE = [wordvec.SGNS, wordvec.GloVe, CharLM]


@pytest.mark.parametrize("cls", SIMPLE + [EmojifierMean, EmojifierLSTM])
def test_get_params_are_the_constructor_arguments(cls):
    names = [n for n in inspect.signature(cls.__init__).parameters if n != "self"]
    model = cls(**({"vectors": "glove-6b-50d"} if "vectors" in names else {}))
    params = model.get_params()
    assert list(params) == names
    for name, value in params.items():
        default = inspect.signature(cls.__init__).parameters[name].default
        assert value == (default if default is not inspect.Parameter.empty else "glove-6b-50d")


@pytest.mark.parametrize("cls", SIMPLE)
def test_set_params_and_clone(cls):
    model = cls(random_state=3)
    assert model.set_params(random_state=7, progress=False) is model
    assert model.random_state == 7 and model.progress is False
    with pytest.raises(ValueError, match="'no_such' is not a parameter of " + cls.__name__):
        model.set_params(no_such=1)
    twin = clone(model)
    assert twin is not model and twin.get_params() == model.get_params()


def test_clone_of_a_fitted_model_is_unfitted(gensim_data):
    model = wordvec.SGNS(dim=8, epochs=1, min_count=3, threads=1, random_state=1,
                         progress=False).fit(gensim_data("lee_background.cor"))
    twin = clone(model)
    assert hasattr(model, "vectors_") and not hasattr(twin, "vectors_")
    refit = twin.fit(gensim_data("lee_background.cor"))
    np.testing.assert_array_equal(refit.vectors_.vectors, model.vectors_.vectors)


def test_repr_shows_the_parameters_that_differ_from_the_defaults():
    assert repr(wordvec.SGNS()) == "SGNS()"
    assert repr(wordvec.SGNS(dim=50, sample=1e-4)) == "SGNS(dim=50, sample=0.0001)"
    assert repr(wordvec.GloVe(x_max=10.0, symmetric=False)) == "GloVe(x_max=10.0, symmetric=False)"
    assert repr(CharLM(cell="gru")) == "CharLM(cell='gru')"
