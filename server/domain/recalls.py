"""Office rules for calling a ticket again: a minimum time between calls, a maximum, an automatic no-show.

`call_count` counts every call of a ticket, so recalls made = call_count - 1.

- min_seconds_between_recalls: a recall is refused until this long after the last call.
- max_recalls: a recall is refused once the ticket has been recalled this many times.
- auto_no_show_after_recalls (N): once a ticket has been recalled N times, its holder has one more
  minimum interval to come; after that the ticket becomes a no-show by itself (when the clerk asks
  for it again, when the counter calls next, or when the background sweep finds it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from waitwell.domain.errors import InvalidInput, RecallLimitReached, RecallTooSoon

MAX_INTERVAL_SECONDS = 3600
MAX_RECALLS = 20


class RecallOutcome(StrEnum):
    RECALL = "recall"
    NO_SHOW = "no_show"


@dataclass(frozen=True)
class RecallRules:
    """An office's recall rules; the defaults mean "no limit"."""

    min_seconds_between_recalls: int = 0
    max_recalls: int | None = None
    auto_no_show_after_recalls: int | None = None

    def validate(self) -> RecallRules:
        """Raise InvalidInput naming the rule that cannot work; returns itself for chaining."""
        if not 0 <= self.min_seconds_between_recalls <= MAX_INTERVAL_SECONDS:
            raise InvalidInput(f"the minimum time between recalls is 0 to {MAX_INTERVAL_SECONDS} seconds")
        for label, value in (("maximum number of recalls", self.max_recalls),
                             ("automatic no-show after recalls", self.auto_no_show_after_recalls)):
            if value is not None and not 1 <= value <= MAX_RECALLS:
                raise InvalidInput(f"the {label} is 1 to {MAX_RECALLS} (leave it empty for no limit)")
        auto, maximum = self.auto_no_show_after_recalls, self.max_recalls
        if auto is not None and self.min_seconds_between_recalls == 0:
            raise InvalidInput("an automatic no-show needs a minimum time between recalls: it is how long "
                               "the last call waits for the citizen")
        if auto is not None and maximum is not None and auto > maximum:
            raise InvalidInput(f"an automatic no-show after {auto} recalls can never happen when at most "
                               f"{maximum} recalls are allowed")
        return self

    @property
    def interval(self) -> timedelta:
        return timedelta(seconds=self.min_seconds_between_recalls)


def recalls_made(call_count: int) -> int:
    return max(call_count - 1, 0)


def auto_no_show_due(rules: RecallRules, *, call_count: int, last_called_at: datetime, now: datetime) -> bool:
    """Whether a called ticket has had all its recalls and its last call's interval has passed."""
    auto = rules.auto_no_show_after_recalls
    return auto is not None and recalls_made(call_count) >= auto and now - last_called_at >= rules.interval


def auto_no_show_at(rules: RecallRules, *, call_count: int, last_called_at: datetime) -> datetime | None:
    """When a called ticket will become a no-show by itself, if the rules say it will (for countdowns)."""
    auto = rules.auto_no_show_after_recalls
    if auto is None or recalls_made(call_count) < auto:
        return None
    return last_called_at + rules.interval


def decide_recall(
    rules: RecallRules, *, number: str, call_count: int, last_called_at: datetime, now: datetime
) -> RecallOutcome:
    """Recall the ticket, or mark it a no-show when the automatic rule says so; raise when the rules refuse."""
    waited = now - last_called_at
    if waited < rules.interval:
        remaining = int((rules.interval - waited).total_seconds() + 0.999)
        raise RecallTooSoon(
            f"wait {remaining} s before calling {number} again: the office allows one call every "
            f"{rules.min_seconds_between_recalls} s"
        )
    if auto_no_show_due(rules, call_count=call_count, last_called_at=last_called_at, now=now):
        return RecallOutcome.NO_SHOW
    made = recalls_made(call_count)
    if rules.max_recalls is not None and made >= rules.max_recalls:
        raise RecallLimitReached(
            f"{number} has been recalled {made} time{'s' if made != 1 else ''}, the office's maximum: "
            "mark it as a no-show or start serving"
        )
    return RecallOutcome.RECALL
