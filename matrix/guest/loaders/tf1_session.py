"""tf.compat.v1.saved_model.loader.load in a Session: how TensorFlow Serving loads."""

from matrix.guest.calling import match_inputs, serving_signature

NAME = "tf1.Session"
DOC = "tf.compat.v1.saved_model.loader.load(sess, ['serve'], dir) in a Session (TF Serving's way)"
CONTAINERS = ("savedmodel",)
KINDS = ("keras", "module", "graph", "object")
REQUIRES = ()
KERAS = None
IMPORTS = ()  # beyond the runtime: who shares its outcome
ORDER = 30


def load(tf, path, inputs, case):
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        with v1.Session(graph=graph) as sess:
            meta_graph = v1.saved_model.loader.load(sess, ["serve"], path)
            case.returned = "MetaGraphDef"
            sig = serving_signature(meta_graph.signature_def)
            feed_names = match_inputs(sorted(sig.inputs.keys()), inputs)
            feed = dict(
                (graph.get_tensor_by_name(sig.inputs[k].name), v) for k, v in feed_names.items()
            )
            keys = sorted(sig.outputs.keys())
            fetches = [graph.get_tensor_by_name(sig.outputs[k].name) for k in keys]
            return list(sess.run(fetches, feed_dict=feed))
