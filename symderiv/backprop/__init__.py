"""Computation graphs and backpropagation, step by step (see ``backward`` for the method).

Modules: ``result`` (nodes, edges, adjoint steps, the ``Backprop`` result), ``graph``
(cutting an expression into a computation graph), ``inputs`` (reading names, values and
``defs``) and ``backward`` (local derivatives and the backward pass: :func:`backprop`).
"""

from symderiv.backprop.backward import backprop
from symderiv.backprop.result import AdjointStep, Backprop, Contribution, Edge, Node

__all__ = ["AdjointStep", "Backprop", "Contribution", "Edge", "Node", "backprop"]
