"""The emails about a booking, in the booker's language: text and HTML, the QR code to scan at the kiosk, and the
appointment as a calendar file."""

from __future__ import annotations

import io
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

import qrcode
from flask_babel import force_locale, gettext
from markupsafe import escape

from waitwell.appointments.ics import appointment_calendar
from waitwell.appointments.links import booking_url, calendar_url, manage_url
from waitwell.appointments.wording import local_day, local_time
from waitwell.services.appointments.messages import MessageToSend

CANCELLATIONS = ("cancelled", "office_cancelled")


def compose(message: MessageToSend, *, base_url: str, now: datetime) -> EmailMessage:
    """The email for one outbox message; call inside an app context (for the translations)."""
    booking = message.appointment
    with force_locale(booking.language):
        words = _words(message, base_url)
        email = EmailMessage()
        email["To"] = booking.email or ""
        # CLDR puts a narrow no-break space before AM/PM; header folding treats it as a fold point and mangles it.
        email["Subject"] = words["subject"].replace("\u202f", " ")
        email.set_content(_text_body(words))
        qr_id = make_msgid(domain="waitwell")
        email.add_alternative(_html_body(words, qr_id), subtype="html")
        if message.kind not in CANCELLATIONS:
            email.get_payload()[1].add_related(qr_png(booking.code), maintype="image", subtype="png", cid=qr_id,
                                               filename="booking-code.png")
        calendar = appointment_calendar(
            uid=f"appointment-{booking.id}-{booking.code}@waitwell", starts_at=booking.starts_at,
            ends_at=booking.ends_at, summary=f"{booking.service_name} – {booking.office_name}",
            location=booking.office_name, description=words["calendar_description"],
            url=manage_url(base_url, booking.manage_token), stamp=now, cancelled=message.kind in CANCELLATIONS,
        )
        email.add_attachment(calendar, maintype="text", subtype="calendar", filename="appointment.ics",
                             params={"method": "CANCEL" if message.kind in CANCELLATIONS else "PUBLISH"})
        return email


def qr_png(code: str) -> bytes:
    """The booking code as a QR code: what a kiosk's barcode scanner types back."""
    image = qrcode.make(code, box_size=8, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _words(message: MessageToSend, base_url: str) -> dict[str, str]:
    booking = message.appointment
    day = local_day(booking.starts_at, booking.timezone, booking.language)
    time = local_time(booking.starts_at, booking.timezone, booking.language)
    values = {"office": booking.office_name, "service": booking.service_name, "day": day, "time": time,
              "code": booking.code, "early": message.check_in_early_minutes,
              "late": message.check_in_late_minutes}
    subjects = {
        "confirmation": gettext("Booked: %(service)s on %(day)s at %(time)s (code %(code)s)", **values),
        "rescheduled": gettext("Moved: your appointment is now on %(day)s at %(time)s (code %(code)s)", **values),
        "reminder": gettext("Reminder: %(service)s on %(day)s at %(time)s (code %(code)s)", **values),
        "cancelled": gettext("Cancelled: your appointment on %(day)s at %(time)s", **values),
        "office_cancelled": gettext("%(office)s had to cancel your appointment on %(day)s at %(time)s", **values),
    }
    intros = {
        "confirmation": gettext("Your appointment is booked."),
        "rescheduled": gettext("Your appointment has been moved to a new time."),
        "reminder": gettext("This is a reminder of your appointment."),
        "cancelled": gettext("Your appointment has been cancelled, as you asked."),
        "office_cancelled": gettext("We are sorry: the office had to cancel your appointment."),
    }
    reason = booking.cancel_reason if message.kind == "office_cancelled" else ""
    return {
        "subject": subjects[message.kind],
        "greeting": gettext("Hello %(name)s,", name=booking.name or ""),
        "intro": intros[message.kind],
        "reason": gettext("Reason: %(reason)s", reason=reason) if reason else "",
        "what_label": gettext("What"), "what": booking.service_name,
        "when_label": gettext("When"), "when": f"{day}, {time}",
        "where_label": gettext("Where"), "where": booking.office_name,
        "code_label": gettext("Booking code"), "code": booking.code,
        "arrive": gettext("At the office, type your booking code at the kiosk or hold the QR code under its "
                          "scanner. Check-in opens %(early)s minutes before your time and closes %(late)s minutes "
                          "after it; later than that you can still take an ordinary ticket.", **values),
        "manage": gettext("Check in from your phone, move or cancel your appointment:"),
        "manage_url": manage_url(base_url, booking.manage_token),
        "calendar": gettext("Add to your calendar:"),
        "calendar_url": calendar_url(base_url, booking.manage_token),
        "book_again": gettext("Book another time:"),
        "book_again_url": booking_url(base_url, booking.office_id),
        "qr_alt": gettext("QR code of your booking code %(code)s", code=booking.code),
        "calendar_description": gettext("Booking code %(code)s. Check in at the kiosk or from the link.",
                                        code=booking.code),
        "kind": message.kind,
    }


def _text_body(words: dict[str, str]) -> str:
    lines = [words["greeting"], "", words["intro"]]
    if words["reason"]:
        lines.append(words["reason"])
    lines += ["", f"{words['what_label']}: {words['what']}", f"{words['when_label']}: {words['when']}",
              f"{words['where_label']}: {words['where']}", f"{words['code_label']}: {words['code']}", ""]
    if words["kind"] in CANCELLATIONS:
        lines += [words["book_again"], words["book_again_url"]]
    else:
        lines += [words["arrive"], "", words["manage"], words["manage_url"], "", words["calendar"],
                  words["calendar_url"]]
    return "\n".join(lines) + "\n"


def _html_body(words: dict[str, str], qr_id: str) -> str:
    def row(label: str, value: str) -> str:
        return (f'<tr><th style="text-align:left;padding:4px 12px 4px 0;color:#4b5563">{escape(label)}</th>'
                f'<td style="padding:4px 0;font-weight:600">{escape(value)}</td></tr>')

    parts = [
        '<div style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#111827;max-width:36em">',
        f"<p>{escape(words['greeting'])}</p>", f"<p><strong>{escape(words['intro'])}</strong></p>",
    ]
    if words["reason"]:
        parts.append(f"<p>{escape(words['reason'])}</p>")
    parts.append("<table>" + row(words["what_label"], words["what"]) + row(words["when_label"], words["when"])
                 + row(words["where_label"], words["where"]) + row(words["code_label"], words["code"]) + "</table>")
    if words["kind"] in CANCELLATIONS:
        parts.append(f'<p>{escape(words["book_again"])} <a href="{escape(words["book_again_url"])}">'
                     f'{escape(words["book_again_url"])}</a></p>')
    else:
        parts += [
            f'<p><img src="cid:{qr_id[1:-1]}" width="200" height="200" alt="{escape(words["qr_alt"])}"></p>',
            f"<p>{escape(words['arrive'])}</p>",
            f'<p>{escape(words["manage"])}<br><a href="{escape(words["manage_url"])}">'
            f'{escape(words["manage_url"])}</a></p>',
            f'<p>{escape(words["calendar"])} <a href="{escape(words["calendar_url"])}">appointment.ics</a></p>',
        ]
    parts.append("</div>")
    return "\n".join(parts)
