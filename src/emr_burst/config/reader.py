"""Reads ``emr-burst:*`` context values and judges them with the constructs' own rules.

Values given with ``-c`` arrive as strings, so numbers, booleans, lists and maps are also accepted
in their string (JSON or comma-separated) form; the parsed value then goes through the same rule a
construct applies to its prop (:mod:`emr_burst.core.rules`), under the context key's name.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from emr_burst.core import rules
from emr_burst.core.errors import EmrBurstError, Problem, Rule, show

PREFIX = "emr-burst:"

E = TypeVar("E", bound=enum.Enum)

_INTEGER_RE = re.compile(r"^[+-]?\d+$")
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


class ContextProblem(Problem):
    """A bad context value: ``context key 'emr-burst:maxAzs' = 5: <fix>``."""

    def __str__(self) -> str:
        return f"{self.where} = {show(self.value)}: {self.fix}"


class ConfigError(EmrBurstError):
    """The CDK context holds values the reference app cannot use (every problem, one per line).

    An :class:`~emr_burst.core.errors.EmrBurstError`, hence a ``ValueError``: one ``except`` covers
    configuration and construct errors alike.
    """


# --- the string forms of ``-c`` -------------------------------------------------------------------


def as_integer(value: Any) -> Any:
    """``"3"`` becomes ``3``; anything else is left for the rule to judge."""
    if isinstance(value, str) and _INTEGER_RE.match(value.strip()):
        return int(value)
    return value


def as_boolean(value: Any) -> Any:
    """``"true"``/``"yes"``/``"1"`` and ``"false"``/``"no"``/``"0"`` become booleans."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return value


def as_list(value: Any) -> Any:
    """A JSON list (``'["a","b"]'``) or a comma list (``"a,b"``) becomes a list."""
    if not isinstance(value, str):
        return list(value) if isinstance(value, tuple) else value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return value
    return [part.strip() for part in text.split(",") if part.strip()]


def as_map(value: Any) -> Any:
    """A JSON object given as a string becomes a dict."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def boolean(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    return "use true or false"


def _list_rule(example: str, shape: Rule) -> Rule:
    """``shape``; a string left over is malformed ``-c`` JSON, so the fix names both forms."""

    def rule(value: Any) -> str | None:
        if isinstance(value, str):
            json_example = example.replace("'", '"')
            return f"use a JSON list such as [{json_example}] or a comma-separated list"
        return shape(value)

    return rule


# --- the reader -----------------------------------------------------------------------------------


class ContextReader:
    """Reads declared keys, collects every problem, and reports unknown ``emr-burst:*`` keys.

    ``context`` is the whole context (a mapping, so unknown keys can be found) or a getter such as
    ``node.try_get_context`` (then only the declared keys are read).
    """

    def __init__(
        self, context: Mapping[str, Any] | Callable[[str], Any], known: Collection[str]
    ) -> None:
        if isinstance(context, Mapping):
            self._get: Callable[[str], Any] = context.get
            self._present: tuple[str, ...] = tuple(context)
        else:
            self._get = context
            self._present = ()
        self.known = frozenset(known)
        self.problems: list[Problem] = []
        self.failed: set[str] = set()

    @staticmethod
    def where(key: str) -> str:
        return f"context key '{PREFIX}{key}'"

    def fail(self, key: str, value: Any, fix: str) -> None:
        """Record a problem with ``key`` (``key`` may carry an item: ``teams[1]``, ``zones.x``)."""
        self.failed.add(re.split(r"[.\[]", key, maxsplit=1)[0])
        self.problems.append(ContextProblem(self.where(key), PREFIX + key, value, fix))

    def ok(self, *keys: str) -> bool:
        """True when none of ``keys`` had a problem (cross-checks skip keys already reported)."""
        return not self.failed.intersection(keys)

    def raw(self, key: str) -> Any:
        if key not in self.known:
            raise KeyError(f"{PREFIX}{key} is read but not declared in emr_burst.config KEYS")
        return self._get(PREFIX + key)

    def read(
        self,
        key: str,
        default: Any,
        rule: Rule,
        *,
        parse: Callable[[Any], Any] = lambda value: value,
        optional: bool = False,
    ) -> Any:
        """The parsed value of ``key`` when ``rule`` accepts it; ``default`` when unset or bad.

        ``optional`` keys treat ``""`` like ``null`` (unset), so ``-c key=`` clears them.
        """
        value = self.raw(key)
        if value is None or (optional and value == ""):
            return default
        parsed = parse(value)
        fix = rule(parsed)
        if fix is not None:
            self.fail(key, value, fix)
            return default
        return parsed

    def read_list(
        self,
        key: str,
        default: tuple[Any, ...],
        item_rule: Rule,
        *,
        example: str,
        shape: Rule | None = None,
        parse_item: Callable[[Any], Any] = lambda item: item,
        allow_empty: bool = True,
    ) -> tuple[Any, ...]:
        """A list key: its ``shape`` (the construct's list rule, by default any list), then
        ``item_rule`` on every entry, then each (parsed) entry once."""
        shape = shape or rules.sequence(example)
        items = self.read(key, None, _list_rule(example, shape), parse=as_list)
        if items is None:
            return default
        bad = False
        for index, item in enumerate(items):
            if (fix := item_rule(item)) is not None:
                self.fail(f"{key}[{index}]", item, fix)
                bad = True
        if bad:
            return default
        parsed = [parse_item(item) for item in items]
        fix = rules.distinct(parsed)
        if fix is None and not allow_empty and not parsed:
            fix = f"list at least one entry, e.g. [{example}]"
        if fix is not None:
            self.fail(key, items, fix)
            return default
        return tuple(parsed)

    def read_choice(self, key: str, default: E) -> E:
        """A member of ``default``'s enum, given by value or name in any case."""
        parsed = rules.choice(type(default), self.read(key, default, rules.one_of(type(default))))
        return default if isinstance(parsed, str) else parsed

    def check_unknown_keys(self) -> None:
        """Every ``emr-burst:*`` key in the context must be one the reader knows."""
        for full in self._present:
            if not full.startswith(PREFIX) or full[len(PREFIX) :] in self.known:
                continue
            hint = rules.did_you_mean(full, sorted(PREFIX + k for k in self.known))
            self.problems.append(
                ContextProblem(
                    f"context key '{full}'",
                    full,
                    self._get(full),
                    f"emr-burst has no such setting{hint}; see docs/configuration.md for the keys",
                )
            )

    def raise_if_any(self) -> None:
        if self.problems:
            raise ConfigError(self.problems)
