"""Backprop from Zero — the NumPy library behind the six chapters.

Modules follow the course:

=================  ==========================================================
``losses``         Chapter 1: MSE, softmax, cross-entropy and their gradients
``autodiff``       Chapter 2: a scalar reverse-mode autodiff engine (``Value``)
``gradcheck``      Chapter 2: numerical derivatives and gradient checks
``layers``         Chapter 3: Linear, activations and loss layers
``network``        Chapter 3: ``Sequential`` and ``MLP``
``optim``          Chapter 4: gradient descent, ``SGD``, mini-batches
``schedules``      Chapter 5: learning-rate schedules and the critical rate
``training``       Chapter 5: ``fit``, ``evaluate``, ``TrainingDiverged``
``datasets``       Chapter 6: MNIST (offline subset and the full set)
``plotting``       every chapter's figures
``exercises``      self-checks for the exercises (``check``)
=================  ==========================================================
"""

from course_lib.notebook import setup_notebook, show_source

__all__ = ["setup_notebook", "show_source"]
__version__ = "0.1.0"
