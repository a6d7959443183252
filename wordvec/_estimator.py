"""scikit-learn's parameter protocol (`get_params`, `set_params`, a repr of the parameters that
differ from the defaults) for wordvec's estimators, without importing scikit-learn: the
trainers must stay light, and `sklearn.base.clone` and grid searches only need the protocol.
"""

import inspect


class ParamsMixin:
    """The constructor's keyword arguments are the parameters, stored unchanged as attributes
    of the same names; `fit` validates them and sets the learned attributes (`name_`)."""

    @classmethod
    def _param_names(cls):
        signature = inspect.signature(cls.__init__)
        return [p.name for p in signature.parameters.values()
                if p.name != "self" and p.kind == p.POSITIONAL_OR_KEYWORD]

    def get_params(self, deep=True):
        """The parameters as a dict (`deep` is accepted for scikit-learn; none are nested)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        """Set parameters by name; an unknown name is a `ValueError`. Returns self."""
        names = self._param_names()
        for name, value in params.items():
            if name not in names:
                raise ValueError(f"{name!r} is not a parameter of {type(self).__name__} "
                                 f"(parameters: {', '.join(names)})")
            setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = {p.name: p.default
                    for p in inspect.signature(type(self).__init__).parameters.values()}
        shown = []
        for name, value in self.get_params().items():
            default = defaults.get(name, inspect.Parameter.empty)
            if default is inspect.Parameter.empty or not _same(value, default):
                text = repr(value)
                shown.append(f"{name}={text if len(text) <= 60 else text[:57] + '...'}")
        return f"{type(self).__name__}({', '.join(shown)})"


def _same(value, default):
    try:
        return bool(value == default) and type(value) is type(default)
    except (TypeError, ValueError):  # arrays and the like: show them
        return False
