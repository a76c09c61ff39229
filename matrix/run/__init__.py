"""Doing the work: Pythons and environments, the supervised TensorFlow workers, producing,
consuming, progress, and the matrix driver that runs them all."""
