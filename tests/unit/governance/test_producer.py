"""The producer account: settings, registered location, database, Iceberg tables, filter, share."""

from __future__ import annotations

from typing import Any

from emr_burst.governance.catalog import CLAIMS, PATIENTS
from tests.unit.governance.lf_app import CONSUMER, PRODUCER, lake_formation_app


def _one(kind: str) -> dict[str, Any]:
    (props,) = lake_formation_app().resources("producer", kind).values()
    return props


def test_data_cell_filter_hides_ssn_and_keeps_texas_and_new_york() -> None:
    assert _one("AWS::LakeFormation::DataCellsFilter") == {
        "TableCatalogId": PRODUCER,
        "DatabaseName": "healthcare_db",
        "TableName": "patients",
        "Name": "patients_column_row_filter",
        "ColumnWildcard": {"ExcludedColumnNames": ["ssn"]},
        "RowFilter": {"FilterExpression": "state in ('Texas', 'New York')"},
    }


def test_the_consumer_account_gets_the_posts_three_grants_each_with_grant_option() -> None:
    grants = lake_formation_app().resources("producer", "AWS::LakeFormation::PrincipalPermissions")
    found = sorted(
        (
            g["Principal"]["DataLakePrincipalIdentifier"],
            sorted(g["Resource"]),
            g["Permissions"],
            g["PermissionsWithGrantOption"],
        )
        for g in grants.values()
    )
    assert found == [
        (CONSUMER, ["DataCellsFilter"], ["SELECT"], ["SELECT"]),
        (CONSUMER, ["Database"], ["DESCRIBE"], ["DESCRIBE"]),
        (CONSUMER, ["Table"], ["SELECT", "DESCRIBE"], ["SELECT", "DESCRIBE"]),
    ]
    resources = {next(iter(g["Resource"])): g["Resource"] for g in grants.values()}
    assert resources["Database"] == {"Database": {"CatalogId": PRODUCER, "Name": "healthcare_db"}}
    assert resources["Table"] == {
        "Table": {"CatalogId": PRODUCER, "DatabaseName": "healthcare_db", "Name": "claims"}
    }
    assert resources["DataCellsFilter"] == {
        "DataCellsFilter": {
            "TableCatalogId": PRODUCER,
            "DatabaseName": "healthcare_db",
            "TableName": "patients",
            "Name": "patients_column_row_filter",
        }
    }


def test_settings_append_admit_the_consumer_and_authorize_the_emr_session_tag() -> None:
    settings = _one("AWS::LakeFormation::DataLakeSettings")
    assert settings["MutationType"] == "APPEND"
    assert settings["AllowExternalDataFiltering"] is True
    assert settings["AuthorizedSessionTagValueList"] == ["EMR on EKS Engine"]
    assert settings["ExternalDataFilteringAllowList"] == [{"DataLakePrincipalIdentifier": CONSUMER}]
    assert settings["Admins"] == [
        {
            "DataLakePrincipalIdentifier": {
                "Fn::Sub": f"arn:${{AWS::Partition}}:iam::{PRODUCER}:role/"
                f"cdk-hnb659fds-cfn-exec-role-{PRODUCER}-us-west-2"
            }
        }
    ]


def test_database_gives_new_tables_no_iam_allowed_principals_and_waits_for_the_settings() -> None:
    app = lake_formation_app()
    ((database_id, database),) = app.resources("producer", "AWS::Glue::Database").items()
    assert database["DatabaseInput"]["Name"] == "healthcare_db"
    assert database["DatabaseInput"]["CreateTableDefaultPermissions"] == []
    depends = app.producer_template["Resources"][database_id]["DependsOn"]
    assert app.logical_id(app.producer.settings.resource) in depends
    assert app.producer_template["Resources"][database_id]["DeletionPolicy"] == "Retain"


def test_iceberg_tables_carry_the_posts_schemas_and_identity_partitions() -> None:
    tables = lake_formation_app().resources("producer", "AWS::Glue::Table")
    by_name = {t["TableInput"]["Name"]: t for t in tables.values()}
    assert set(by_name) == {"patients", "claims"}
    for spec in (PATIENTS, CLAIMS):
        iceberg = by_name[spec.name]["OpenTableFormatInput"]["IcebergInput"]
        assert iceberg["MetadataOperation"] == "CREATE"
        table = iceberg["IcebergTableInput"]
        fields = table["Schema"]["Fields"]
        assert [(f["Id"], f["Name"], f["Type"]) for f in fields] == [
            (i, c.name, c.type) for i, c in enumerate(spec.columns, start=1)
        ]
        (partition,) = table["PartitionSpec"]["Fields"]
        source = next(f["Id"] for f in fields if f["Name"] == spec.partition_by[0])
        assert partition == {
            "Name": spec.partition_by[0],
            "SourceId": source,
            "Transform": "identity",
            "FieldId": 1000,
        }
    claims = by_name["claims"]["TableInput"]["StorageDescriptor"]["Columns"]
    assert {"Name": "amount", "Type": "decimal(10,2)"} in claims
    assert {"Name": "patient_id", "Type": "bigint"} in claims


def test_location_is_registered_with_the_data_access_role_not_the_service_linked_role() -> None:
    app = lake_formation_app()
    location = _one("AWS::LakeFormation::Resource")
    role_id = app.logical_id(app.producer.data_access_role)
    assert location["UseServiceLinkedRole"] is False
    assert location["RoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}
    assert location["ResourceArn"]["Fn::Join"][1][-1] == "/warehouse"
    role = app.producer_template["Resources"][role_id]["Properties"]
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRole"
    assert sorted(statement["Principal"]["Service"]) == [
        "glue.amazonaws.com",
        "lakeformation.amazonaws.com",
    ]


def test_share_describes_what_the_consumer_can_link() -> None:
    share = lake_formation_app().producer.share
    assert share.database == "healthcare_db"
    assert share.table_names == ("claims", "patients")
    assert share.filters == {"patients": "patients_column_row_filter"}
