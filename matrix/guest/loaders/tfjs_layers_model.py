"""tf.loadLayersModel (TensorFlow.js in Node, CPU backend) on a converted Keras model: the
layers rebuilt from their Keras config by TF.js, then model.predict(inputs)."""

from matrix.guest import tfjs

NAME = "tf.loadLayersModel (TF.js)"
DOC = "TensorFlow.js in Node: (await tf.loadLayersModel(handler)).predict(inputs)"
CONTAINERS = ("tfjs_layers",)
KINDS = ("keras",)
REQUIRES = ("tfjs",)
KERAS = None
ORDER = 96


def load(tf, path, inputs, case):
    case.returned = "LayersModel"
    return tfjs.run("layers", path, inputs)
