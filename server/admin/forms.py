"""The administration forms (Flask-WTF: every one carries its CSRF token). The rules live in the services;
these only read the fields and say, per field, what is missing or malformed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from waitwell.domain.errors import InvalidInput
from waitwell.domain.hours import WEEKDAYS
from waitwell.domain.passwords import MIN_PASSWORD_LENGTH, check_password
from waitwell.domain.recalls import MAX_INTERVAL_SECONDS, MAX_RECALLS
from waitwell.persistence import Role


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """Choices for a select or checkbox list (WTForms 3.3 wants SelectChoice objects, not tuples)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def password_rule(form: FlaskForm, field: PasswordField) -> None:
    """The password rule (domain/passwords.py), said next to the field before anything is saved."""
    try:
        check_password(field.data or "")
    except InvalidInput as refusal:
        raise ValidationError(refusal.message[:1].upper() + refusal.message[1:] + ".") from None


PASSWORD_HELP = f"At least {MIN_PASSWORD_LENGTH} characters, and not a common password: a few words in a row will do."


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (services a counter serves, offices a clerk works in)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OfficeForm(FlaskForm):
    name = StringField("Name (for staff)", validators=[DataRequired(), Length(max=120)])
    public_name = StringField("Public name (kiosks, displays, tickets)", validators=[Length(max=120)],
                              description="Leave empty to use the name above.")
    timezone = StringField("Timezone", validators=[DataRequired()], default="America/New_York",
                           description="An IANA name such as America/New_York or Europe/Paris.")
    refuse_tickets_when_closed = BooleanField("Refuse tickets outside opening hours")
    mon = StringField("Monday")
    tue = StringField("Tuesday")
    wed = StringField("Wednesday")
    thu = StringField("Thursday")
    fri = StringField("Friday")
    sat = StringField("Saturday")
    sun = StringField("Sunday")
    min_seconds_between_recalls = IntegerField(
        "Minimum time between recalls (seconds)", default=0,
        validators=[InputRequired(), NumberRange(0, MAX_INTERVAL_SECONDS)],
        description="0: a ticket can be recalled at once.")
    max_recalls = IntegerField("Maximum recalls per ticket", validators=[Optional(), NumberRange(1, MAX_RECALLS)],
                               description="Empty: no maximum.")
    auto_no_show_after_recalls = IntegerField(
        "Automatic no-show after this many recalls", validators=[Optional(), NumberRange(1, MAX_RECALLS)],
        description="Empty: never automatic. The last recall then waits the minimum time above for the citizen.")

    def hours_fields(self) -> list[Any]:
        return [getattr(self, day) for day in WEEKDAYS]


class ServiceForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    prefix = StringField("Ticket prefix", validators=[DataRequired(), Regexp(r"^[A-Z]{1,3}$",
                         message="1 to 3 capital letters, like A or TL")])
    description = StringField("Description", validators=[Length(max=240)])
    names = TextAreaField("Names in other languages", description="One per line, like  es = Renovación de licencia")
    target_wait_minutes = IntegerField("Target wait (minutes)", default=20, validators=[InputRequired(),
                                                                                       NumberRange(1, 600)])
    priority_weight = FloatField("Priority weight", default=1.0, validators=[InputRequired(), NumberRange(0.1, 10)],
                                 description="1 is normal; 2 makes a minute in this line count double.")
    colour = StringField("Colour", default="#1f5fa8", validators=[Regexp(r"^#[0-9a-fA-F]{6}$",
                         message="a colour like #1f5fa8")])
    active = BooleanField("Taking tickets", default=True)


class CounterForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=60)])
    service_ids = MultiCheckboxField("Services served", coerce=int,
                                     validators=[DataRequired(message="pick at least one service")])


class KioskForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=60)])
    service_ids = MultiCheckboxField("Services offered", coerce=int,
                                     validators=[DataRequired(message="pick at least one service")])
    printer_id = SelectField("Printer", coerce=int, default=0)
    language = SelectField("Language", default="en")
    active = BooleanField("In service", default=True)


class DisplayForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    service_ids = MultiCheckboxField("Services shown", coerce=int, description="None ticked: every service.")
    counter_ids = MultiCheckboxField("Counters shown", coerce=int, description="None ticked: every counter.")
    languages = StringField("Voice languages", default="en-US", validators=[DataRequired()],
                            description="Language tags in announcement order, comma-separated: en-US, es-US")
    calls_shown = IntegerField("Recent calls shown", default=6, validators=[InputRequired(), NumberRange(3, 10)])


class PrinterForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=60)])
    connection = SelectField("Connection", choices=options([
        ("network", "Network (TCP port 9100)"), ("usb", "USB"), ("serial", "Serial"), ("cups", "CUPS queue"),
        ("file", "Device file (/dev/usb/lp0)"), ("preview", "Preview only (no paper)")]))
    host = StringField("Host (network)")
    port = IntegerField("Port (network)", default=9100, validators=[Optional(), NumberRange(1, 65535)])
    vendor_id = StringField("USB vendor id", description="Hex, like 04b8")
    product_id = StringField("USB product id", description="Hex, like 0202")
    serial_device = StringField("Serial device", description="Like /dev/ttyUSB0")
    cups_printer = StringField("CUPS printer name")
    device_path = StringField("Device file", description="Like /dev/usb/lp0")
    paper_width_mm = SelectField("Paper width", coerce=int, choices=options([(80, "80 mm"), (58, "58 mm")]), default=80)
    profile = StringField("Printer model profile", default="TM-T88V",
                          description="A python-escpos profile name: it knows the paper width and the cutter.")
    qr_mode = SelectField("QR code", default="auto", choices=options([
        ("auto", "Automatic"), ("native", "Printer draws it (small, fast)"), ("image", "As an image (any printer)")]))
    delivery = SelectField("Who sends the tickets", choices=options([
        ("server", "This server"), ("agent", "A print agent on the kiosk PC")]))

    SETTING_FIELDS = ("host", "port", "vendor_id", "product_id", "serial_device", "cups_printer", "device_path")
    NEEDED = {"network": ("host", "port"), "usb": ("vendor_id", "product_id"), "serial": ("serial_device",),
              "cups": ("cups_printer",), "file": ("device_path",), "preview": ()}

    def connection_settings(self) -> dict[str, Any]:
        """Only the fields this connection needs, so stale ones from another connection are not kept."""
        return {name: getattr(self, name).data for name in self.NEEDED.get(self.connection.data or "", ())
                if getattr(self, name).data not in (None, "")}


class NewUserForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=80)])
    display_name = StringField("Name shown to colleagues", validators=[Length(max=120)])
    role = SelectField("Role", choices=options([(r.value, r.value.title()) for r in Role]), default=Role.CLERK.value)
    office_ids = MultiCheckboxField("Offices", coerce=int)
    password = PasswordField("Password", validators=[DataRequired(), password_rule], description=PASSWORD_HELP)


class UserForm(FlaskForm):
    display_name = StringField("Name shown to colleagues", validators=[Length(max=120)])
    role = SelectField("Role", choices=options([(r.value, r.value.title()) for r in Role]))
    office_ids = MultiCheckboxField("Offices", coerce=int)
    active = BooleanField("Account active")


class PasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), password_rule], description=PASSWORD_HELP)


class TokenForm(FlaskForm):
    user_id = SelectField("Acts as", coerce=int)
    name = StringField("What uses it", validators=[DataRequired(), Length(max=120)],
                       description="Like 'Counter 3 PC' or 'Lobby display 2'.")
    expires_in_days = IntegerField("Expires after (days)", validators=[Optional(), NumberRange(min=1, max=3650)],
                                   description="Empty: the server's default (WAITWELL_API_TOKEN_DAYS).")
