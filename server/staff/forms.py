"""Form helpers shared by the staff pages: every form is a FlaskForm, so every form carries a CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class SignInForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that post (sign out, take over a counter)."""
