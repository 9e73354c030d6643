"""Bad input is refused at synth time, every problem at once, with the prop, value and fix."""

from __future__ import annotations

import dataclasses
from typing import Any

import aws_cdk as cdk
import pytest

from emr_burst.core import rules
from emr_burst.core.errors import EmrBurstError
from emr_burst.governance import (
    HEALTHCARE_TABLES,
    PATIENTS_FILTER,
    DataCellFilter,
    IcebergTable,
    LakeFormationConsumer,
    LakeFormationFgac,
    LakeFormationProducer,
    LakeFormationSettings,
    ProducerShare,
)
from emr_burst.governance.catalog import Column
from tests.unit.emr_eks.eks_app import imported_platform
from tests.unit.governance.lf_app import CONSUMER, PRODUCER, lake_formation_app, stacks

SHARE = ProducerShare(
    account=PRODUCER,
    database="healthcare_db",
    tables=("claims",),
    filters={"patients": "patients_column_row_filter"},
)


def _problems(err: pytest.ExceptionInfo[EmrBurstError]) -> dict[str, Any]:
    return {p.prop: p for p in err.value.problems}


def _producer(**props: Any) -> None:
    _, producer, _ = stacks()
    LakeFormationProducer(producer, "Producer", **({"consumer_account": CONSUMER} | props))


def test_filter_excluding_a_column_the_table_lacks_names_the_columns_it_has() -> None:
    bad = DataCellFilter("f", "patients", "state = 'Texas'", excluded_columns=("social",))
    with pytest.raises(EmrBurstError) as err:
        _producer(filters=[bad], shared_filters=["f"])
    problem = _problems(err)["filters[0].excluded_columns[0]"]
    assert problem.value == "social"
    assert "patient_id" in problem.fix
    assert "ssn" in problem.fix


def test_empty_row_filter_is_refused_with_an_example() -> None:
    bad = DataCellFilter("f", "patients", "  ", excluded_columns=("ssn",))
    with pytest.raises(EmrBurstError) as err:
        _producer(filters=[bad], shared_filters=["f"])
    assert "TRUE" in _problems(err)["filters[0].row_filter"].fix


@pytest.mark.parametrize("account", ["12345678901", "1234567890123", "abcdefghijkl", 123456789012])
def test_malformed_consumer_account(account: Any) -> None:
    with pytest.raises(EmrBurstError) as err:
        _producer(consumer_account=account)
    assert "12 digits" in _problems(err)["consumer_account"].fix


def test_producer_equal_to_consumer_is_refused_on_both_sides() -> None:
    with pytest.raises(EmrBurstError) as err:
        _producer(consumer_account=PRODUCER)
    assert "same account" in _problems(err)["consumer_account"].fix
    _, _, consumer = stacks()
    share = dataclasses.replace(SHARE, account=CONSUMER)
    fgac = LakeFormationFgac(
        consumer,
        "Fgac",
        platform=imported_platform(consumer),
        share=share,
        consumer_database="consumer_healthcare_db",
    )
    with pytest.raises(EmrBurstError) as err:
        LakeFormationConsumer(consumer, "Consumer", share=share, team_roles=fgac.job_roles)
    assert "same account" in _problems(err)["share.account"].fix


def _fgac(**props: Any) -> LakeFormationFgac:
    _, _, consumer = stacks()
    base: dict[str, Any] = {
        "platform": imported_platform(consumer),
        "share": SHARE,
        "consumer_database": "consumer_healthcare_db",
    }
    return LakeFormationFgac(consumer, "Fgac", **(base | props))


@pytest.mark.parametrize(
    ("label", "says"),
    [
        ("emr-7.6.0-latest", "needs EMR 7.7 or later"),
        ("emr-7.0.0-20240101", "needs EMR 7.7 or later"),
        ("emr-6.15.0-latest", "7.x release label"),
    ],
)
def test_fgac_below_emr_7_7_is_refused(label: str, says: str) -> None:
    with pytest.raises(EmrBurstError) as err:
        _fgac(release_label=label)
    assert says in _problems(err)["release_label"].fix


def test_fgac_on_7_7_and_later_is_accepted() -> None:
    assert rules.fgac_release("emr-7.7.0-latest") is None
    assert rules.fgac_release("emr-7.10.0-20250101") is None


def test_user_and_secure_namespace_equal_is_refused() -> None:
    with pytest.raises(EmrBurstError) as err:
        _fgac(user_namespace="lf-fgac", secure_namespace="lf-fgac")
    assert "apart from user code" in _problems(err)["secure_namespace"].fix


def test_grants_to_a_team_without_an_execution_role_are_refused() -> None:
    _, _, consumer = stacks()
    fgac = LakeFormationFgac(
        consumer,
        "Fgac",
        platform=imported_platform(consumer),
        share=SHARE,
        consumer_database="consumer_healthcare_db",
        teams={"team1": "emr_on_eks_fgac_job_team1_execution_role"},
    )
    with pytest.raises(EmrBurstError) as err:
        LakeFormationConsumer(consumer, "Consumer", share=SHARE, team_roles=fgac.job_roles)
    problem = _problems(err)["team_links['team2']"]
    assert "no job execution role" in problem.fix
    assert "team1" in problem.fix


def test_resource_link_to_a_table_the_producer_does_not_share_is_refused() -> None:
    app = lake_formation_app()
    _, _, consumer = stacks()
    with pytest.raises(EmrBurstError) as err:
        LakeFormationConsumer(
            consumer,
            "Consumer",
            share=dataclasses.replace(SHARE, filters={}),
            team_roles=app.fgac.job_roles,
        )
    problem = _problems(err)["resource_links['rl_patients']"]
    assert problem.value == "patients"
    assert "does not share" in problem.fix


def test_every_problem_of_a_producer_is_reported_at_once() -> None:
    tables = [
        IcebergTable("Patients", [Column("id", "bigint")], partition_by=("city",)),
        HEALTHCARE_TABLES[1],
    ]
    with pytest.raises(EmrBurstError) as err:
        _producer(
            consumer_account="42",
            database_name="Healthcare-DB",
            tables=tables,
            filters=[DataCellFilter("f", "nope", "")],
            shared_tables=["claims", "audit"],
            shared_filters=["g"],
        )
    assert set(_problems(err)) == {
        "consumer_account",
        "database_name",
        "tables[0].name",
        "tables[0].columns[0].type",
        "tables[0].partition_by[0]",
        "filters[0].row_filter",
        "filters[0].table",
        "shared_tables[1]",
        "shared_filters[0]",
    }
    assert "LakeFormationProducer 'Producer/Producer'" in str(err.value)


def test_wrong_types_get_fixes_before_aws_cdk_sees_them() -> None:
    with pytest.raises(EmrBurstError) as err:
        _producer(tables="patients", filters={"f": 1}, shared_tables="claims")
    assert {"tables", "filters", "shared_tables"} <= set(_problems(err))
    with pytest.raises(EmrBurstError) as err:
        _fgac(share={"account": PRODUCER}, teams=[], max_executors="17")
    assert {"share", "teams", "max_executors"} <= set(_problems(err))


def test_settings_reject_a_bad_mutation_tag_and_allow_list() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(EmrBurstError) as err:
        LakeFormationSettings(
            stack, "Settings", allowed_accounts=[], session_tag_value="", mutation="MERGE"
        )
    assert set(_problems(err)) == {"allowed_accounts", "session_tag_value", "mutation"}


# --- input that used to crash (or pass) instead of an EmrBurstError ------------------------------


def test_two_data_cell_filters_with_one_name_are_refused() -> None:
    twin = DataCellFilter("patients_column_row_filter", "patients", "state = 'Texas'")
    with pytest.raises(EmrBurstError) as err:
        _producer(filters=[PATIENTS_FILTER, twin])
    problem = _problems(err)["filters[1].name"]
    assert problem.value == "patients_column_row_filter"
    assert "name each data cell filter once" in problem.fix


def test_a_filter_listed_twice_in_shared_filters_is_refused() -> None:
    with pytest.raises(EmrBurstError) as err:
        _producer(shared_filters=[PATIENTS_FILTER.name, PATIENTS_FILTER.name])
    problem = _problems(err)["shared_filters"]
    assert problem.value == [PATIENTS_FILTER.name, PATIENTS_FILTER.name]
    assert "repeated: ['patients_column_row_filter']" in problem.fix


def test_two_shared_filters_on_one_table_are_refused() -> None:
    other = DataCellFilter("patients_texas", "patients", "state = 'Texas'")
    with pytest.raises(EmrBurstError) as err:
        _producer(
            filters=[PATIENTS_FILTER, other], shared_filters=[PATIENTS_FILTER.name, other.name]
        )
    problem = _problems(err)["shared_filters[1]"]
    assert problem.value == "patients_texas"
    assert "already shared through filter 'patients_column_row_filter'" in problem.fix


def test_a_table_shared_whole_and_through_a_filter_is_refused() -> None:
    with pytest.raises(EmrBurstError) as err:
        _producer(shared_tables=["claims", "patients"])
    problem = _problems(err)["shared_filters[0]"]
    assert problem.value == "patients_column_row_filter"
    assert "remove 'patients' from shared_tables" in problem.fix


@pytest.mark.parametrize(
    ("change", "prop", "says"),
    [
        ({"filters": ["patients"]}, "share.filters", "mapping of table name to filter name"),
        ({"database": None}, "share.database", "expected a string"),
        ({"account": "abc"}, "share.account", "exactly 12 digits"),
        ({"tables": "claims"}, "share.tables", "list of table names"),
        ({"tables": ("claims", "claims")}, "share.tables", "list each entry once"),
        ({"tables": ("claims", "patients")}, "share.filters['patients']", "shared whole"),
    ],
)
def test_a_malformed_share_is_refused_by_the_consumer_and_by_fgac(
    change: dict[str, Any], prop: str, says: str
) -> None:
    share = dataclasses.replace(SHARE, **change)
    with pytest.raises(EmrBurstError) as err:
        _fgac(share=share)
    assert says in _problems(err)[prop].fix
    app = lake_formation_app()
    _, _, consumer = stacks()
    with pytest.raises(EmrBurstError) as err:
        LakeFormationConsumer(consumer, "Consumer", share=share, team_roles=app.fgac.job_roles)
    assert says in _problems(err)[prop].fix


def test_removal_policy_must_be_a_cdk_removal_policy() -> None:
    with pytest.raises(EmrBurstError) as err:
        _producer(removal_policy="destroy")
    problem = _problems(err)["removal_policy"]
    assert problem.value == "destroy"
    assert "cdk.RemovalPolicy.RETAIN" in problem.fix
    app = lake_formation_app()
    _, _, consumer = stacks()
    with pytest.raises(EmrBurstError) as err:
        LakeFormationConsumer(
            consumer,
            "Consumer",
            share=SHARE,
            team_roles=app.fgac.job_roles,
            removal_policy="destroy",  # type: ignore[arg-type]
        )
    assert "got str" in _problems(err)["removal_policy"].fix
