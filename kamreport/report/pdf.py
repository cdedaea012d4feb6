"""PDFs of the reports' HTML, printed by headless Chromium.

A process keeps one Chromium for all its PDFs (:class:`Browser`, driven over the DevTools pipe);
when it fails, the PDF is printed by a one-shot ``chromium --print-to-pdf``, so a failure of the
long-lived browser costs time, never a report. nbconvert's LaTeX PDF drops CJK and WeasyPrint
runs no JavaScript (DESIGN.md).
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kamreport.errors import RenderError


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None


#: Chromium's flags for printing, shared by the one-shot and the long-lived browser.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run")
#: Wait until the page's fonts are loaded and two frames are drawn (plotly, CJK glyphs).
SETTLED = "document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))"


class Browser:
    """One headless Chromium printing many PDFs, driven by the DevTools protocol over a pipe
    (``--remote-debugging-pipe``: NUL-separated JSON on the browser's fds 3 and 4, no port, no
    extra package). A PDF then costs a page load and ``Page.printToPDF`` (~0.6 s) in the same page
    instead of a new browser (~2 s); the pages are those of ``chromium --print-to-pdf`` (same A4 ``@page``).
    Chromium quits when the pipe closes, so it never outlives its process."""

    def __init__(self, executable: str):
        self._profile = tempfile.mkdtemp(prefix="kam-chromium-")
        commands, self._to_browser = os.pipe()
        self._from_browser, replies = os.pipe()
        # a tiny trampoline puts the pipe ends on fds 3 and 4 (no preexec_fn: workers have threads)
        trampoline = "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); os.execv(sys.argv[3], sys.argv[3:])"
        self._proc = subprocess.Popen(
            [sys.executable, "-c", trampoline, str(commands), str(replies), executable, *CHROMIUM_FLAGS,
             f"--user-data-dir={self._profile}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(commands, replies), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(commands)
        os.close(replies)
        self._buffer, self._events, self._id = b"", [], 0
        self._page: tuple[str, str | None] | None = None      # (target, session) of the printing page

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if not select.select([self._from_browser], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise TimeoutError("Chromium did not answer in time")
            if not (chunk := os.read(self._from_browser, 1 << 20)):
                raise ConnectionError("Chromium closed its pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, *, session: str | None = None,
             timeout: float = 60) -> dict:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while (reply := self._message(deadline)).get("id") != self._id:
            self._events.append(reply)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error'].get('message')}")
        return reply["result"]

    def _wait(self, event: str, session: str, deadline: float) -> None:
        while not any(e.get("method") == event and e.get("sessionId") == session for e in self._events):
            self._events.append(self._message(deadline))
        self._events = [e for e in self._events if e.get("sessionId") != session]

    def _page_session(self) -> str:
        """The session of the one page this browser prints with: made at the first PDF, then
        navigated to each report (a new page per PDF started a renderer each time: ~0.15 s of
        CPU and 0.1 s a PDF; a navigation starts every report's document afresh)."""
        if self._page is None:
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self._page = (target, None)           # closed by print_pdf if what follows fails
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self.call("Page.enable", session=session)
            self._page = (target, session)
        return self._page[1]

    def print_pdf(self, html_path: Path, *, timeout: float = 120) -> bytes:
        """``html_path`` printed to PDF (the page's own ``@page`` size and margins)."""
        deadline = time.monotonic() + timeout
        try:
            session = self._page_session()
            self._events = [e for e in self._events if e.get("sessionId") != session]   # nothing of the last page
            self.call("Page.navigate", {"url": Path(html_path).resolve().as_uri()}, session=session)
            self._wait("Page.loadEventFired", session, deadline)
            self.call("Runtime.evaluate", {"expression": SETTLED, "awaitPromise": True}, session=session,
                      timeout=max(1.0, deadline - time.monotonic()))
            pdf = self.call("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True},
                            session=session, timeout=max(1.0, deadline - time.monotonic()))
        except BaseException:       # a page that failed is not printed with again
            if self._page is not None:
                target, self._page = self._page[0], None
                with contextlib.suppress(Exception):
                    self.call("Target.closeTarget", {"targetId": target}, timeout=10)
            raise
        return base64.b64decode(pdf["data"])

    def close(self) -> None:
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(10)
        shutil.rmtree(self._profile, ignore_errors=True)


_BROWSER: Browser | None = None


def close_browser() -> None:
    """End this process's long-lived Chromium (:func:`print_pdf` starts one when needed)."""
    global _BROWSER
    if _BROWSER is not None:
        _BROWSER, browser = None, _BROWSER
        browser.close()


def start_browser() -> None:
    """Start this process's Chromium now, without waiting for it (it boots while a report's kernel
    runs); nothing when it runs already or Chromium is not installed (:func:`print_pdf` says so)."""
    global _BROWSER
    if _BROWSER is None and (executable := chromium()) is not None:
        with contextlib.suppress(OSError):
            _BROWSER = Browser(executable)
            atexit.register(close_browser)


def print_pdf(html_path: Path, *, timeout: int = 120) -> bytes:
    """``html_path`` printed to an A4 PDF by headless Chromium (JavaScript and CJK intact).

    The process keeps one Chromium for all its PDFs (:class:`Browser`); when that browser fails,
    it is closed and this PDF is printed by a browser of its own (``--print-to-pdf``), so a
    failure of the long-lived one costs time, never a report."""
    global _BROWSER
    executable = chromium()
    if executable is None:
        raise RenderError("PDF output needs Chromium, which is not installed; run `apt-get install chromium` or drop pdf from output.formats")
    try:
        if _BROWSER is None:
            _BROWSER = Browser(executable)
            atexit.register(close_browser)
        pdf = _BROWSER.print_pdf(html_path, timeout=timeout)
    except (OSError, ValueError, RuntimeError, TimeoutError, KeyError):
        close_browser()
    else:
        return pdf
    with tempfile.TemporaryDirectory(prefix="kam-chromium-") as profile:
        tmp_pdf = Path(profile) / "out.pdf"
        cmd = [executable, *CHROMIUM_FLAGS, "--no-pdf-header-footer", f"--user-data-dir={profile}/profile",
               "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
               f"--print-to-pdf={tmp_pdf}", html_path.resolve().as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, text=True)
        except subprocess.TimeoutExpired:
            raise RenderError(f"{html_path}: Chromium did not finish printing the PDF within {timeout} s") from None
        if proc.returncode != 0 or not tmp_pdf.exists() or tmp_pdf.stat().st_size == 0:
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise RenderError(f"{html_path}: Chromium failed to print the PDF ({last})")
        return tmp_pdf.read_bytes()


__all__ = ["Browser", "chromium", "close_browser", "print_pdf", "start_browser"]
