"""nn: neurons, layers, MLPs, losses, optimizers, data and training, all made of autograd_mini ``Value``s.

    from nn import MLP
    model = MLP(2, [16, 16, 1])                      # micrograd's defaults: relu hidden layers, linear output
    model = MLP(2, [2, 2], activation="sigmoid", output_activation="sigmoid")   # the lecture notes' networks

Submodules: ``nn.losses``, ``nn.optim``, ``nn.data``, ``nn.train`` (``fit``; its step in ``nn.step`` and
``nn.compiled``, its parts in ``nn.metrics``, ``nn.targets``, ``nn.history``, ``nn.guard``, ``nn.progress``),
``nn.probe`` (how long a ``fit`` will take), ``nn.plots`` (matplotlib's conventions: ``ax=``, pyplot's figure),
``nn.io``, ``nn.matrices`` (weights as matrices in the documents' convention), ``nn.torch_bridge`` (needs torch,
imported only when used). Above this library sit ``nn.crosscheck`` (the delta equations against autodiff) and
``nn.app`` (the command line and the tour).
"""

from nn import data, io, losses, matrices, optim, torch_bridge, train  # torch: only when used
from nn.data import load_digits, make_circles, make_moons, make_xor
from nn.losses import (
    LOSSES,
    bce,
    bce_with_logits,
    half_sse,
    hinge,
    mse,
    softmax_cross_entropy,
    sse,
)
from nn.module import ACTIVATIONS, MLP, Layer, Module, Neuron
from nn.optim import SGD, Adam
from nn.train import History, TrainingDivergedError, accuracy, evaluate, fit

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "MLP",
    "SGD",
    "Adam",
    "History",
    "Layer",
    "Module",
    "Neuron",
    "TrainingDivergedError",
    "accuracy",
    "data",
    "io",
    "losses",
    "matrices",
    "optim",
    "torch_bridge",
    "train",
    "bce",
    "bce_with_logits",
    "evaluate",
    "fit",
    "half_sse",
    "hinge",
    "load_digits",
    "make_circles",
    "make_moons",
    "make_xor",
    "mse",
    "softmax_cross_entropy",
    "sse",
]
