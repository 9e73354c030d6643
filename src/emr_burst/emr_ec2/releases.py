"""What an EMR on EC2 release supports: Hadoop line, instance families, applications, idle stop.

Each check is a rule (``value -> fix | None``) bound to a release label, so constructs apply it
through :class:`~emr_burst.core.errors.Checker` like the general rules of
:mod:`emr_burst.core.rules`. Only what AWS documents is encoded; anything not listed passes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from emr_burst.core import rules
from emr_burst.core.errors import Checker, Rule

#: EMR lines this library builds clusters for.
SUPPORTED_MAJORS = (5, 6, 7)

_INSTANCE_TYPE = re.compile(r"^(?P<family>[a-z][a-z0-9-]*\d[a-z0-9-]*)\.(?P<size>[0-9a-z]+)$")

#: First releases per EMR major line that support an instance family, where documented (EMR
#: release notes). Families not listed are not checked.
_FAMILY_MIN_RELEASE: dict[str, dict[int, tuple[int, int, int]]] = {
    family: {5: (5, 31, 0), 6: (6, 1, 0)}
    # Graviton2 arrived in EMR with emr-5.31.0 and emr-6.1.0 (AWS announcement, October 2020).
    for family in ("m6g", "c6g", "r6g")
}
#: Releases that ship an application under this name, as (first, last) per EMR major line.
_APP_RELEASES: dict[str, dict[int, tuple[tuple[int, int, int], tuple[int, int, int]]]] = {
    "Trino": {6: ((6, 4, 0), (6, 99, 99)), 7: ((7, 0, 0), (7, 99, 99))},
    "PrestoSQL": {6: ((6, 1, 0), (6, 3, 99))},
}
#: SQL engines of which a cluster runs at most one.
_ENGINES = frozenset({"Presto", "Trino", "PrestoSQL"})
#: Auto-termination on idle arrived in these releases.
_AUTO_TERMINATION_MIN = {5: (5, 30, 0), 6: (6, 1, 0)}


def _label(version: tuple[int, int, int]) -> str:
    return "emr-{}.{}.{}".format(*version)


def parse_release(label: str) -> tuple[int, int, int] | None:
    """``emr-6.15.0`` gives ``(6, 15, 0)``; anything else ``None``."""
    return rules.emr_release_version(label) if isinstance(label, str) else None


def supported_release(value: Any) -> str | None:
    """An EMR release label of a line this library supports (5, 6 or 7)."""
    if (fix := rules.emr_release(value)) is not None or rules.unresolved(value):
        return fix
    release = parse_release(value)
    if release is None or release[0] not in SUPPORTED_MAJORS:
        return "use an EMR 5, 6 or 7 release label such as 'emr-6.15.0'"
    return None


def hadoop_major(release_label: str) -> int:
    """Hadoop major version of an EMR release: 2 on EMR 5, 3 on EMR 6 and 7."""
    check = Checker(None, None, "", where="hadoop_major()")
    if check.rule("release_label", release_label, supported_release) and (
        parse_release(release_label) is None
    ):
        check.add(
            "release_label",
            release_label,
            "the Hadoop line decides the HDFS ports at synth time; pass a literal label such "
            "as 'emr-6.15.0'",
        )
    check.raise_if_any()
    release = parse_release(release_label)
    assert release is not None
    return 2 if release[0] <= 5 else 3


def instance_type(release_label: str) -> Rule:
    """An EC2 instance type such as ``r5d.4xlarge`` that ``release_label`` supports."""
    release = parse_release(release_label)

    def rule(value: Any) -> str | None:
        if rules.unresolved(value):
            return None
        if not isinstance(value, str) or not (match := _INSTANCE_TYPE.match(value)):
            return "use an EC2 instance type such as 'r5d.4xlarge'"
        needed = _FAMILY_MIN_RELEASE.get(match["family"], {})
        if release is not None and release[0] in needed and release < needed[release[0]]:
            return (
                f"{release_label} does not support {match['family']}; use "
                f"{_label(needed[release[0]])} or later, or another instance family"
            )
        return None

    return rule


def application(release_label: str) -> Rule:
    """An application name that ``release_label`` ships (where the range is documented)."""
    release = parse_release(release_label)

    def rule(value: Any) -> str | None:
        if rules.unresolved(value):
            return None
        if not isinstance(value, str) or not value:
            return "expected an EMR application name such as 'Hadoop'"
        ranges = _APP_RELEASES.get(value)
        if release is None or ranges is None:
            return None
        span = ranges.get(release[0])
        if span is not None and span[0] <= release <= span[1]:
            return None
        if value == "Trino":
            return (
                f"{release_label} has no Trino; Trino needs emr-6.4.0 or later "
                "(emr-6.1 to 6.3 call it 'PrestoSQL')"
            )
        return f"{release_label} does not ship {value}; choose another release or application"

    return rule


def one_engine(value: Sequence[str]) -> str | None:
    """At most one of Presto, Trino and PrestoSQL (they share the coordinator's port)."""
    engines = sorted(_ENGINES & {a for a in value if isinstance(a, str)})
    if len(engines) > 1:
        return f"{' and '.join(engines)} cannot run on the same cluster; choose one"
    return None


def idle_timeout(release_label: str) -> Rule:
    """Auto-termination on idle exists in ``release_label``."""
    release = parse_release(release_label)

    def rule(value: Any) -> str | None:
        if value is None or release is None or release[0] not in _AUTO_TERMINATION_MIN:
            return None
        first = _AUTO_TERMINATION_MIN[release[0]]
        if release < first:
            return (
                f"{release_label} has no auto-termination; use {_label(first)} or later on this "
                "EMR line, or idle_timeout=None to keep the cluster running"
            )
        return None

    return rule
