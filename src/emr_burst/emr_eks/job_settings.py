"""What a team or a job template adds to its jobs: Spark properties, classifications, pod templates.

Both :class:`~emr_burst.emr_eks.team.SparkTeam` (for all its job templates) and
:class:`~emr_burst.emr_eks.job_template.JobTemplate` (for itself) hold one :class:`JobSettings`; a
job template's effective settings are its team's, then its own (the more specific wins for Spark
properties set by the user or an extension on the template). Every change is checked when it is
made, including against the settings it will be combined with, so a conflict is reported at the
call that caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from emr_burst.core.errors import Checker, EmrBurstError, Problem
from emr_burst.emr_eks.classification import (
    MAX_CONFIGURATIONS,
    Classification,
    ClassificationSet,
    check_properties,
)
from emr_burst.emr_eks.extension import Contribution
from emr_burst.emr_eks.pod_template import PodRole, PodTemplate

SPARK_DEFAULTS = "spark-defaults"


class JobSettings:
    """Spark properties, classifications and pod templates of one team or job template."""

    def __init__(self, owner: str, on_change: Callable[[], None]) -> None:
        self.owner = owner
        self._on_change = on_change
        self.spark_conf: dict[str, tuple[str, str]] = {}
        self.classifications: list[tuple[Classification, str]] = []
        self.driver = PodTemplate(PodRole.DRIVER, owner=owner, on_change=on_change)
        self.executor = PodTemplate(PodRole.EXECUTOR, owner=owner, on_change=on_change)

    def pod_template(self, role: PodRole) -> PodTemplate:
        return self.driver if role is PodRole.DRIVER else self.executor

    def add_spark_conf(
        self, properties: Mapping[str, str], *, source: str, overwrite: bool = False
    ) -> None:
        check = Checker(None, None, "", where=self.owner)
        if not isinstance(properties, Mapping):
            check.add("spark_conf", properties, "pass a mapping of Spark property names to strings")
            check.raise_if_any()
        check_properties(check, "spark_conf", properties)
        for key, value in properties.items():
            known = self.spark_conf.get(key)
            if known is not None and known[0] != value and not overwrite:
                check.add(
                    f"spark_conf[{key!r}]",
                    value,
                    f"{known[1]} already set it to {known[0]!r}; pass overwrite=True to replace "
                    "it, or change one of the two",
                )
        check.raise_if_any()
        previous = dict(self.spark_conf)
        self.spark_conf.update({k: (v, source) for k, v in properties.items()})
        self._changed(lambda: _restore(self.spark_conf, previous))

    def add_classification(self, classification: Classification, *, source: str) -> None:
        check = Checker(None, None, "", where=self.owner)
        if not isinstance(classification, Classification):
            check.add("classification", classification, "pass Classification(name, properties)")
        else:
            classification.check(check, "classification")
            if classification.name == SPARK_DEFAULTS:
                check.add(
                    "classification",
                    SPARK_DEFAULTS,
                    "use add_spark_conf(...) for spark-defaults so conflicts are tracked",
                )
        check.raise_if_any()
        self.classifications.append((classification, source))
        self._changed(self.classifications.pop)

    def apply(self, contribution: Contribution, *, source: str) -> None:
        """Apply the job-level parts of an extension's contribution."""
        check = Checker(None, None, "", where=self.owner)
        if not isinstance(contribution, Contribution):
            check.add(f"{source}.bind()", contribution, "bind must return a Contribution(...)")
        else:
            contribution.check(check, source)
        check.raise_if_any()
        if contribution.spark_conf:
            self.add_spark_conf(contribution.spark_conf, source=source)
        for classification in contribution.classifications:
            self.add_classification(classification, source=source)
        if contribution.driver is not None:
            self.driver.add(contribution.driver, source=source)
        if contribution.executor is not None:
            self.executor.add(contribution.executor, source=source)

    def _changed(self, undo: Callable[[], Any]) -> None:
        """Tell the owner; when the combined settings are now invalid, undo and raise."""
        try:
            self._on_change()
        except EmrBurstError:
            undo()
            raise


def _restore(target: dict[str, tuple[str, str]], previous: dict[str, tuple[str, str]]) -> None:
    target.clear()
    target.update(previous)


def combined_configuration(
    where: str, layers: list[JobSettings], extra_spark_conf: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The application configuration of a job: ``spark-defaults`` first, then the others.

    Later layers win for Spark properties; classifications merge and disagreements are errors.
    """
    conf: dict[str, str] = {}
    for layer in layers:
        conf.update({k: v for k, (v, _) in layer.spark_conf.items()})
    conf.update(extra_spark_conf)
    check = Checker(None, None, "", where=where)
    check_properties(check, "spark-defaults", conf)
    merged = ClassificationSet(where)
    problems: list[Problem] = list(check.problems)
    for layer in layers:
        for classification, source in layer.classifications:
            problems += merged.add(classification, source)
    rendered = [{"classification": SPARK_DEFAULTS, "properties": dict(sorted(conf.items()))}]
    rendered += merged.render()
    if len(rendered) > MAX_CONFIGURATIONS:
        problems.append(
            Problem(
                where,
                "classifications",
                len(rendered),
                f"EMR accepts at most {MAX_CONFIGURATIONS} application configurations per job",
            )
        )
    if problems:
        raise EmrBurstError(problems)
    return rendered


def combined_pod_template(where: str, role: PodRole, layers: list[JobSettings]) -> dict[str, Any]:
    """The pod template of a job: every layer's changes in order, conflicts as errors."""
    template = PodTemplate(role, owner=where)
    for layer in layers:
        template.extend(layer.pod_template(role))
    return template.render()
