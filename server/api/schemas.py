"""Request and response bodies of the JSON API (marshmallow), which also feed the OpenAPI document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate

# PostgreSQL INTEGER: a larger number in a body would fail in the database (a 500) instead of being refused.
INTEGER_RANGE = validate.Range(min=-(2**31), max=2**31 - 1)


class StrictSchema(Schema):
    """Unknown fields are an error, so a typo never passes silently; every integer fits the database; a yes/no
    field is JSON true or false, as the API document says (not 0, 1, "yes" or "on")."""

    class Meta:
        ordered = True

    error_messages = {"type": "must be a JSON object of named fields, such as {\"service_id\": 3}"}

    @pre_load
    def booleans_are_json_booleans(self, data: Any, **_kwargs: Any) -> Any:
        """marshmallow would read 0, 1, "yes" or "on" as a yes/no; the API takes true or false only."""
        if isinstance(data, Mapping):
            wrong = {key: ["Not a valid boolean. Use true or false."] for name, field in self.load_fields.items()
                     if isinstance(field, fields.Boolean) and (key := field.data_key or name) in data
                     and data[key] is not None and not isinstance(data[key], bool)}
            if wrong:
                raise ValidationError(wrong)
        return data

    def on_bind_field(self, field_name: str, field_obj: Any) -> None:
        for field in (field_obj, getattr(field_obj, "inner", None)):
            if isinstance(field, fields.Integer) and INTEGER_RANGE not in field.validators:
                field.validators.append(INTEGER_RANGE)


class OfficeSchema(StrictSchema):
    id = fields.Int()
    name = fields.Str()
    timezone = fields.Str()
    opening_hours = fields.Dict()
    refuse_tickets_when_closed = fields.Bool()


class ServiceSchema(StrictSchema):
    id = fields.Int()
    office_id = fields.Int()
    name = fields.Str()
    description = fields.Str()
    prefix = fields.Str()
    target_wait_minutes = fields.Int()
    priority_weight = fields.Float()
    active = fields.Bool()
    display_order = fields.Int()
    people_waiting = fields.Int(metadata={"description": "Tickets waiting in this line now"})


class TicketSchema(StrictSchema):
    id = fields.Int()
    number = fields.Str(metadata={"example": "A007"})
    state = fields.Str(metadata={"enum": ["waiting", "called", "serving", "done", "no_show", "cancelled"]})
    office_id = fields.Int()
    service_id = fields.Int()
    service_name = fields.Str()
    counter_id = fields.Int(allow_none=True)
    counter_name = fields.Str(allow_none=True)
    origin = fields.Str()
    issued_at = fields.DateTime()
    waiting_since = fields.DateTime()
    first_called_at = fields.DateTime(allow_none=True)
    called_at = fields.DateTime(allow_none=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    call_count = fields.Int()
    people_ahead = fields.Int(allow_none=True)


class IssuedTicketSchema(TicketSchema):
    token = fields.Str(metadata={"description": "Secret that identifies the ticket holder (carried by the QR code)"})
    status_url = fields.Str()


class TicketStatusSchema(TicketSchema):
    last_called_number = fields.Str(allow_none=True)


class IssueTicketRequest(StrictSchema):
    service_id = fields.Int(required=True, strict=True)


class CounterSchema(StrictSchema):
    id = fields.Int()
    office_id = fields.Int()
    name = fields.Str()
    state = fields.Str(metadata={"enum": ["open", "paused", "closed"]})
    service_ids = fields.List(fields.Int())
    current_ticket = fields.Nested(TicketSchema, allow_none=True)


class CallTicketRequest(StrictSchema):
    ticket_id = fields.Int(required=True, strict=True)
    reason = fields.Str(load_default="", validate=validate.Length(max=200))


class TransferRequest(StrictSchema):
    service_id = fields.Int(required=True, strict=True, metadata={"description": "The line to move the ticket to"})


class SignInRequest(StrictSchema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=80))
    password = fields.Str(required=True, validate=validate.Length(min=1, max=200), load_only=True)


class StaffSchema(StrictSchema):
    id = fields.Int()
    username = fields.Str()
    display_name = fields.Str()
    role = fields.Str()
    office_ids = fields.List(fields.Int())


class TokenRequest(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    expires_in_days = fields.Int(validate=validate.Range(min=1, max=3650), metadata={
        "description": "Days until the token is refused; default the server's WAITWELL_API_TOKEN_DAYS (none "
                       "when unset). Only administrators may ask for more than that default."})
    user_id = fields.Int(metadata={"description": "Whom the token acts as (administrators only); default you"})


class TokenSchema(StrictSchema):
    token = fields.Str(metadata={"description": "Shown once; send it as 'Authorization: Bearer <token>'"})
    name = fields.Str()
    user_id = fields.Int(metadata={"description": "Whom the token acts as"})
    expires_at = fields.DateTime(allow_none=True, metadata={"description": "When it is refused; null: until "
                                                                           "revoked"})
