"""What the people's journeys check on every page they visit, besides the journey itself.

- No request leaves 127.0.0.1, none fails, and the console shows no error (a CSP refusal
  included).
- axe-core (pinned in the Makefile, installed by ``make install`` into ``.browser-deps/``)
  finds no serious or critical WCAG 2.1 A/AA violation. axe runs through the DevTools
  protocol (``page.evaluate``), which the page's CSP does not apply to.
- At 360×740 nothing is wider than the viewport unless it sits inside a box that scrolls on
  purpose (``overflow-x: auto|scroll``).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".browser-deps" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_version_pinned() -> str:
    return re.search(r"^AXE_VERSION := (\S+)", (ROOT / "Makefile").read_text(), re.M).group(1)


def axe_source() -> str | None:
    """axe.min.js at the pinned version, or None (the check skips, with the reason, unless CI=true)."""
    package = AXE.parent / "package.json"
    if not AXE.is_file() or f'"version": "{axe_version_pinned()}"' not in package.read_text():
        if os.environ.get("CI") == "true":
            pytest.fail(f"axe-core {axe_version_pinned()} missing from {AXE.parent}: run `make install`")
        return None
    return AXE.read_text()


# Every element wider than the viewport that no scrolling box holds: [tag.class, its right edge].
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p).overflowX; if (s === 'auto' || s === 'scroll' || s === 'hidden') return true; }
    return false; };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1 && getComputedStyle(el).position !== 'fixed' && !scrolls(el)
        && !el.closest('.visually-hidden, .visually-hidden-focusable, [hidden]')) {
      out.push(el.tagName.toLowerCase() + '.' + (el.className && el.className.baseVal === undefined ? el.className : '')
               + ' ' + Math.round(r.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 5)};
}"""


@dataclass
class Watch:
    """Listens to one browser context; ``check(page)`` runs axe on the page shown now."""

    axe: str | None
    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def attach(self, context) -> None:
        context.on("request", self._request)
        context.on("requestfailed", self._failed)
        context.on("response", self._response)
        context.on("page", self._page)
        for page in context.pages:
            self._page(page)

    def _page(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and not m.text.startswith("Failed to load resource")
                and self.problems.append(f"console error on {page.url}: {m.text}"))  # loads: see _response
        page.on("pageerror", lambda e: self.problems.append(f"script error on {page.url}: {e}"))

    def _request(self, request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host != "127.0.0.1":
            self.problems.append(f"request left 127.0.0.1: {request.url}")

    def _failed(self, request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:
            # the browser cancelled it: the page moved on (a download, a redirect, the test's next
            # step) while a page, a fetch or an icon was loading. A server's failure comes back as
            # an answer, checked in _response; a refused connection is another error.
            return
        self.problems.append(f"request failed: {request.url} ({failure})")

    def _response(self, response) -> None:
        request = response.request
        if response.status in (400, 409) and request.method == "POST" and request.resource_type == "document":
            return  # a form answered with its errors beside the fields: the journey checks those
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def check(self, page, label: str | None = None) -> None:
        """Note the page for the phone pass; run axe on it."""
        page.wait_for_load_state("networkidle")
        path = urlsplit(page.url)
        self.visited.append(path.path + (f"?{path.query}" if path.query else ""))
        if self.axe is None:
            return
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(self.axe)
        result = page.evaluate(
            "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']});"
            " return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')); }",
            AXE_TAGS)
        for violation in result:
            self.problems.append(f"axe on {label or page.url}: {violation}")

    def phone_pass(self, browser, base_url: str, storage_state) -> None:
        """Every page visited again at 360×740 with the same session: nothing overflows."""
        context = browser.new_context(base_url=base_url, locale="vi-VN", viewport=PHONE, storage_state=storage_state)
        self.attach(context)
        page = context.new_page()
        for path in dict.fromkeys(self.visited):
            page.goto(path)
            page.wait_for_load_state("networkidle")
            found = page.evaluate(OVERFLOW_JS)
            if found["scrollWidth"] > found["width"] or found["out"]:
                self.problems.append(f"at 360 px {path} overflows: {found}")
        context.close()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}.png"), full_page=True)
