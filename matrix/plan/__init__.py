"""What to compute, pure: which artifacts a producer writes, which cells a consumer computes,
their cache keys, and every outcome known without TensorFlow. No I/O, no processes."""
