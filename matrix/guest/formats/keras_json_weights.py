"""model.to_json() beside model.save_weights(): the architecture as JSON, the weights as H5.

A common hand-off (tutorials, older serving code): the receiver rebuilds the model from the
JSON and loads the weights into it. Every fixture saved as .h5 is also handed off this way.
"""

import os

DOC = 'open("model.json", "w").write(model.to_json()); model.save_weights("model.weights.h5")'
CONTAINER = "json_weights"
KINDS = ("keras",)
REQUIRES = ()
ORDER = 65
DERIVED_FROM = "keras_h5"


def save(tf, obj, directory, fixture):
    folder = os.path.join(directory, "json_weights")
    os.makedirs(folder)
    with open(os.path.join(folder, "model.json"), "w") as f:
        f.write(obj.to_json())
    obj.save_weights(os.path.join(folder, "model.weights.h5"))
    return "json_weights"
