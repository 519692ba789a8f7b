"""Every benchmark states its goals here and ends with their verdicts.

A script collects what it measured in a ``Verdicts`` and calls ``finish()`` last: each goal
is printed with "reached" or "NOT reached", and the process exits with 1 when one was missed.
When ``BENCH_RESULTS`` names a file (``python -m bench`` sets it), every goal is appended to
it as one JSON line, from which the summary table of ``make bench`` is printed.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from typing import NoReturn


@dataclass(frozen=True)
class Goal:
    benchmark: str
    name: str
    measured: str
    target: str
    reached: bool


def _number(value: float, unit: str) -> str:
    digits = 2 if abs(value) < 10 else 0 if abs(value) >= 100 else 1
    return f"{value:.{digits}f}{unit}"


class Verdicts:
    """The goals of one benchmark run, in the order they were measured."""

    def __init__(self, benchmark: str) -> None:
        self.benchmark = benchmark
        self.goals: list[Goal] = []

    def at_least(self, name: str, measured: float, limit: float, unit: str = "") -> bool:
        return self._add(
            name, _number(measured, unit), f"≥ {_number(limit, unit)}", measured >= limit
        )

    def at_most(self, name: str, measured: float, limit: float, unit: str = "") -> bool:
        return self._add(
            name, _number(measured, unit), f"≤ {_number(limit, unit)}", measured <= limit
        )

    def exactly(self, name: str, measured: object, expected: object) -> bool:
        return self._add(name, str(measured), f"= {expected}", measured == expected)

    def holds(self, name: str, ok: bool, detail: str = "") -> bool:
        """A condition that is true or not (``detail`` says what was seen)."""
        return self._add(name, detail or ("yes" if ok else "no"), "yes", ok)

    def _add(self, name: str, measured: str, target: str, reached: bool) -> bool:
        self.goals.append(Goal(self.benchmark, name, measured, target, reached))
        return reached

    @property
    def all_reached(self) -> bool:
        return bool(self.goals) and all(goal.reached for goal in self.goals)

    def print(self) -> None:
        width = max((len(goal.name) for goal in self.goals), default=0)
        print()
        print(f"goals of {self.benchmark}:")
        for goal in self.goals:
            verdict = "reached" if goal.reached else "NOT reached"
            print(f"  {goal.name:{width}}  {goal.measured:>10}  (goal {goal.target}): {verdict}")

    def finish(self) -> NoReturn:
        """Print the verdicts, record them for the summary, exit 1 if one goal was missed."""
        self.print()
        results = os.environ.get("BENCH_RESULTS")
        if results:
            with open(results, "a", encoding="utf-8") as file:
                for goal in self.goals:
                    file.write(json.dumps(asdict(goal), ensure_ascii=False) + "\n")
        sys.stdout.flush()
        sys.exit(0 if self.all_reached else 1)
