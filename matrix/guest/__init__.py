"""Code that runs inside a TensorFlow environment.

Rules (checked by tests): standard library, TensorFlow and numpy only; valid Python 3.7
(no walrus, no `f"{x=}"`, no `match`, no `list[int]` at run time); works on TF 1.15 to today.
Talks to the host only through the JSON messages described in `protocol.py`.
"""
