// Load a TensorFlow.js model from disk in Node with the pure-JS CPU backend, call it on the
// inputs, write the outputs. Run by matrix/guest/tfjs.py:
//   node tfjs_load.js graph|layers MODEL_JSON INPUTS_JSON OUTPUTS_JSON
// A failure is one line on stderr ("Error: ...") and exit status 1.
"use strict";
const fs = require("fs");
const path = require("path");
const tf = require("@tensorflow/tfjs");

function fromDisk(modelJson) {
  // an IOHandler as tf.io.browserFiles would give: the topology and the weights, read here
  return {
    load: async () => {
      const m = JSON.parse(fs.readFileSync(modelJson, "utf8"));
      const dir = path.dirname(modelJson);
      const specs = [];
      const buffers = [];
      for (const group of m.weightsManifest || []) {
        for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
        specs.push(...group.weights);
      }
      const all = Buffer.concat(buffers);
      const data = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
      const artifacts = Object.assign({}, m, { weightSpecs: specs, weightData: data });
      delete artifacts.weightsManifest;
      return artifacts;
    },
  };
}

function toTensor(entry) {
  const dtype = { float64: "float32", int64: "int32", int8: "int32", uint8: "int32",
                  int16: "int32", bool: "bool", string: "string" }[entry.dtype] || entry.dtype;
  return tf.tensor(entry.data, entry.shape, dtype);
}

async function fromTensor(name, t) {
  return { name: name, dtype: t.dtype, shape: t.shape, data: await t.array() };
}

async function main() {
  const [kind, modelJson, inputsJson, outputsJson] = process.argv.slice(2);
  await tf.setBackend("cpu");
  const given = JSON.parse(fs.readFileSync(inputsJson, "utf8")).inputs;
  const byName = {};
  for (const e of given) byName[e.name] = e;
  const pick = (names) => {  // by name where every name matches, else in the given order
    const clean = names.map((n) => String(n).replace(/:\d+$/, ""));
    if (clean.every((n) => n in byName)) return clean.map((n) => toTensor(byName[n]));
    return given.map(toTensor);
  };
  const out = [];
  if (kind === "graph") {
    const model = await tf.loadGraphModel(fromDisk(modelJson));
    const signature = JSON.parse(fs.readFileSync(modelJson, "utf8")).signature || {};
    const inKeys = Object.keys(signature.inputs || {});
    const outKeys = Object.keys(signature.outputs || {}).sort();
    let feed;
    if (inKeys.length && inKeys.every((k) => k in byName)) {
      feed = {};
      for (const k of inKeys) feed[signature.inputs[k].name] = toTensor(byName[k]);
    } else {
      const names = model.inputs.map((i) => i.name);
      const tensors = pick(names);
      feed = {};
      names.forEach((n, i) => { feed[n] = tensors[i]; });
    }
    const names = outKeys.length ? outKeys.map((k) => signature.outputs[k].name) : undefined;
    let result = await model.executeAsync(feed, names);
    if (!Array.isArray(result)) result = [result];
    for (let i = 0; i < result.length; i++) out.push(await fromTensor(outKeys[i] || "output_" + i, result[i]));
  } else {
    const model = await tf.loadLayersModel(fromDisk(modelJson));
    const tensors = pick(model.inputs.map((i) => i.name));
    let result = model.predict(tensors.length === 1 ? tensors[0] : tensors);
    if (!Array.isArray(result)) result = [result];
    for (let i = 0; i < result.length; i++) out.push(await fromTensor("output_" + i, result[i]));
  }
  fs.writeFileSync(outputsJson, JSON.stringify({ outputs: out, tfjs: tf.version.tfjs }));
}

main().catch((err) => {
  process.stderr.write("Error: " + String((err && err.message) || err).split("\n")[0] + "\n");
  process.exit(1);
});
