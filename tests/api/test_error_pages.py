"""A browser that opens a wrong address gets a page in words, in its language; scripts and the pages' own
requests keep the JSON answer they read."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_a_mistyped_kiosk_address_says_so_on_a_page(client: FlaskClient) -> None:
    """It used to show a technician setting up the kiosk the API's raw JSON."""
    page = client.get("/kiosk/999", headers=BROWSER)
    assert page.status_code == 404 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "Page not found" in text and "There is no kiosk 999." in text
    assert 'href="/"' in text  # a way on: the current waits


def test_an_unknown_address_gets_the_same_kind_of_page_in_spanish(client: FlaskClient) -> None:
    page = client.get("/no-such-page?lang=es", headers=BROWSER)
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert "Página no encontrada" in text and "Compruebe la dirección" in text
    assert '<html lang="es">' in text


def test_a_page_that_fails_says_something_went_wrong_without_details(app: Flask, client: FlaskClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/broken-for-the-test")
    def broken() -> str:
        raise RuntimeError("a secret detail")

    page = client.get("/broken-for-the-test", headers=BROWSER)
    assert page.status_code == 500
    text = page.get_data(as_text=True)
    assert "Something went wrong" in text and "secret" not in text


def test_scripts_and_page_requests_keep_the_json_answer(client: FlaskClient) -> None:
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "application/json"}):
        answer = client.get("/kiosk/999", headers=headers)
        assert answer.status_code == 404
        assert answer.get_json()["error"]["message"] == "there is no kiosk 999"
    assert client.get("/api/v1/kiosks/999/board", headers=BROWSER).get_json()["error"]["code"] == "not_found"
