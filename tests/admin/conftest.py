from __future__ import annotations

from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from tests.console.support import StaffBrowser, signed_in
from tests.factories import make_office, make_staff
from waitwell.persistence import Role


@pytest.fixture
def office(runtime):
    return make_office(runtime, open_counters=False)


@pytest.fixture
def admin(app, runtime, office) -> StaffBrowser:
    browser = signed_in(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    browser.refresh_token("/admin/")
    return browser


def page(browser: StaffBrowser, url: str) -> str:
    response = browser.client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


class _FormReader(HTMLParser):
    """The fields of the page's forms as a browser would send them (text, hidden, checked boxes, textareas,
    selected options), per form action."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._fields = self.forms.setdefault(attr.get("action", ""), [])
        elif self._fields is None or "disabled" in attr:
            return
        elif tag == "input" and attr.get("name"):
            kind = attr.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attr:
                return
            if kind not in ("submit", "button", "image", "file"):
                self._fields.append((attr["name"], attr.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and attr.get("name"):
            self._textarea, self._text = attr["name"], ""
        elif tag == "select" and attr.get("name"):
            self._select = attr["name"]
        elif tag == "option" and self._select and "selected" in attr:
            self._fields.append((self._select, attr.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "textarea" and self._textarea is not None and self._fields is not None:
            self._fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_as_sent(html: str, url: str) -> MultiDict[str, str]:
    """What submitting the form of the page at `url` that posts to that page sends."""
    reader = _FormReader()
    reader.feed(html)
    fields = reader.forms.get(url, reader.forms.get(""))
    assert fields is not None, f"no form posts to {url}: {list(reader.forms)}"
    return MultiDict(fields)
