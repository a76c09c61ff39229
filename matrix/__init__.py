"""tf-compat-matrix: which TensorFlow can load a model saved by which other TensorFlow.

`matrix.guest` runs inside the TensorFlow environments (standard library, TensorFlow, numpy,
Python 3.7+). Everything else here is host side and never imports TensorFlow.
"""
