"use strict";
// The script of reports/index.html (inlined by matrix/report/page.py: the page stays one file).
// The cases travel gzip-compressed and base64-encoded (5.5 MB of JSON are 0.2 MB so); the
// browser's own DecompressionStream reads them back: nothing is fetched.
async function unpack(id) {
  const text = document.getElementById(id).textContent.trim();
  const bin = atob(text), bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}

function esc(t) { return String(t).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])); }

unpack("data").then(main).catch(err => {
  document.getElementById("picker").textContent =
    `This page could not read its data (${err}). Every case is also in results.csv.gz beside it.`;
  document.documentElement.dataset.ready = "error";
  console.error(err);
});

function main(D) {
  const started = performance.now();
  const S = D.cells.strings, V = D.cells.versions, N = V.length;
  const vpos = Object.fromEntries(V.map((v, i) => [v, i]));
  const NAMES = D.cells.columns.slice(2);  // producer and consumer come with their pair

  // the cases as columns of typed arrays (a filter change scans them all: it must be cheap):
  // producer and consumer as positions in V, every other column as its string's code
  let n = 0;
  for (const pair of D.cells.pairs) n += pair[2];
  const P = new Int16Array(n), Q = new Int16Array(n), col = {};
  for (const name of NAMES) col[name] = new Int32Array(n);
  {
    const rest = NAMES.map(name => col[name]);
    let i = 0;
    for (const [p, c, m] of D.cells.pairs) {
      const pi = vpos[S[p]], ci = vpos[S[c]];
      for (let k = 0; k < m; k++, i++) {
        P[i] = pi; Q[i] = ci;
        const r = D.cells.rows[i];
        for (let j = 0; j < r.length; j++) rest[j][i] = r[j];
      }
    }
  }
  const str = (i, name) => name === "producer" ? V[P[i]] : name === "consumer" ? V[Q[i]] : S[col[name][i]];

  // fixture, format and loader as small dense numbers (names sorted), for counting in arrays
  function dense(codes) {
    const names = [...new Set(codes)].map(c => S[c]).sort();
    const of = new Map(names.map((s, k) => [s, k])), byCode = new Map();
    const idx = new Int16Array(codes.length);
    for (let i = 0; i < codes.length; i++) {
      let k = byCode.get(codes[i]);
      if (k === undefined) byCode.set(codes[i], k = of.get(S[codes[i]]));
      idx[i] = k;
    }
    return {names, of, idx};
  }
  const FX = dense(col.fixture), FM = dense(col.format), LD = dense(col.loader);
  const NX = FX.names.length, NF = FM.names.length, NL = LD.names.length;

  // per case: 1 loaded, 2 passed, 4 not saved (nothing was loaded), 8 a failure whose load
  // also fails on the consumer's diagonal (the consumer cannot read its own save of it: not a
  // break between versions; marked, never left out of a count)
  const code = s => S.indexOf(s);
  const LOADED = new Set(["PASS", "MISMATCH", "ERROR", "CRASH", "TIMEOUT"].map(code));
  const PASS = code("PASS"), SAVE_FAILED = code("SAVE_FAILED");
  const flag = new Uint8Array(n);
  const diagKey = i => ((FX.idx[i] * NF + FM.idx[i]) * NL + LD.idx[i]) * N + Q[i];
  const diagTried = new Uint8Array(NX * NF * NL * N), diagOk = new Uint8Array(NX * NF * NL * N);
  for (let i = 0; i < n; i++) {
    const st = col.status[i];
    if (st === SAVE_FAILED) { flag[i] = 4; continue; }
    if (!LOADED.has(st)) continue;
    flag[i] = st === PASS ? 3 : 1;
    if (P[i] === Q[i]) { const k = diagKey(i); diagTried[k] = 1; if (st === PASS) diagOk[k] = 1; }
  }
  const unreadOnDiagonal = i => { const k = diagKey(i); return diagTried[k] === 1 && diagOk[k] === 0; };
  for (let i = 0; i < n; i++) if (flag[i] === 1 && unreadOnDiagonal(i)) flag[i] |= 8;

  // counts in slot s of a tally: [pass, loaded, baseline failures, not saved]
  function add(t, s, i) {
    const f = flag[i];
    if (f & 4) { t[4 * s + 3]++; return; }
    if (!(f & 1)) return;
    t[4 * s + 1]++;
    if (f & 2) t[4 * s]++;
    else if (f & 8) t[4 * s + 2]++;
  }
  const at = (t, s) => ({pass: t[4 * s], tried: t[4 * s + 1], baseline: t[4 * s + 2], savefail: t[4 * s + 3]});
  const unread = x => x.tried > 0 && x.pass === 0 && x.baseline === x.tried;
  const describe = x => `${x.pass} pass of ${x.tried} loaded` +
    (x.baseline ? `; ${x.baseline} of the ${x.tried - x.pass} failures also fail on the diagonal` : "") +
    (x.savefail ? `; ${x.savefail} not saved` : "");
  const hue = x => `hsl(${Math.round(120 * x.pass / x.tried)},65%,72%)`;

  // environments: releases, and variants of a release (another Keras, an add-on) apart
  const env = v => D.envs[v] || {};
  const kindOf = v => env(v).kind || "release";
  const kerasOf = v => env(v).keras || "none";
  const failed = v => { const s = env(v).status; return !!s && s !== "OK" && s !== "NOT_RUN"; };
  const VIEWS = {
    // a runtime without TensorFlow (LiteRT, TF.js) is no variant: its columns are shown
    releases: V.filter(v => kindOf(v) === "release" || kindOf(v) === "runtime"),
    apart: [...V].sort((a, b) => (D.kinds.indexOf(kindOf(a)) - D.kinds.indexOf(kindOf(b))) || (vpos[a] - vpos[b])),
    all: V,
  };
  const VIEW_WORDS = {releases: "the releases", apart: "every environment, releases first", all: "every environment"};

  const DEFAULTS = {format: "", loader: "", fixture: "", keras: "", envs: "releases", split: "pair", cell: ""};
  // a run of variants only (no release among them) opens on all of them, not on nothing
  if (!VIEWS.releases.length) DEFAULTS.envs = "all";
  const state = Object.assign({}, DEFAULTS);
  const CONTROLS = ["format", "loader", "fixture", "keras", "envs", "split"];
  const picked = () => !!(state.format || state.loader || state.fixture);

  // what a view keeps, as arrays a scan can index
  function want(over) {
    const f = Object.assign({}, state, over || {});
    const shown = new Uint8Array(N), keras = new Uint8Array(N);
    for (const v of VIEWS[f.envs]) shown[vpos[v]] = 1;
    for (const v of V) keras[vpos[v]] = !f.keras || kerasOf(v) === f.keras ? 1 : 0;
    const pick = (d, value) => value && value !== "*" ? d.of.get(value) : -1;
    return {fm: pick(FM, f.format), ld: pick(LD, f.loader), fx: pick(FX, f.fixture), shown, keras};
  }
  const keep = (w, i) => w.shown[P[i]] === 1 && w.shown[Q[i]] === 1 && w.keras[Q[i]] === 1 &&
    (w.fm < 0 || FM.idx[i] === w.fm) && (w.ld < 0 || LD.idx[i] === w.ld) && (w.fx < 0 || FX.idx[i] === w.fx);

  function drawPicker() {
    const w = want({format: "", loader: ""}), t = new Int32Array(NF * NL * 4), cross = new Int32Array(NF * NL * 4);
    for (let i = 0; i < n; i++) {
      if (!keep(w, i)) continue;
      const s = FM.idx[i] * NL + LD.idx[i];
      add(t, s, i);
      if (P[i] !== Q[i]) add(cross, s, i);
    }
    const used = s => t[4 * s + 1] + t[4 * s + 3] > 0;
    const loaders = LD.names.map((_, l) => l).filter(l => FM.names.some((_, f) => used(f * NL + l)));
    let h = `<table class="pick"><tr><th>format ↓ / loader →</th>${loaders.map(l => `<th>${esc(LD.names[l])}</th>`).join("")}</tr>`;
    for (let f = 0; f < NF; f++) {
      if (!loaders.some(l => used(f * NL + l))) continue;
      h += `<tr><th>${esc(FM.names[f])}</th>`;
      for (const l of loaders) {
        const s = f * NL + l, x = at(t, s), y = at(cross, s);
        if (!used(s)) { h += `<td class="none"></td>`; continue; }
        const sel = state.format === FM.names[f] && state.loader === LD.names[l] ? " sel" : "";
        const share = x.tried ? `${Math.round(100 * x.pass / x.tried)}%` : "not saved";
        const tip = `${FM.names[f]} loaded with ${LD.names[l]}: ${describe(x)}; between two different environments: ${describe(y)}`;
        h += `<td class="${sel}" style="${x.tried ? "background:" + hue(x) : ""}" data-pick="${esc(FM.names[f])}|${esc(LD.names[l])}" title="${esc(tip)}">` +
          `${share}<small>${x.pass}/${x.tried}</small></td>`;
      }
      h += "</tr>";
    }
    document.getElementById("picker").innerHTML = h + "</table>";
    document.getElementById("pick-note").textContent =
      `The share of loads that pass, and passed/loaded, per format and loader, over ${VIEW_WORDS[state.envs]}` +
      (state.fixture ? `, fixture ${state.fixture}` : "") + (state.keras ? `, consumers with Keras ${state.keras}` : "") +
      ". Click one for its producer × consumer grid; hover for the count between two different environments.";
  }

  function drawGrid() {
    const title = document.getElementById("grid-title"), grid = document.getElementById("grid"), note = document.getElementById("env-note");
    if (!picked()) {
      title.textContent = "Saved by × loaded by";
      grid.innerHTML = `<p id="pick-first">Pick a format × loader above (or a fixture), or <button id="show-mixed">show every format mixed in one grid</button>.</p>`;
      document.getElementById("show-mixed").onclick = () => { state.format = "*"; sync(); };
      note.textContent = "";
      return;
    }
    const w = want(), t = new Int32Array(N * N * 4), seen = new Uint8Array(N);
    for (let i = 0; i < n; i++) if (keep(w, i)) { add(t, P[i] * N + Q[i], i); seen[P[i]] = seen[Q[i]] = 1; }
    const vs = VIEWS[state.envs].filter(v => seen[vpos[v]] || failed(v));
    const named = [state.format === "*" ? "every format" : state.format, state.loader, state.fixture].filter(Boolean);
    title.textContent = named.join(" · ") + (state.keras ? ` (consumers with Keras ${state.keras})` : "");
    // what this view leaves out is said with its count (a count is never made smaller silently)
    if (state.envs === "releases") {
      const all = want({envs: "all"}), hidden = new Set();
      let loads = 0;
      for (let i = 0; i < n; i++) if (!keep(w, i) && keep(all, i)) { loads++; hidden.add(P[i]); hidden.add(Q[i]); }
      for (const v of VIEWS.releases) hidden.delete(vpos[v]);
      note.innerHTML = hidden.size ? `Showing ${vs.length} releases. ${hidden.size} variants (another Keras or an add-on beside a release) and their ${loads} loads are not in this view: ` +
        `<button id="show-variants">show them apart</button>` : "";
      const b = document.getElementById("show-variants");
      if (b) b.onclick = () => { state.envs = "apart"; sync(); };
    } else note.textContent = "";
    let h = `<table class="grid"><tr><th>saved by ↓ / loaded by →</th>${vs.map(v => `<th>${esc(v)}</th>`).join("")}</tr>`;
    for (const p of vs.filter(v => kindOf(v) !== "runtime")) {  // runtimes only load: columns
      h += `<tr><th>${esc(p)}</th>`;
      for (const c of vs) {
        const x = at(t, vpos[p] * N + vpos[c]), cls = [p === c ? "diag" : ""], key = p + "," + c;
        if (state.cell === key) cls.push("sel");
        const down = failed(p) ? p : failed(c) ? c : "";
        if (down) {
          const e = env(down);
          h += `<td class="envfail ${cls.join(" ")}" title="${esc(down)}: ${esc(e.status)}: ${esc(e.reason)}">${esc(e.status.replace("_FAILED", "").toLowerCase())} ✗</td>`;
          continue;
        }
        if (!x.tried && !x.savefail) { h += `<td class="none ${cls.join(" ")}"></td>`; continue; }
        let text = "", style = "";
        if (unread(x)) { text = `${x.pass}/${x.tried}`; cls.push("unread"); }
        else if (x.tried) { text = `${x.pass}/${x.tried}` + (x.baseline ? "°" : ""); style = `background:${hue(x)}`; }
        else { text = "✗"; cls.push("savefail"); }
        h += `<td class="${cls.join(" ")}" style="${style}" data-cell="${esc(key)}" title="saved by ${esc(p)}, loaded by ${esc(c)}: ${describe(x)}">${text}</td>`;
      }
      h += "</tr>";
    }
    grid.innerHTML = h + "</table>";
  }

  function envLine(v) {
    const e = env(v);
    const pk = Object.entries(e.packages || {}).map(([k, x]) => `${esc(k)}==${esc(x)}`).join(" ");
    return `<b>${esc(v)}</b> (${esc(kindOf(v))}): tensorflow ${esc(e.tensorflow || "?")}, keras ${esc(e.keras || "none")}, Python ${esc(e.python || "?")}` +
      (pk ? ` <details style="display:inline"><summary>packages</summary><code>${pk}</code></details>` : "");
  }
  // why a category happens and what to do (matrix/catalog/causes.toml)
  const causeOf = cat => { const c = (D.catalog.causes || {})[cat]; return c ? `${c.why} What to do: ${c.fix}` : ""; };

  function drawDrill() {
    const box = document.getElementById("drill");
    if (!state.cell || !picked()) { box.style.display = "none"; return; }
    const [p, c] = state.cell.split(","), pi = vpos[p], ci = vpos[c];
    const w = want({envs: "all"}), idx = [];  // the cell was asked for: whatever the view
    for (let i = 0; i < n; i++) if (P[i] === pi && Q[i] === ci && keep(w, i)) idx.push(i);
    const name = i => str(i, "fixture") + "\u0000" + str(i, "format") + "\u0000" + str(i, "loader");
    idx.sort((a, b) => name(a).localeCompare(name(b)));
    const t = new Int32Array(4);
    for (const i of idx) add(t, 0, i);
    // one line per format × loader on top: its count and its failures by category
    const per = new Map();
    for (const i of idx) {
      const k = str(i, "format") + " · " + str(i, "loader");
      if (!per.has(k)) per.set(k, {t: new Int32Array(4), why: new Map()});
      const g = per.get(k);
      add(g.t, 0, i);
      if (!(flag[i] & 2)) { const why = `${str(i, "status")} ${str(i, "error_category")}`.trim(); g.why.set(why, (g.why.get(why) || 0) + 1); }
    }
    let h = `<h3>Saved by TF ${esc(p)}, loaded by TF ${esc(c)}: <span id="drill-count">${describe(at(t, 0))}</span></h3><p>${envLine(p)}<br>${envLine(c)}</p>` +
      `<table class="sum" id="per-loader"><tr><th>format · loader</th><th>loads</th><th>failures</th></tr>`;
    for (const [k, g] of [...per].sort()) {
      h += `<tr><td>${esc(k)}</td><td>${describe(at(g.t, 0))}</td><td>${[...g.why].map(([why, m]) => `${esc(why)} ×${m}`).join(", ")}</td></tr>`;
    }
    h += "</table>" + routesOf(pi, ci, idx);
    h += `<table id="cases"><tr><th>fixture</th><th>format</th><th>loader</th><th>status</th><th>category</th><th>detail</th><th>message / returned</th></tr>`;
    for (const i of idx) {
      const st = str(i, "status"), note = !unreadOnDiagonal(i) ? "" : st === "PASS" ? " (though it fails on the diagonal)" : " (fails on the diagonal too)";
      const err = str(i, "max_abs_error") ? ` max abs error ${esc(str(i, "max_abs_error"))}` : "";
      const once = str(i, "computed_in") ? ` <span class="once" title="the loader sees the same packages in both environments: computed once for them (README: growth without linear cost)">· loaded in ${esc(str(i, "computed_in"))}, same packages</span>` : "";
      h += `<tr><td>${esc(str(i, "fixture"))}</td><td>${esc(str(i, "format"))}</td><td>${esc(str(i, "loader"))}</td>` +
        `<td><span class="st st-${st}">${st}</span>${note}</td><td title="${esc(causeOf(str(i, "error_category")))}">${esc(str(i, "error_category"))}</td><td>${esc(str(i, "error_detail"))}</td>` +
        `<td class="msg">${esc(str(i, "message"))}${str(i, "returned") ? " → returned " + esc(str(i, "returned")) : ""}${err}${once}</td></tr>`;
    }
    box.innerHTML = h + "</table>";
    box.style.display = "block";
  }

  // for each fixture that fails here: the other formats and loaders of it that pass between the
  // same two environments (whatever the view's filters), measured, not advised
  function routesOf(pi, ci, idx) {
    const failing = new Map();
    for (const i of idx) if ((flag[i] & 1) && !(flag[i] & 2)) {
      const fx = str(i, "fixture");
      if (!failing.has(fx)) failing.set(fx, []);
      failing.get(fx).push(str(i, "format") + " · " + str(i, "loader"));
    }
    if (!failing.size) return "";
    const works = new Map();
    for (let i = 0; i < n; i++) if (P[i] === pi && Q[i] === ci && (flag[i] & 2)) {
      const fx = str(i, "fixture");
      if (!failing.has(fx)) continue;
      if (!works.has(fx)) works.set(fx, []);
      works.get(fx).push(str(i, "format") + " · " + str(i, "loader"));
    }
    let h = `<table class="sum" id="routes-here"><tr><th>fixture</th><th>fails as</th><th>passes between the same two as (routes that work instead)</th></tr>`;
    for (const [fx, ways] of [...failing].sort()) {
      const ok = (works.get(fx) || []).sort();
      h += `<tr><td>${esc(fx)}</td><td>${ways.sort().map(esc).join(", ")}</td><td>${ok.length ? ok.map(esc).join(", ") : "<i>nothing: no format or loader of it passes here</i>"}</td></tr>`;
    }
    return h + "</table>";
  }

  function drawMultiples() {
    const byPair = state.split === "pair";
    const w = want(byPair ? {format: "", loader: ""} : {fixture: ""});
    const G = byPair ? NF * NL : NX, t = new Int32Array(G * N * N * 4), used = new Uint8Array(G);
    for (let i = 0; i < n; i++) {
      if (!keep(w, i)) continue;
      const g = byPair ? FM.idx[i] * NL + LD.idx[i] : FX.idx[i];
      add(t, (g * N + P[i]) * N + Q[i], i);
      used[g] = 1;
    }
    const vs = VIEWS[state.envs], m = vs.length, px = m > 30 ? 4 : 6, left = 30, top = 12;
    const label = g => byPair ? FM.names[Math.floor(g / NL)] + " · " + LD.names[g % NL] : FX.names[g];
    const groups = [...used.keys()].filter(g => used[g]).sort((a, b) => label(a).localeCompare(label(b)));
    const box = document.getElementById("multiples");
    box.innerHTML = "";
    for (const g of groups) {
      const cv = document.createElement("canvas");
      cv.width = left + m * px + 2; cv.height = top + m * px + 2;
      const ctx = cv.getContext("2d");
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) {
        const x = at(t, (g * N + vpos[vs[a]]) * N + vpos[vs[b]]);
        if (!x.tried && !x.savefail) continue;
        ctx.fillStyle = unread(x) ? "#ccc" : x.tried ? hue(x) : "#c9c1e8";
        ctx.fillRect(left + b * px, top + a * px, px - 1, px - 1);
      }
      // the axes: first and last environment of each, as in the grid (rows saved by, columns loaded by)
      ctx.fillStyle = "#555"; ctx.font = "9px sans-serif";
      ctx.textAlign = "left"; ctx.fillText(vs[0], left, 9);
      ctx.textAlign = "right"; ctx.fillText(vs[m - 1], left + m * px, 9);
      ctx.fillText(vs[0], left - 2, top + px); ctx.fillText(vs[m - 1], left - 2, top + m * px);
      const fig = document.createElement("figure"), k = label(g);
      fig.innerHTML = `<figcaption>${esc(k)}</figcaption>`;
      fig.title = `${k}: rows saved by ${vs[0]}…${vs[m - 1]} (top to bottom), columns loaded by ${vs[0]}…${vs[m - 1]} (left to right)`;
      fig.prepend(cv);
      fig.onclick = () => {
        if (byPair) { [state.format, state.loader] = k.split(" · "); } else { state.fixture = k; if (!picked()) state.format = "*"; }
        state.cell = "";
        sync(); window.scrollTo(0, document.getElementById("grid-title").offsetTop - 80);
      };
      box.appendChild(fig);
    }
  }

  function sync() {
    for (const k of CONTROLS) document.getElementById("f-" + k).value = state[k];
    const q = Object.entries(state).filter(([k, v]) => v && v !== DEFAULTS[k]).map(([k, v]) => k + "=" + encodeURIComponent(v)).join("&");
    history.replaceState(null, "", q ? "#" + q : location.pathname + location.search);
    drawPicker(); drawGrid(); drawDrill(); drawMultiples();
  }

  function fill(id, options) {
    document.getElementById(id).innerHTML = options.map(([value, text]) =>
      value === text ? `<option>${esc(text)}</option>` : `<option value="${esc(value)}">${esc(text)}</option>`).join("");
  }
  const plain = names => names.map(v => [v, v]);
  fill("f-format", [["", "pick a format"], ["*", "every format (mixed)"], ...plain(FM.names)]);
  fill("f-loader", [["", "every loader"], ...plain(LD.names)]);
  fill("f-fixture", [["", "every fixture"], ...plain(FX.names)]);
  // versions as versions: 3.9 before 3.10
  const byVersion = (a, b) => a.localeCompare(b, "en", {numeric: true});
  const kerases = [...new Set(V.map(kerasOf))].sort(byVersion);
  fill("f-keras", [["", "any Keras"], ...plain(kerases)]);
  for (const k of CONTROLS)
    document.getElementById("f-" + k).onchange = e => { state[k] = e.target.value; if (k !== "envs" && k !== "split") state.cell = ""; sync(); };
  document.getElementById("grid").onclick = e => {
    const td = e.target.closest("td[data-cell]");
    if (td) { state.cell = state.cell === td.dataset.cell ? "" : td.dataset.cell; sync(); }
  };
  document.getElementById("picker").onclick = e => {
    const td = e.target.closest("td[data-pick]");
    if (td) { [state.format, state.loader] = td.dataset.pick.split("|"); state.cell = ""; sync(); }
  };

  // a shared link restores the view; what it names that the data does not have is said, and
  // left out (a typo or an old link must not leave an empty page)
  const known = {format: new Set(["*", ...FM.names]), loader: new Set(LD.names), fixture: new Set(FX.names),
    keras: new Set(kerases), envs: new Set(Object.keys(VIEWS)), split: new Set(["pair", "fixture"])};
  const badLink = [];
  let envsAsked = false;
  for (const part of location.hash.slice(1).split("&").filter(Boolean)) {
    const eq = part.indexOf("="), k = eq < 0 ? part : part.slice(0, eq), raw = eq < 0 ? "" : part.slice(eq + 1);
    let v;
    try { v = decodeURIComponent(raw); } catch (e) { badLink.push(part); continue; }
    if (!(k in state)) { badLink.push(part); continue; }
    if (k === "cell") {
      const [p, c] = v.split(",");
      if (p in vpos && c in vpos) state.cell = v; else badLink.push(part);
    } else if (known[k].has(v)) { state[k] = v; envsAsked = envsAsked || k === "envs"; }
    else badLink.push(part);
  }
  // a link to a variant's cell (or one from before the environments toggle) shows the variants
  if (state.cell && !envsAsked && state.cell.split(",").some(v => kindOf(v) !== "release")) state.envs = "apart";
  if (state.cell && !picked()) state.format = "*";
  if (badLink.length) {
    const note = document.getElementById("link-note");
    note.textContent = `This link asks for ${badLink.join(", ")}, which the published data does not have: ` +
      "showing the rest of the view. Known formats: " + FM.names.join(", ") + ".";
    note.style.display = "block";
  }
  sync();
  if (state.cell) {  // a link to a cell shows its cases, not only its outline
    const box = document.getElementById("drill");
    if (box.scrollIntoView) box.scrollIntoView();
  }
  // for the page benchmark (matrix/report/pagebench.py) and tests: the view, how long reading
  // the cases and the first drawing took, and the time since navigation (performance.now())
  const now = performance.now();
  window.tfMatrix = {state, sync, cases: n, firstDrawMs: now - started, readyMs: now};
  document.documentElement.dataset.ready = "1";
}
