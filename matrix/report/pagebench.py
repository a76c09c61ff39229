"""Page benchmark: how big `reports/index.html` is and how fast it answers, in headless Chromium.

    tf-compat-matrix bench --page [reports/index.html]     (nox -s bench -- --page)

Prints figures, asserts nothing (a timing is a measurement, not a test). Runs the page as a user
opens it from disk, then changes the view the way a user does, every step timed from the change
to a laid-out page (the script's drawing plus the browser's style and layout): every format
(every loader), every loader of the first format, the environment views, the Keras picker, the
small multiples by fixture, a fixture, a cell's drill-down. Each step three times.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from matrix.errors import UsageError

# what a user does, built from the page's own pickers (the view is reset before each step)
HARNESS = Path(__file__).parent / "templates" / "pagebench.js"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@dataclass(frozen=True)
class PageFigures:
    bytes: int
    data_bytes: int
    cases: int
    ready_ms: float  # navigation start → data read and first view drawn
    draw_ms: float  # of which: reading the cases into arrays and drawing
    steps: dict[str, list[float]]  # view change → its timings (ms)

    @property
    def slowest(self) -> tuple[str, float]:
        step, times = max(self.steps.items(), key=lambda kv: statistics.median(kv[1]))
        return step, statistics.median(times)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise UsageError("the page benchmark needs Chromium (Debian: apt-get install chromium)")
    return found


def _evaluate(url: str, expression: str, timeout: float = 900) -> object:
    """Open `url` in headless Chromium and return the value of `expression` (awaited), over
    the DevTools protocol on a pipe (--remote-debugging-pipe: NUL-separated JSON on fds 3/4).
    Not --dump-dom with --virtual-time-budget: under virtual time the page's clock stands
    still, and every step would take 0 ms."""
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()
    # Chromium's helper processes may still write to the profile while it closes: the whole
    # process group is stopped below, and a file they leave does not fail the measurement
    with tempfile.TemporaryDirectory(
        prefix="tfmatrix-pagebench-profile-", ignore_cleanup_errors=True
    ) as profile:
        proc = subprocess.Popen(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
             "about:blank"],
            pass_fds=(3, 4),  # kept open in the child: the ends _on_fds_3_and_4 puts there
            preexec_fn=lambda: _on_fds_3_and_4(to_browser_r, from_browser_w),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        os.close(to_browser_r)
        os.close(from_browser_w)
        out, inbox = os.fdopen(to_browser_w, "wb"), os.fdopen(from_browser_r, "rb")
        deadline = time.monotonic() + timeout
        ids = iter(range(1, 1_000_000))

        def call(method: str, session: str | None = None, **params) -> dict:
            n = next(ids)
            message = {"id": n, "method": method, "params": params}
            if session:
                message["sessionId"] = session
            out.write(json.dumps(message).encode() + b"\0")
            out.flush()
            buffer = b""
            while time.monotonic() < deadline:
                chunk = inbox.read1(1 << 16)
                if not chunk:
                    raise UsageError("Chromium closed its DevTools pipe (did it start?)")
                buffer += chunk
                *done, buffer = buffer.split(b"\0")
                for raw in done:
                    reply = json.loads(raw)
                    if reply.get("id") == n:
                        if "error" in reply:
                            raise UsageError(f"Chromium: {method}: {reply['error']}")
                        return reply["result"]
            raise UsageError(f"the page benchmark took more than {timeout:.0f}s")

        try:
            target = call("Target.createTarget", url=url)["targetId"]
            session = call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            while True:  # the first evaluation may meet about:blank's context being replaced
                try:
                    value = call("Runtime.evaluate", session, expression=expression,
                                 awaitPromise=True, returnByValue=True)  # fmt: skip
                    break
                except UsageError as exc:
                    if "context" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            if "exceptionDetails" in value:
                raise UsageError(f"the page failed: {value['exceptionDetails'].get('text')}")
            return value["result"].get("value")
        finally:
            try:
                call("Browser.close")
            except (UsageError, OSError):
                pass
            try:
                proc.wait(timeout=10)  # Browser.close: let it shut down its helpers itself
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # and whatever of the group is left
            except ProcessLookupError:
                pass
            proc.wait()


def _on_fds_3_and_4(reads: int, writes: int) -> None:
    """In the child: its DevTools ends as fds 3 and 4 (via fds above 9, so that neither end
    is overwritten by the other's move)."""
    high = fcntl.fcntl(reads, fcntl.F_DUPFD, 10), fcntl.fcntl(writes, fcntl.F_DUPFD, 10)
    os.dup2(high[0], 3)
    os.dup2(high[1], 4)


# waits for the harness's answer
_RESULT = """new Promise(resolve => { const poll = () => { const el = document.getElementById(
  "bench-out"); if (el) resolve(el.textContent); else setTimeout(poll, 50); }; poll(); })"""


def measure(page: Path) -> PageFigures:
    if not page.is_file():
        raise UsageError(f"no page at {page} (render one with: nox -s report)")
    html = page.read_text(encoding="utf-8")
    data = re.search(r'<script id="data"[^>]*>(.*?)</script>', html, re.S)
    if not data or "tfMatrix" not in html:
        raise UsageError(f"{page} is not a tf-compat-matrix page of this version (render it again)")
    with tempfile.TemporaryDirectory(prefix="tfmatrix-pagebench-") as tmp:
        copy = Path(tmp) / "index.html"
        harness = f"<script>\n{HARNESS.read_text(encoding='utf-8')}</script>\n</body>"
        copy.write_text(html.replace("</body>", harness), encoding="utf-8")
        out = json.loads(str(_evaluate(copy.as_uri(), _RESULT)))
    steps: dict[str, list[float]] = {}
    for s in out["steps"]:
        steps.setdefault(s["step"], []).append(s["ms"])
    return PageFigures(len(html.encode()), len(data[1]), out["cases"], out["readyMs"],
                       out["drawMs"], steps)  # fmt: skip


def report(fig: PageFigures) -> list[str]:
    medians = sorted(statistics.median(t) for t in fig.steps.values())
    step, worst = fig.slowest
    return [
        f"page: {fig.bytes / 1e6:.2f} MB, of which the compressed cases {fig.data_bytes / 1e6:.2f} "
        f"MB ({fig.cases} cases, {fig.bytes / max(fig.cases, 1):.1f} bytes per case)",
        f"opened from disk: first view drawn {fig.ready_ms:.0f} ms after navigation "
        f"(reading {fig.cases} cases into arrays and drawing: {fig.draw_ms:.0f} ms)",
        f"view changes: {len(fig.steps)} kinds, 3 times each; median of medians "
        f"{statistics.median(medians):.0f} ms, slowest {worst:.0f} ms ({step})",
    ]


def run(page: Path) -> None:
    for line in report(measure(page)):
        print(line)
