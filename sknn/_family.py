"""The family contract: what a family of sknn estimators provides, written down once.

A *family* is a module of estimators (``dense.py``, ``conv.py``, ``sequence.py``,
``transfer.py``, ``word2vec.py``) with its torch modules and its batch source, often
with private modules of its own (``_recurrent.py``, ``_vgg.py``...). The shared code
uses a family through this contract only, never by name: the engine iterates over its
batch source, the fit cycle of :mod:`sknn._base` calls its hooks, :mod:`sknn.persist`
rebuilds its network from the saved parameters and fitted attributes, and
:mod:`sknn.export` asks it for its ONNX graph. Adding a family, or changing one, touches
none of them.

The batch source (:class:`BatchSource`)
---------------------------------------
What the engine trains on and predicts from: ``len(source)`` samples (rows, images,
sequences), ``source.subset(indices)``, a source of those samples with their targets and
weights, and ``source.batches(batch_size, shuffle, generator, device)``, which yields
``(X, y, w)`` on ``device``. Targets and sample weights are given when the source is
built and travel with ``subset``; nobody assigns them afterwards.

The estimator (:class:`FamilyEstimator`, the base of every family's estimators)
-------------------------------------------------------------------------------
* **Registration.** A public class defined in a module of the sknn package registers
  itself by name when it is defined (``SaveMixin.__init_subclass__``):
  :func:`sknn.load` builds registered classes only and never imports a name read from a
  file. Bases that are never instantiated say so: ``class Base(FamilyEstimator,
  abstract=True)``.
* **Architecture.** ``_architecture_params`` names the parameters fixed when a network
  is built: those that ``_build_module`` reads, and those that fix the fitted mapping
  around it (a regressor's target scaling and clipping). A new network records them as the
  fitted ``architecture_`` (``_record_architecture``), so a fitted model describes the
  network it has: predictions, ``save``, ``load`` and ONNX export follow
  ``architecture_`` whatever ``set_params`` changed afterwards, and continuing the same
  network (``warm_start``, ``partial_fit``) with a changed architecture parameter is
  refused (``_check_architecture_unchanged``). The training parameters are not fixed: a ``partial_fit``
  trains with them as they are (``BaseNeuralNetwork._follow_training_params``), except those the engine itself is
  built with, which ``_engine_params`` names (``device``; a family adds its own, as ``compile``) and a
  ``partial_fit`` refuses when changed. ``_fit_only_params`` names those a fitted model no longer needs (values
  that only initialise it, as pretrained vectors): ``save`` offers to unset one it cannot store, and continuing the
  network warns of one set anew since it was built (``_warn_of_new_starting_values``).
* **Hooks.** Each reads only parameters and fitted attributes (never data, never
  anything handed over through the instance), so :mod:`sknn.persist` can call them on a
  loaded estimator:

  - ``_build_module()``: the torch module described by ``architecture_`` and the fitted
    attributes (vocabulary, image shape, classes...), with fresh weights drawn from
    torch's global generator. It reads no file and downloads nothing: loading replaces
    the weights with the saved ones. A family that takes a custom ``module`` (an
    architecture parameter) builds it first with ``self._custom_module(*dimensions)``,
    which calls the user's class or factory with the dimensions the family documents
    (what it knows only from the data: inputs, outputs, image size...) and checks that
    it returned a torch module; the family's own network is built only when it gives None.
  - ``_check_restored()``: refuses, with a ValueError, fitted attributes that contradict each other (a vocabulary
    whose rows are not its table's), so that ``load`` names an edited file instead of a later predict failing
    inside torch or reading beyond a table; called by ``load`` only. Default: nothing checked.
  - ``_load_pretrained(module)``: puts the weights a new fit starts from into the module
    just built (pretrained backbones, pretrained word vectors); called by ``fit`` only,
    never by ``load``. Default: nothing.
  - ``_activation_bytes(batch_size)``: the least memory a training batch's activations take, which the memory
    check counts beside the weights before the network is built (:mod:`sknn._memory`). Default: 0, not estimated.
  - ``_make_engine(module, batch_size, device, seed, incremental)``: the
    :class:`~sknn.Engine` that trains ``module`` (its loss, optimizer and callbacks),
    from parameters alone; ``incremental`` is True for the engine of ``partial_fit``.
  - ``_fitted_module()``: the fitted torch module (unwrapped from ``torch.compile``),
    a NotFittedError before ``fit``.
  - ``_output_contract()``: what the family's loss needs of the module's outputs, as an
    :class:`OutputContract`: for a training batch of ``n`` targets (rows, images, tokens),
    outputs of shape ``(n, width)``, what they and the targets are, and losses that take
    them. A fit with a custom ``module`` or ``criterion`` checks them on the first few
    training samples before the first epoch (:mod:`sknn._module_checks`: its mixin
    ``ChecksModuleOutputs`` comes before the base class, in the classifier and regressor
    mixins of :mod:`sknn._targets` and in the sequence family's ``TaggerOutputs`` and
    ``NextWordOutputs``), and refuses a network of another output shape, or a criterion
    that cannot take them, with a ValueError naming ``module`` or ``criterion``.
    Default: None, nothing checked.

  The fit cycle of :mod:`sknn._base` also calls two hooks on the training data (persist never does):
  ``_sample_sizes(X)``, how many loss terms each sample gives (a sequence's tokens; None: one each), by which
  sample weights are scaled to mean 1 per loss term, so that a weight of 2 is the sample given twice; and
  ``_learn_target_shares(y_index, weights, continuing)``, what the loss needs of the targets before it is made
  (a classifier's ``class_prior_``, the shares its label smoothing spreads by; partial_fit's calls add up).

  A fitted estimator keeps its engine as ``net_`` (the module is ``net_.module_``), or,
  when nothing trains after ``fit`` (a feature extractor), its module as ``module_``;
  both on ``device_``.
* **Parameters.** ``set_params`` is scikit-learn's, and refuses skorch-style nested
  parameters (``module__hidden``, ``criterion__reduction``, ``optimizer__weight_decay``) of
  a parameter that is not an estimator, saying how to give the setting
  (:func:`sknn._validation.check_nested_params`).
* **HTML repr.** The "?" link goes to the family's README section (``_doc_section``);
  the links of the parameters' names go to the README page (scikit-learn appends a text
  fragment, ``#:~:text=``, to the link it is given, and a link has one fragment).
* **ONNX export** (optional). ``_onnx_graph(network)`` returns an
  :class:`sknn.export.OnnxGraph` for ``network``, an evaluation copy of the fitted
  module on the CPU, and ``_onnx_feed(X)`` turns what ``predict`` takes into the graph's
  inputs. A family without them is not exportable.
"""

import inspect
import os
from typing import Protocol

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from ._module_checks import OutputContract
from ._validation import check_nested_params
from ._warnings import warn_user
from .persist import SaveMixin

__all__ = ["BatchSource", "DOC_LINK_TEMPLATE", "FamilyEstimator", "OutputContract", "plain"]

# Where the HTML repr's "?" link points (scikit-learn's _doc_link_template mechanism): sknn has no hosted
# documentation site, so each estimator links to its section of the README on the project's repository.
# ``section`` is the README heading's anchor, declared by each family as ``_doc_section``.
DOC_LINK_TEMPLATE = "https://github.com/sknn/sknn/blob/main/README.md#{section}"


class BatchSource(Protocol):
    """What the engine iterates over: samples with their targets and weights, served in batches.

    Attributes
    ----------
    sample_weight : tensor of shape (len(source),) or None
        One weight per sample, given when the source is built (or kept by ``subset``),
        never assigned afterwards.
    """

    sample_weight: object

    def __len__(self):
        """The number of samples (rows, images, sequences)."""

    def subset(self, indices):
        """A source of the samples ``indices``, with their targets and sample weights."""

    def batches(self, batch_size, shuffle=False, generator=None, device="cpu"):
        """Yield ``(X, y, w)`` on ``device``: ``X`` a tensor or a dict of tensors (the module's keyword
        arguments), ``y`` and ``w`` tensors or None; shuffled with ``generator`` when ``shuffle``."""


def plain(value):
    """A parameter value as plain, comparable data: tuples for sequences, Python scalars for numpy ones, a dict of
    its own for a dict (the user's, edited after the fit, would rewrite ``architecture_``)."""
    if isinstance(value, np.ndarray) and value.ndim == 0:  # np.array(0.1): the number
        return value.item()
    if isinstance(value, (list, tuple, np.ndarray, range)) or (hasattr(value, "to_numpy") and value.ndim == 1):
        return tuple(plain(v) for v in value)  # (a pandas Series or Index of sizes: its values)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def replaced_parameters_warning(estimator, architecture, names, kept=None):
    """Warn where a network of the user's (``module``) leaves the parameters ``names`` of the family's own network,
    set other than their defaults, unapplied (``n_ensemble=3`` trained one network, as ``architecture_`` said three);
    ``kept``: what of sknn's network stays, for the message ("sknn's input layer ... is")."""
    defaults = inspect.signature(type(estimator).__init__).parameters
    set_ = [f"{name}={architecture[name]!r}" for name in names
            if not _same_value(architecture[name], defaults[name].default)]
    if set_:
        one = len(set_) == 1
        warn_user(f"{type(estimator).__name__}: module= replaces sknn's network, so {', '.join(set_)} "
                  f"{'is' if one else 'are'} not applied{f' ({kept})' if kept else ''}: build "
                  f"{'it' if one else 'them'} into your module, or leave {'it' if one else 'them'} at "
                  f"{'its default' if one else 'their defaults'}.")


def _same_value(value, default):
    try:
        return bool(value == default) or (isinstance(value, (list, tuple)) and isinstance(default, (list, tuple))
                                          and tuple(value) == tuple(default))
    except (TypeError, ValueError):  # (an array: not a default)
        return False


class FamilyEstimator(SaveMixin, abstract=True):
    """The base of every family's estimators: the hooks of the family contract (see the module docstring).

    Also gives ``save(path, *, key=None)``, and registers each public subclass as a class
    :func:`sknn.load` may build.
    """

    # The parameters fixed when the network is built (as ``architecture_``): those ``_build_module`` reads, and
    # those that fix the fitted mapping around the network (a regressor's target scaling).
    _architecture_params = ()
    # Parameters the fitted estimator no longer needs (values that only initialise it): ``save`` offers to unset one
    # that it cannot store safely.
    _fit_only_params = ()

    # The HTML repr links to the README section of the family (scikit-learn's documentation-link mechanism).
    _doc_link_module = "sknn"
    _doc_link_template = DOC_LINK_TEMPLATE
    _doc_section = "quick-start"

    def _doc_link_url_param_generator(self):
        return {"section": self._doc_section}

    # scikit-learn links each parameter (and fitted attribute) to f"{doc_link}#:~:text={name},-{its type line}", a
    # text fragment of an API page; the README holds no such lines (they are the docstrings'), so the links opened
    # the page's top: none is made (the parameters are documented by help() and the docstrings)
    def _get_params_html(self, deep=True, doc_link=""):
        return super()._get_params_html(deep)

    def _get_fitted_attr_html(self, doc_link=""):
        return super()._get_fitted_attr_html()

    def set_params(self, **params):
        """Set the parameters of this estimator (scikit-learn's ``set_params``); skorch-style nested parameters
        of a parameter that is not an estimator (``module__hidden``) are refused, naming how to give the setting."""
        check_nested_params(self, params)
        if hasattr(self, "architecture_"):  # a value a built network started from, set anew (:meth:`_warn_of_...`)
            renewed = {name for name in self._fit_only_params
                       if params.get(name) is not None and not _same_start(params[name], getattr(self, name))}
            if renewed:
                self._new_starting_values = tuple(sorted(set(getattr(self, "_new_starting_values", ())) | renewed))
        return super().set_params(**params)

    def _record_architecture(self):
        """Record the architecture parameters as they are now: the network about to be built follows them (and starts
        from the ``_fit_only_params`` as they are: :meth:`_warn_of_new_starting_values`)."""
        params = self.get_params(deep=False)
        self.architecture_ = {name: plain(params[name]) for name in self._architecture_params}
        self.__dict__.pop("_new_starting_values", None)  # (this network starts from the values as they are)

    def _warn_of_new_starting_values(self):
        """Warn where a value the network started from (``_fit_only_params``: word vectors, a backbone's weights) was
        set anew by ``set_params`` since it was built (None, as to save a model without it, is no new start):
        continuing the same network, it has no effect (it went without a word)."""
        for name in getattr(self, "_new_starting_values", ()):
            warn_user(f"{name} was set anew since the network was built: warm_start and partial_fit go on with the "
                      f"network's own weights, which {name} gave it at the start only; the new value applies to a new "
                      "network (warm_start=False).")

    def _check_architecture_unchanged(self):
        """Refuse to continue training a network whose architecture parameters were changed since it was built."""
        params = self.get_params(deep=False)
        for name, built in getattr(self, "architecture_", {}).items():
            if name in params and plain(params[name]) != built:  # (entries derived from the data are not params)
                raise ValueError(
                    f"{name}={params[name]!r} now, but the network was built with {name}={built!r}; warm_start and "
                    f"partial_fit continue the same network. Set {name} back to {built!r}, or fit a new network "
                    "(warm_start=False).")

    def _build_module(self):
        """The torch module of ``architecture_`` and the fitted attributes, with fresh weights (no file read)."""
        raise NotImplementedError

    def _custom_module(self, *dimensions):
        """The user's network: ``architecture_['module']`` called with ``dimensions``, or None when there is none.

        The one way every family calls a custom ``module`` (a torch.nn.Module class or a factory); each family
        documents which dimensions it passes.
        """
        factory = self.architecture_.get("module")
        if factory is None:
            return None
        if isinstance(factory, torch.nn.Module):  # (an instance would be called as a network, on the dimensions)
            raise TypeError(f"module is a {type(factory).__name__} instance; pass its class, or a function that "
                            f"builds one, called as module{tuple(dimensions)!r} (sknn builds the network for the "
                            "data's dimensions, and anew for each fit of a clone).")
        module = factory(*dimensions)
        if not isinstance(module, torch.nn.Module):
            raise TypeError(f"module={factory!r} returned {type(module).__name__}, not a torch.nn.Module: pass a "
                            f"torch.nn.Module class, or a function that builds one, called as module"
                            f"{tuple(dimensions)!r}.")
        return module

    def _activation_bytes(self, batch_size):
        """Bytes a training batch of ``batch_size`` samples takes at least in activations (0: not estimated), which
        the memory check counts beside the weights."""
        return 0

    def _load_pretrained(self, module):
        """Put the weights a new fit starts from into ``module``, just built; called by fit only, never by load."""

    def _check_restored(self):
        """Refuse fitted attributes that contradict each other (a ValueError); called by load only."""

    def _make_engine(self, module, batch_size, device, seed, incremental):
        """The engine that trains ``module``, from parameters alone."""
        raise NotImplementedError

    def _output_contract(self):
        """What the loss needs of the module's outputs (an :class:`OutputContract`), or None: not checked."""
        return None

    def _fitted_module(self):
        """The fitted torch module, unwrapped from ``torch.compile``."""
        check_is_fitted(self, "net_")
        module = self.net_.module_
        return getattr(module, "_orig_mod", module)

    def _clear_fitted(self):
        """Forget every fitted attribute: a new fit that fails leaves an unfitted estimator, not a mixed one."""
        for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
            delattr(self, name)


def _same_start(new, old):
    """Whether ``new`` is the value ``old`` (the same object; a path: the same text)."""
    if isinstance(new, (str, os.PathLike)) and isinstance(old, (str, os.PathLike)):
        return os.fspath(new) == os.fspath(old)
    return new is old
