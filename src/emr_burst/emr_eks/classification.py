"""EMR on EKS configuration classifications: typed, merged by name, checked against EMR's limits.

Limits from the EMR on EKS API reference (``Configuration``): a classification name has 1-1024
characters; a classification holds at most 100 properties whose keys and values have 1-1024
non-blank characters and at most 100 nested configurations; a job holds at most 100 application
configurations.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk

from emr_burst.core.errors import Checker, Problem

MAX_CONFIGURATIONS = 100
MAX_PROPERTIES = 100
MAX_CHARS = 1024

#: Classifications EMR on EKS 7.x documents; an unknown name close to one of these is a typo.
KNOWN_CLASSIFICATIONS = (
    "spark-defaults",
    "spark-env",
    "spark-hive-site",
    "spark-log4j",
    "spark-log4j2",
    "spark-metrics",
    "emr-job-submitter",
    "emr-containers-defaults",
    "export",
)


@dataclass(frozen=True)
class Classification:
    """One configuration classification, such as ``emr-job-submitter``.

    Example::

        Classification("emr-containers-defaults",
                       {"logging.request.cores": "200m", "logging.request.memory": "200Mi"})
        Classification("spark-env", configurations=[Classification("export", {"JAVA_HOME": ...})])

    :param name: the classification. :param properties: its properties. Default: - none.
    :param configurations: nested classifications. Default: - none.
    """

    name: str
    properties: Mapping[str, str] = field(default_factory=dict)
    configurations: Sequence[Classification] = ()

    def check(self, check: Checker, prop: str) -> None:
        """Record problems of shape and EMR's limits under ``prop``."""
        if not isinstance(self.name, str) or not 1 <= len(self.name.strip()) <= MAX_CHARS:
            check.add(f"{prop}.name", self.name, f"use 1-{MAX_CHARS} non-blank characters")
        elif self.name not in KNOWN_CLASSIFICATIONS:
            close = difflib.get_close_matches(self.name, KNOWN_CLASSIFICATIONS, n=1, cutoff=0.85)
            if close:
                check.add(f"{prop}.name", self.name, f"did you mean {close[0]!r}?")
        if not isinstance(self.properties, Mapping):
            check.add(f"{prop}.properties", self.properties, "pass a mapping of strings")
        else:
            check_properties(check, f"{prop}.properties", self.properties)
        if isinstance(self.configurations, (str, Mapping)) or not isinstance(
            self.configurations, Sequence
        ):
            check.add(f"{prop}.configurations", self.configurations, "pass a list")
            return
        if len(self.configurations) > MAX_CONFIGURATIONS:
            check.add(
                f"{prop}.configurations",
                len(self.configurations),
                f"EMR accepts at most {MAX_CONFIGURATIONS} nested configurations",
            )
        for index, nested in enumerate(self.configurations):
            if not isinstance(nested, Classification):
                check.add(f"{prop}.configurations[{index}]", nested, "pass Classification(...)")
            else:
                nested.check(check, f"{prop}.configurations[{index}]")


def check_properties(check: Checker, prop: str, properties: Mapping[Any, Any]) -> None:
    """EMR's limits on one classification's properties (values that are tokens pass)."""
    if len(properties) > MAX_PROPERTIES:
        check.add(
            prop,
            f"{len(properties)} properties",
            f"EMR accepts at most {MAX_PROPERTIES} per classification; move some into a "
            "configuration file or a job's own parameters",
        )
    for key, value in properties.items():
        if not isinstance(key, str) or not 1 <= len(key.strip()) <= MAX_CHARS:
            check.add(f"{prop} key", key, f"keys have 1-{MAX_CHARS} non-blank characters")
        if not isinstance(value, str):
            check.add(f"{prop}[{key!r}]", value, "values are strings, e.g. 'true' or '4'")
        elif cdk.Token.is_unresolved(value):
            continue
        elif not value.strip() or len(value) > MAX_CHARS:
            check.add(
                f"{prop}[{key!r}]",
                value,
                f"values have 1-{MAX_CHARS} characters and are not blank",
            )


class ClassificationSet:
    """Classifications merged by name, remembering which source set each property."""

    def __init__(self, where: str) -> None:
        self.where = where
        self._entries: dict[str, _Entry] = {}

    def add(self, classification: Classification, source: str) -> list[Problem]:
        """Merge ``classification`` in; return the conflicts (nothing is changed for them)."""
        entry = self._entries.setdefault(classification.name, _Entry(classification.name))
        return entry.merge(classification, source, self.where)

    def names(self) -> list[str]:
        return list(self._entries)

    def render(self) -> list[dict[str, Any]]:
        """``[{"classification", "properties", "configurations"}]`` in the order first added."""
        return [entry.render() for entry in self._entries.values()]


class _Entry:
    def __init__(self, name: str) -> None:
        self.name = name
        self.properties: dict[str, tuple[str, str]] = {}
        self.nested: dict[str, _Entry] = {}

    def merge(self, other: Classification, source: str, where: str) -> list[Problem]:
        problems = []
        for key, value in other.properties.items():
            known = self.properties.get(key)
            if known is not None and known[0] != value:
                problems.append(
                    Problem(
                        where,
                        f"{self.name}[{key!r}]",
                        value,
                        f"{known[1]} already set it to {known[0]!r}; two settings disagree: "
                        "change one of them",
                    )
                )
            elif known is None:
                self.properties[key] = (value, source)
        for nested in other.configurations:
            entry = self.nested.setdefault(nested.name, _Entry(nested.name))
            problems += entry.merge(nested, source, where)
        return problems

    def render(self) -> dict[str, Any]:
        rendered: dict[str, Any] = {"classification": self.name}
        if self.properties:
            rendered["properties"] = {k: v for k, (v, _) in sorted(self.properties.items())}
        if self.nested:
            rendered["configurations"] = [entry.render() for entry in self.nested.values()]
        return rendered
