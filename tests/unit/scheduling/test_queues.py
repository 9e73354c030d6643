"""The queue tree: each invalid tree gets a message naming the queue; valid trees render exactly."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from emr_burst.core.errors import Checker, EmrBurstError
from emr_burst.scheduling import PlacementRule, PreemptionPolicy, Queue, QueueResources, SortPolicy
from emr_burst.scheduling.queues import (
    DEFAULT_PLACEMENT_RULES,
    check_placement_rules,
    check_tree,
    queues_document,
    to_yaml,
)

R = QueueResources
BIG = R(vcore=24, memory="96Gi")


def problems(queues: Any, capacity: QueueResources | None = None) -> list[str]:
    check = Checker(None, None, "", where="YuniKorn 'Test'")
    if check_tree(check, queues, capacity=capacity):
        check_placement_rules(check, DEFAULT_PLACEMENT_RULES, queues)
    return [str(p) for p in check.problems]


def one(queues: Any, capacity: QueueResources | None = None) -> str:
    found = problems(queues, capacity)
    assert len(found) == 1, found
    return found[0]


def test_a_sound_tree_has_no_problem() -> None:
    tree = [
        Queue(
            "etl", guaranteed=R(8, "32Gi"), max=BIG, children=[Queue("nightly", max=R(4, "8Gi"))]
        ),
        Queue("default", max=BIG),
    ]
    assert problems(tree, capacity=R(32, "128Gi")) == []


def test_guaranteed_above_max_names_the_queue_and_the_resource() -> None:
    message = one([Queue("a", guaranteed=R(30, "8Gi"), max=R(24, "96Gi")), Queue("default")])
    assert "queues[root.a].guaranteed" in message
    assert "above the queue's max of 24 vCPU / 96 GiB in vcore" in message


def test_a_childs_max_above_its_parents_max_is_refused() -> None:
    tree = [
        Queue("org", max=R(10, "40Gi"), children=[Queue("team", max=R(12, "20Gi"))]),
        Queue("default"),
    ]
    message = one(tree)
    assert "queues[root.org.team].max" in message
    assert "above the max of its parent root.org" in message


def test_childrens_guarantees_above_the_parents_guarantee_are_refused() -> None:
    tree = [
        Queue(
            "org",
            guaranteed=R(8, "32Gi"),
            children=[Queue("a", guaranteed=R(5, "16Gi")), Queue("b", guaranteed=R(4, "16Gi"))],
        ),
        Queue("default"),
    ]
    message = one(tree)
    assert "queues[root.org].children (guaranteed)" in message
    assert "9 vCPU / 32 GiB" in message
    assert "in vcore" in message


def test_total_guarantee_above_the_capacity_is_refused() -> None:
    tree = [Queue("a", guaranteed=R(20, "64Gi")), Queue("default", guaranteed=R(16, "64Gi"))]
    message = one(tree, capacity=R(32, "128Gi"))
    assert "36 vCPU / 128 GiB" in message
    assert "in vcore" in message
    assert "memory" not in message.split("in vcore")[1].split(":")[0]


def test_the_posts_guarantees_fit_the_node_capacity_but_not_the_spark_share() -> None:
    """The post's guarantees sum to 30 vCPU / 122 GiB: inside 4 x m5.2xlarge (128 GiB), above
    the ~120 GiB the post says is left for Spark."""
    guarantees = [(10, 38), (8, 32), (6, 26), (6, 26)]
    tree = [Queue(f"q{i}", guaranteed=R(c, f"{m}Gi")) for i, (c, m) in enumerate(guarantees)]
    assert problems([*tree, Queue("default")], capacity=R(32, "128Gi")) == []
    assert "in memory" in one([*tree, Queue("default")], capacity=R(30, "120Gi"))


@pytest.mark.parametrize(
    ("name", "fix"),
    [
        ("a.b", "no '.'"),
        ("", "use 1-64 lowercase letters"),
        ("-x", "starting and ending with a letter"),
        ("x" * 65, "use 1-64 lowercase letters"),
        ("team@corp", "use 1-64 lowercase letters"),
        ("root", "'root' is the top queue"),
    ],
)
def test_invalid_names_are_refused(name: str, fix: str) -> None:
    assert fix in one([Queue(name), Queue("default")])


def test_a_path_longer_than_a_label_value_is_refused() -> None:
    deep = Queue("b" * 30, children=[Queue("c" * 30)])
    assert "holds at most 63" in one([deep, Queue("default")])


def test_duplicate_siblings_are_refused_but_cousins_may_share_a_name() -> None:
    assert "declared twice under root" in one([Queue("a"), Queue("a"), Queue("default")])
    cousins = [Queue("x", children=[Queue("a")]), Queue("y", children=[Queue("a")])]
    assert problems([*cousins, Queue("default")]) == []


@pytest.mark.parametrize(
    ("memory", "fix"),
    [
        ("38", "give memory a unit"),
        ("38GB", "use a memory amount with a unit"),
        ("lots", "use a memory amount with a unit"),
        (38, "38Gi (GiB) or 38G"),
    ],
)
def test_memory_that_does_not_parse_or_has_no_unit_is_refused(memory: Any, fix: str) -> None:
    message = one([Queue("a", max=R(vcore=4, memory=memory)), Queue("default")])
    assert "queues[root.a].max.memory" in message
    assert fix in message


def test_vcore_must_be_an_amount() -> None:
    assert "queues[root.a].guaranteed.vcore" in one(
        [Queue("a", guaranteed=R(vcore="four", memory="1Gi")), Queue("default")]
    )


def test_properties_are_checked() -> None:
    found = problems(
        [
            Queue("a", sort_policy="fare", priority=2**31, preemption="sometimes"),
            Queue("p", preemption_delay="30s", children=[Queue("c", preemption_delay="soon")]),
            Queue("acl", submit_acl="bob carol dave"),
            Queue("default", max_applications=0),
        ]
    )
    text = "\n".join(found)
    assert "queues[root.a].sort_policy" in text
    assert "did you mean 'fair'" in text
    assert "queues[root.a].priority" in text
    assert "queues[root.a].preemption" in text
    assert "leaf queues only" in text
    assert "queues[root.p.c].preemption_delay" in text
    assert "queues[root.acl].submit_acl" in text
    assert "queues[root.default].max_applications" in text


def test_a_fixed_rule_must_name_an_existing_leaf() -> None:
    message = one([Queue("analytics")])
    assert "placement_rules[1] = 'root.default'" in message
    assert "leaves: root.analytics" in message
    check = Checker(None, None, "", where="t")
    check_placement_rules(
        check, [PlacementRule.fixed("root.default", create=True)], [Queue("analytics")]
    )
    assert check.ok


def test_every_problem_is_reported_at_once() -> None:
    found = problems([Queue("a.b"), Queue("c", guaranteed=R(2, "1Gi"), max=R(1, "1Gi"))])
    assert len(found) == 2


def test_a_tree_renders_to_the_queues_yaml_yunikorn_reads() -> None:
    tree = [
        Queue(
            "etl",
            guaranteed=R(8, "32Gi"),
            max=BIG,
            submit_acl="etl etl-admins",
            children=[
                Queue(
                    "nightly",
                    priority=-10,
                    sort_policy=SortPolicy.FAIR,
                    preemption=PreemptionPolicy.FENCE,
                    preemption_delay="1m",
                    max_applications=3,
                )
            ],
        ),
        Queue("default", max=R("500m", "512Mi")),
    ]
    document = yaml.safe_load(to_yaml(queues_document(tree, DEFAULT_PLACEMENT_RULES, "*")))
    assert document == {
        "partitions": [
            {
                "name": "default",
                "placementrules": [
                    {"name": "provided", "create": False},
                    {"name": "fixed", "create": False, "value": "root.default"},
                ],
                "queues": [
                    {
                        "name": "root",
                        "submitacl": "*",
                        "queues": [
                            {
                                "name": "etl",
                                "submitacl": "etl etl-admins",
                                "resources": {
                                    "guaranteed": {"vcore": "8", "memory": "32Gi"},
                                    "max": {"vcore": "24", "memory": "96Gi"},
                                },
                                "queues": [
                                    {
                                        "name": "nightly",
                                        "maxapplications": 3,
                                        "properties": {
                                            "application.sort.policy": "fair",
                                            "priority.offset": "-10",
                                            "preemption.policy": "fence",
                                            "preemption.delay": "1m",
                                        },
                                    }
                                ],
                            },
                            {
                                "name": "default",
                                "resources": {"max": {"vcore": "500m", "memory": "512Mi"}},
                                "properties": {"application.sort.policy": "fifo"},
                            },
                        ],
                    }
                ],
            }
        ]
    }


def test_yaml_strings_are_quoted_so_nothing_is_read_as_another_type() -> None:
    text = to_yaml({"a": "true", "b": "010", "c": "yes: no", "d": 3, "e": False, "f": {}})
    assert yaml.safe_load(text) == {
        "a": "true",
        "b": "010",
        "c": "yes: no",
        "d": 3,
        "e": False,
        "f": {},
    }


def test_a_non_queue_in_the_tree_is_refused() -> None:
    check = Checker(None, None, "", where="t")
    check_tree(check, ["analytics"])
    with pytest.raises(EmrBurstError, match="pass Queue"):
        check.raise_if_any()


@pytest.mark.parametrize(
    ("queue", "prop"),
    [
        (Queue("a", children=None), "queues[root.a].children"),  # type: ignore[arg-type]
        (Queue("a", guaranteed={"vcore": 1}), "queues[root.a].guaranteed"),  # type: ignore[arg-type]
        (Queue("a", max_applications=True), "queues[root.a].max_applications"),
        (Queue("a", priority="high"), "queues[root.a].priority"),  # type: ignore[arg-type]
        (Queue("a", sort_policy=None), "queues[root.a].sort_policy"),  # type: ignore[arg-type]
        (Queue(None), "queues[root.?].name"),  # type: ignore[arg-type]
    ],
)
def test_wrong_types_get_a_fix_not_a_crash(queue: Queue, prop: str) -> None:
    assert prop in one([queue, Queue("default")])


@pytest.mark.parametrize(
    ("amount", "prop"),
    [
        (R(1.5, "1Gi"), "max.vcore"),
        (R("1.5", "1Gi"), "max.vcore"),
        (R(2, "1.5Gi"), "max.memory"),
    ],
)
def test_fractions_yunikorn_cannot_parse_are_refused(amount: QueueResources, prop: str) -> None:
    message = one([Queue("a", max=amount), Queue("default")])
    assert f"queues[root.a].{prop}" in message
    assert "no fractions" in message
    assert problems([Queue("a", max=R("1500m", "1536Mi")), Queue("default")]) == []


def test_childrens_guarantees_must_fit_the_parents_max() -> None:
    tree = [
        Queue(
            "org",
            max=R(10, "40Gi"),
            children=[Queue("a", guaranteed=R(6, "8Gi")), Queue("b", guaranteed=R(6, "8Gi"))],
        ),
        Queue("default"),
    ]
    message = one(tree)
    assert "queues[root.org].children (guaranteed)" in message
    assert "the max of root.org (10 vCPU / 40 GiB)" in message


def test_a_parent_without_a_guarantee_counts_its_childrens() -> None:
    tree = [
        Queue(
            "org",
            children=[Queue("a", guaranteed=R(20, "8Gi")), Queue("b", guaranteed=R(20, "8Gi"))],
        ),
        Queue("default"),
    ]
    assert "40 vCPU / 16 GiB" in one(tree, capacity=R(32, "128Gi"))


def test_children_of_a_queue_with_max_applications_must_set_a_smaller_one() -> None:
    tree = [
        Queue("org", max_applications=2, children=[Queue("a"), Queue("b", max_applications=3)]),
        Queue("default"),
    ]
    found = problems(tree)
    assert len(found) == 2, found
    assert all("root.org allows 2 running applications" in p for p in found)
    ok = [Queue("org", max_applications=2, children=[Queue("a", max_applications=2)])]
    assert problems([*ok, Queue("default")]) == []


def test_uppercase_names_are_refused() -> None:
    assert "compares names in lowercase" in one([Queue("Default"), Queue("default")])


def test_a_placement_rule_of_unknown_kind_is_refused() -> None:
    check = Checker(None, None, "", where="t")
    check_placement_rules(check, [PlacementRule("provided")], [Queue("default")])  # type: ignore[arg-type]
    assert "PlacementRule.provided()" in str(check.problems[0])
