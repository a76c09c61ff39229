"""tf.loadGraphModel (TensorFlow.js in Node, CPU backend) on a converted graph model: fed by
the signature's input names, outputs in the signature's order."""

from matrix.guest import tfjs

NAME = "tf.loadGraphModel (TF.js)"
DOC = "TensorFlow.js in Node: await tf.loadGraphModel(handler).executeAsync(inputs)"
CONTAINERS = ("tfjs_graph",)
KINDS = ("keras", "module", "object")
REQUIRES = ("tfjs",)
KERAS = None
ORDER = 95


def load(tf, path, inputs, case):
    case.returned = "GraphModel"
    return tfjs.run("graph", path, inputs)
