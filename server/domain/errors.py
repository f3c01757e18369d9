"""Domain errors: each one means "nothing was changed" and carries a message a person can act on."""

from __future__ import annotations


class WaitwellError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "waitwell_error"
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(WaitwellError):
    code = "not_found"
    http_status = 404


class InvalidInput(WaitwellError):
    code = "invalid_input"
    http_status = 422


class IllegalTransition(WaitwellError):
    """The ticket or counter is not in a state that allows this operation."""

    code = "illegal_transition"
    http_status = 409


class CounterNotOpen(IllegalTransition):
    code = "counter_not_open"


class ServiceInactive(WaitwellError):
    code = "service_inactive"
    http_status = 409


class OfficeClosed(WaitwellError):
    code = "office_closed"
    http_status = 409


class NothingToCall(WaitwellError):
    """Call next found no waiting ticket for the counter's services."""

    code = "nothing_to_call"
    http_status = 404


class Conflict(WaitwellError):
    code = "conflict"
    http_status = 409


class NotAuthorized(WaitwellError):
    code = "not_authorized"
    http_status = 403


class RecallTooSoon(Conflict):
    """The office's minimum time between two calls of the same ticket has not passed yet."""

    code = "recall_too_soon"


class RecallLimitReached(Conflict):
    """The ticket has been recalled as many times as the office allows."""

    code = "recall_limit_reached"


class CounterTaken(Conflict):
    """Another clerk is signed in at the counter."""

    code = "counter_taken"


class TooManyAttempts(WaitwellError):
    """Sign-in refused for now after repeated failures: try again in `retry_after` seconds (Retry-After)."""

    code = "too_many_attempts"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BadCredentials(WaitwellError):
    """Wrong username or password (the same answer for both, so usernames cannot be probed)."""

    code = "bad_credentials"
    http_status = 401


class DailyTicketCapReached(WaitwellError):
    """The office has issued as many tickets today as its daily cap allows; `retry_after` is the number of
    seconds until its next local day begins."""

    code = "daily_ticket_cap_reached"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
