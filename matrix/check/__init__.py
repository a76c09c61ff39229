"""`check PATH`: which TensorFlow versions load *this* model, with which API, and why not."""
