"""Backprop from Zero — the NumPy library behind the six chapters.

Modules follow the course:

=================  ==========================================================
``losses``         Chapter 1: MSE, softmax, cross-entropy and their gradients
``autodiff``       Chapter 2: a scalar reverse-mode autodiff engine (``Value``)
``gradcheck``      Chapter 2: numerical derivatives and gradient checks
``memory``         Chapter 2: what reverse mode keeps for the backward pass
``layers``         Chapter 3: Linear, activations (``Softmax`` too) and loss layers
``network``        Chapter 3: ``Sequential`` and ``MLP``
``optim``          Chapter 4: gradient descent, ``SGD``/``AdaGrad``/``RMSProp``/``Adam``, mini-batches
``schedules``      Chapter 5: learning-rate schedules and the critical rate
``curvature``      Chapter 5: Hessian-vector products and Hessian eigenvalues
``training``       Chapter 5: ``fit`` (early stopping), ``evaluate``, ``TrainingDiverged``
``datasets``       Chapter 6: MNIST (offline subset and the full set)
``mnist``          Chapter 6: the ``course-mnist`` command (``make mnist``)
``plotting``       every chapter's figures
``exercises``      self-checks for the exercises (``check``)
``i18n``           the language of learners' messages (``setup_notebook(lang="ja")``)
=================  ==========================================================
"""

from course_lib.notebook import setup_notebook, show_source

__all__ = ["setup_notebook", "show_source"]
__version__ = "0.1.0"
