// The page benchmark's harness (matrix/report/pagebench.py appends it to a copy of the page):
// changes the view as a user does, each step timed from the change to a laid-out page.
(async () => {
  while (!window.tfMatrix) await new Promise(r => setTimeout(r, 10));
  const m = window.tfMatrix, base = Object.assign({}, m.state);
  const opts = id => [...document.querySelectorAll(`#${id} option`)].map(o => o.value).filter(Boolean);
  const formats = opts("f-format").filter(v => v !== "*"), loaders = opts("f-loader");
  const steps = [{format: "*"}];
  for (const format of formats) steps.push({format});
  for (const loader of loaders) steps.push({format: formats[0], loader});
  for (const envs of ["apart", "all", "releases"]) steps.push({format: formats[0], envs});
  steps.push({format: formats[0], keras: opts("f-keras").slice(-1)[0]});
  steps.push({split: "fixture"});
  steps.push({format: "*", fixture: opts("f-fixture")[0]});
  Object.assign(m.state, {format: "*"});
  m.sync();
  const cell = document.querySelector("td[data-cell]");
  if (cell) steps.push({format: "*", cell: cell.dataset.cell});
  const out = {readyMs: m.readyMs, drawMs: m.firstDrawMs, cases: m.cases, steps: []};
  for (let round = 0; round < 3; round++)
    for (const step of steps) {
      Object.assign(m.state, base);
      m.sync();
      const t0 = performance.now();
      Object.assign(m.state, step);
      m.sync();
      void document.body.offsetHeight;  // style and layout, as the user waits for them
      out.steps.push({step: JSON.stringify(step), ms: performance.now() - t0});
    }
  const pre = document.createElement("pre");
  pre.id = "bench-out";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
