"""Every sentence the kiosk page shows, in every language at once, so switching language needs no request."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from waitwell.i18n import available_languages


def _messages() -> dict[str, str]:
    """The page's sentences in the current locale; %(name)s placeholders are filled in by the page."""
    return {
        "title": gettext("Take a ticket"),
        "choose": gettext("Touch the service you need to take a ticket"),
        "language": gettext("Language"),
        "waiting_none": gettext("No one waiting"),
        "waiting_one": gettext("%(n)s person waiting"),
        "waiting_other": gettext("%(n)s people waiting"),
        "wait": gettext("Estimated wait: %(range)s"),
        "no_estimate": gettext("No wait estimate right now"),
        "unavailable": gettext("Not taking tickets right now"),
        "more_services": gettext("More services below: slide the list up"),
        "appointment": gettext("I have an appointment"),
        "issuing": gettext("Issuing your ticket…"),
        "reconnecting": gettext("Reconnecting… please wait, your ticket will not be lost"),
        "offline_banner": gettext("Reconnecting to the server…"),
        "offline_taps_kept": gettext("You can still take a ticket: touch your service and wait a moment."),
        "your_number": gettext("Your number"),
        "ahead_one": gettext("%(n)s person ahead of you"),
        "ahead_other": gettext("%(n)s people ahead of you"),
        "ahead_none": gettext("You are next in line"),
        "printing": gettext("Printing your ticket…"),
        "printed": gettext("Please take your ticket below."),
        "no_printer": gettext("Scan the code with your phone to follow your place in line, or note your number."),
        "printer_problem_title": gettext("The printer is not working right now"),
        "printer_problem": gettext("Your ticket is valid. Scan this code with your phone to follow your place in "
                                   "line, or write down your number."),
        "scan_hint": gettext("Scan to follow your place in line"),
        "qr_alt": gettext("QR code that opens your ticket's status page"),
        "done": gettext("Done"),
        "back": gettext("Back"),
        "too_many": gettext("Too many tickets were asked for just now. Please wait a moment and try again."),
        "failed": gettext("We could not issue a ticket. Please ask at the desk."),
        "server_unreachable": gettext("We cannot reach the server. Please ask at the desk."),
        "booking_code": gettext("Booking code"),
        "booking_hint": gettext("Type the code from your confirmation, or hold its QR code under the scanner."),
        "check_in": gettext("Check in"),
        "checking_in": gettext("Checking in…"),
        "too_early": gettext("You are early. Check-in for your appointment opens at %(time)s."),
        "too_early_day": gettext("Your appointment is on %(day)s, not today. Check-in opens at %(time)s that day."),
        "too_late": gettext("Your appointment was at %(time)s. You can still take an ordinary ticket and wait your "
                            "turn."),
        "walk_in": gettext("Take a ticket for %(service)s"),
        "checked_in_for": gettext("Checked in for your appointment at %(time)s"),
        "booking_not_found": gettext("We cannot find this booking here. Please check the code or ask at the desk."),
        "summary": gettext("Your number is %(number)s. %(ahead)s. %(wait)s. %(print)s"),
    }


def messages_by_language() -> dict[str, dict[str, str]]:
    """All sentences for every language with a catalogue."""
    result = {}
    for language in available_languages():
        with force_locale(language):
            result[language] = _messages()
    return result
