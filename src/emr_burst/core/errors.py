"""The one exception type of the library, and the collector every construct and config uses.

Every problem names where it is (a construct path, or a context key), the prop, the value given and
the fix. Constructs collect every problem before raising once, so a user sees all of them at once::

    check = Checker(scope, construct_id, "EmrVirtualCluster")
    check.rule("namespace", namespace, rules.namespace)
    check.raise_if_any()   # EmrBurstError listing every problem
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from constructs import Construct

#: A rule takes a value and returns the fix when the value is bad, ``None`` when it is fine.
Rule = Callable[[Any], "str | None"]

_MAX_VALUE_CHARS = 120


def show(value: Any) -> str:
    """A short, readable rendering of a user's value for a message."""
    if isinstance(value, cdk.Duration):
        return f"Duration({value.to_human_string()})"
    text = repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


@dataclass(frozen=True)
class Problem:
    """One bad input: where it is, which prop, the value given, and how to fix it."""

    where: str
    prop: str
    value: Any
    fix: str

    def __str__(self) -> str:
        if not self.prop:  # a problem of no single prop (e.g. a malformed acknowledgment)
            return f"{self.where}: {self.fix}"
        return f"{self.where}: {self.prop} = {show(self.value)}: {self.fix}"


class EmrBurstError(ValueError):
    """Every error the library raises for bad input: one or more :class:`Problem`.

    It is a ``ValueError``, so ``except ValueError`` keeps working; ``problems`` lists each one and
    ``str(err)`` puts one per line.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        """One line per problem, for a command-line report."""
        return [str(p) for p in self.problems]


class Checker:
    """Collects the problems of one construct (or of the configuration) and raises them together.

    ``where`` is the construct path the construct will have (``scope path/construct id``) with its
    class name, so a message points at the construct before it exists.
    """

    def __init__(
        self, scope: Construct | None, construct_id: str | None, kind: str, *, where: str = ""
    ) -> None:
        if not where:
            parent = scope.node.path if scope is not None else ""
            path = f"{parent}/{construct_id}" if parent else str(construct_id)
            where = f"{kind} '{path}'"
        self.where = where
        self.problems: list[Problem] = []

    def add(self, prop: str, value: Any, fix: str) -> None:
        self.problems.append(Problem(self.where, prop, value, fix))

    def rule(self, prop: str, value: Any, rule: Rule) -> bool:
        """Apply ``rule`` to ``value`` and record its fix under ``prop``; True when it passed."""
        fix = rule(value)
        if fix is not None:
            self.add(prop, value, fix)
            return False
        return True

    def each(self, prop: str, values: Iterable[Any], rule: Rule) -> bool:
        """Apply ``rule`` to every item of ``values`` (``prop[i]`` names the bad ones)."""
        ok = True
        for index, value in enumerate(values):
            ok = self.rule(f"{prop}[{index}]", value, rule) and ok
        return ok

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def merge(self, error: EmrBurstError) -> None:
        self.problems.extend(error.problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_if_any(self) -> None:
        if self.problems:
            raise EmrBurstError(self.problems)
