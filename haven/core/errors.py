"""Errors every layer may raise. A blocking safeguard rule (haven/*/rules.py) raises
SafeguardViolation; pages show it as a form error, the API as HTTP 422 with its measure ID."""

from typing import Any


class SafeguardViolation(Exception):
    """A blocking safeguard rule refused an action. The message tells the practitioner what to
    do instead; the measure ID says which requirement it enforces."""

    def __init__(self, measure_id: str, message: Any, *, code: str = "") -> None:
        self.measure_id = measure_id
        self.message = message
        self.code = code or measure_id.lower().replace("-", "")
        super().__init__(f"{measure_id}: {message}")
