"""tf-compat-matrix: which TensorFlow can load a model saved by which other TensorFlow.

`matrix.guest` runs inside the TensorFlow environments (standard library, TensorFlow, numpy,
Python 3.7+). Everything else here is host side and never imports TensorFlow.
"""

from pathlib import Path

# the checkout: fixtures/, reports/ and the README live beside this package (the tool runs
# from its repository, installed editable)
PROJECT_ROOT = Path(__file__).resolve().parent.parent
