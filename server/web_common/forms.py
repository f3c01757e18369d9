"""Forms every staff page may post: a FlaskForm carries a CSRF token, so even a bare button is protected."""

from __future__ import annotations

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that post (sign out, take over a counter)."""
