"""Reading and writing the free-text admin fields: opening hours per day and service names per language."""

from __future__ import annotations

import re
from collections.abc import Mapping

from waitwell.domain.errors import InvalidInput
from waitwell.domain.hours import WEEKDAYS

PERIOD = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")
DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
             "sat": "Saturday", "sun": "Sunday"}


def hours_from_text(per_day: Mapping[str, str]) -> dict[str, list[list[str]]]:
    """{"mon": "08:00-12:00, 13:00-16:30"} -> {"mon": [["08:00", "12:00"], ["13:00", "16:30"]]}; empty: closed."""
    schedule: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        text = (per_day.get(day) or "").strip()
        if not text:
            continue
        periods = []
        for part in text.split(","):
            found = PERIOD.match(part)
            if not found:
                raise InvalidInput(f"{DAY_NAMES[day]}: {part.strip()!r} is not a period like 08:00-12:00")
            periods.append([_two_digits(found.group(1)), _two_digits(found.group(2))])
        schedule[day] = periods
    return schedule


def hours_to_text(schedule: Mapping[str, list[list[str]]]) -> dict[str, str]:
    return {day: ", ".join(f"{opens}-{closes}" for opens, closes in schedule.get(day, [])) for day in WEEKDAYS}


def names_from_text(text: str) -> dict[str, str]:
    """Lines like "es = Renovación de licencia" -> {"es": "Renovación de licencia"}."""
    names: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        language, sep, name = line.partition("=")
        if not sep or not language.strip() or not name.strip():
            raise InvalidInput(f"names, line {number}: write it like  es = Renovación de licencia")
        names[language.strip()] = name.strip()
    return names


def names_to_text(names: Mapping[str, str]) -> str:
    return "\n".join(f"{language} = {name}" for language, name in sorted(names.items()))


def _two_digits(value: str) -> str:
    hours, minutes = value.split(":")
    return f"{int(hours):02d}:{minutes}"
