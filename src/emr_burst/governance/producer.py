"""The producer side of a Lake Formation share: data, catalog, filters, cross-account grants."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lakeformation as lf
from constructs import Construct

from emr_burst.core import buckets as _buckets
from emr_burst.core import kms as _kms
from emr_burst.core import nag as _nag
from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.core.iam import ManagedPolicyRole
from emr_burst.core.removal import data_removal_policy
from emr_burst.governance import grants as _grants
from emr_burst.governance.catalog import (
    HEALTHCARE_TABLES,
    PATIENTS_FILTER,
    DataCellFilter,
    IcebergTable,
    ProducerShare,
    construct_name,
)
from emr_burst.governance.settings import (
    DEFAULT_SESSION_TAG_VALUE,
    LakeFormationSettings,
    SettingsMutation,
    governed_database,
)

#: A removal policy prop: a ``cdk.RemovalPolicy`` member or ``None`` (checked before CDK sees it).
REMOVAL_POLICY = rules.optional(
    rules.instance_of(cdk.RemovalPolicy, "cdk.RemovalPolicy.RETAIN (or None)")
)
#: Prefix of the bucket that Lake Formation governs (the registered location).
WAREHOUSE_PREFIX = "warehouse"
#: Glue's Hive type of each Iceberg type (the table's StorageDescriptor columns).
_HIVE_TYPES = {"long": "bigint", "int": "int", "timestamptz": "timestamp", "uuid": "string"}


class LakeFormationProducer(Construct):
    """A governed Iceberg database shared with one consumer account through Lake Formation.

    Creates the KMS-encrypted data bucket, the data-access role Lake Formation reads it with, the
    registered location ``s3://<bucket>/warehouse``, the Glue database (with no
    ``IAMAllowedPrincipals`` default on its tables), the Iceberg tables, the data cell filters and,
    for the consumer account, DESCRIBE on the database plus SELECT on each shared filter and
    SELECT and DESCRIBE on each table shared whole, all with grant option.

    Example::

        producer = LakeFormationProducer(self, "Producer", consumer_account="222222222222")
        share = producer.share  # hand it to the consumer side

    :param consumer_account: the account that queries the data (another account than this one).
    :param database_name: Default: - ``healthcare_db``.
    :param tables: Default: - the post's ``patients`` and ``claims``.
    :param filters: Default: - ``patients_column_row_filter``.
    :param shared_tables: tables the consumer gets whole. Default: - ``claims``.
    :param shared_filters: filters the consumer gets. Default: - ``patients_column_row_filter``.
    :param admins: further data lake administrators. Default: - none.
    :param session_tag_value: Default: - ``EMR on EKS Engine``.
    :param settings_mutation: Default: - ``SettingsMutation.APPEND``.
    :param removal_policy: of the bucket, key, database and tables. Default: - RETAIN.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        consumer_account: str,
        database_name: str = "healthcare_db",
        tables: Sequence[IcebergTable] = HEALTHCARE_TABLES,
        filters: Sequence[DataCellFilter] = (PATIENTS_FILTER,),
        shared_tables: Sequence[str] = ("claims",),
        shared_filters: Sequence[str] = (PATIENTS_FILTER.name,),
        admins: Sequence[str] = (),
        session_tag_value: str = DEFAULT_SESSION_TAG_VALUE,
        settings_mutation: SettingsMutation | str = SettingsMutation.APPEND,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        check = Checker(scope, construct_id, "LakeFormationProducer")
        own = cdk.Stack.of(scope).account
        if check.rule("consumer_account", consumer_account, rules.account):
            check_cross_account(check, "consumer_account", consumer_account, own)
        check.rule("database_name", database_name, rules.glue_name)
        by_name = _check_tables(check, tables)
        filters_by_name: dict[str, DataCellFilter] = {}
        if not isinstance(filters, (list, tuple)):
            check.add("filters", filters, "pass a list of DataCellFilter(...)")
        else:
            for index, item in enumerate(filters):
                if not isinstance(item, DataCellFilter):
                    check.add(f"filters[{index}]", item, "pass DataCellFilter(...)")
                    continue
                item.check(check, f"filters[{index}]", by_name)
                if item.name in filters_by_name:
                    check.add(
                        f"filters[{index}].name",
                        item.name,
                        "name each data cell filter once (Lake Formation keys filters by table "
                        "and name, and each becomes one resource)",
                    )
                filters_by_name[item.name] = item
        if _check_names(check, "shared_tables", shared_tables, by_name, "table"):
            check.rule("shared_tables", list(shared_tables), rules.distinct)
        if _check_names(
            check, "shared_filters", shared_filters, filters_by_name, "data cell filter"
        ) and check.rule("shared_filters", list(shared_filters), rules.distinct):
            _check_one_share_per_table(check, shared_tables, shared_filters, filters_by_name)
        check.rule("removal_policy", removal_policy, REMOVAL_POLICY)
        check.raise_if_any()
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        removal = data_removal_policy(self, removal_policy)
        self._removal = removal_policy
        self.database_name = database_name
        self.key = _kms.new_key(
            self, "DataKey", description="Lake Formation governed data", removal_policy=removal
        )
        access_logs = _buckets.access_log_bucket(self, "AccessLogBucket", removal_policy=removal)
        self.bucket = _buckets.kms_bucket(
            self,
            "DataBucket",
            key=self.key,
            removal_policy=removal,
            access_logs=access_logs,
            access_logs_prefix="data-bucket/",
        )
        self.warehouse = f"s3://{self.bucket.bucket_name}/{WAREHOUSE_PREFIX}"
        self.data_access_role = self._data_access_role()
        self.settings = LakeFormationSettings(
            self,
            "Settings",
            allowed_accounts=[consumer_account],
            admins=admins,
            session_tag_value=session_tag_value,
            mutation=settings_mutation,
        )
        self.location = lf.CfnResource(
            self,
            "Location",
            resource_arn=self.bucket.arn_for_objects(WAREHOUSE_PREFIX),
            role_arn=self.data_access_role.role_arn,
            use_service_linked_role=False,
            hybrid_access_enabled=False,
        )
        self.location.node.add_dependency(self.settings, self.data_access_role.policy)
        self.database = governed_database(
            self,
            "Database",
            self.settings,
            name=database_name,
            description="Lake Formation governed Iceberg tables",
            location_uri=f"{self.warehouse}/",
            removal_policy=removal,
        )
        self.database.node.add_dependency(self.location)
        self.tables = {
            table.name: self._table(table, stack.account, database_name) for table in tables
        }
        self.filters = {}
        for item in filters:
            resource = lf.CfnDataCellsFilter(
                self,
                f"Filter{construct_name(item.name)}",
                table_catalog_id=stack.account,
                database_name=database_name,
                table_name=item.table,
                name=item.name,
                column_wildcard=lf.CfnDataCellsFilter.ColumnWildcardProperty(
                    excluded_column_names=list(item.excluded_columns)
                ),
                row_filter=lf.CfnDataCellsFilter.RowFilterProperty(
                    filter_expression=item.row_filter
                ),
            )
            resource.node.add_dependency(self.tables[item.table])
            self.filters[item.name] = resource
        consumer = consumer_account
        self.grants: list[lf.CfnPrincipalPermissions] = []
        self._grant(
            "ShareDatabase",
            consumer,
            _grants.database(stack.account, database_name),
            ["DESCRIBE"],
            self.database,
        )
        for name in shared_filters:
            item = filters_by_name[name]
            self._grant(
                f"ShareFilter{construct_name(name)}",
                consumer,
                _grants.data_cells_filter(stack.account, database_name, item.table, name),
                ["SELECT"],
                self.filters[name],
            )
        for name in shared_tables:
            self._grant(
                f"ShareTable{construct_name(name)}",
                consumer,
                _grants.table(stack.account, database_name, name),
                ["SELECT", "DESCRIBE"],
                self.tables[name],
            )
        #: What the consumer account sees; hand it to :class:`LakeFormationConsumer`.
        self.share = ProducerShare(
            account=stack.account,
            database=database_name,
            tables=tuple(shared_tables),
            filters={filters_by_name[n].table: n for n in shared_filters},
        )

    def _data_access_role(self) -> ManagedPolicyRole:
        """The role Lake Formation (and Glue) read and write the registered location with."""
        role = ManagedPolicyRole(
            self,
            "DataAccessRole",
            assumed_by=iam.CompositePrincipal(
                iam.ServicePrincipal("lakeformation.amazonaws.com"),
                iam.ServicePrincipal("glue.amazonaws.com"),
            ),
            description="Lake Formation reads and writes the registered warehouse location",
        )
        objects = self.bucket.arn_for_objects(f"{WAREHOUSE_PREFIX}/*")
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[self.bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{WAREHOUSE_PREFIX}/*"]}},
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                resources=[objects],
            )
        )
        self.key.grant_encrypt_decrypt(role)
        _nag.acknowledge_resources(
            role,
            "Lake Formation vends credentials for every object of the registered warehouse "
            "prefix; object names are Iceberg data and metadata files written at run time.",
            "AwsSolutions-IAM5",
            [objects],
        )
        _nag.acknowledge(
            role,
            "kms:GenerateDataKey* and kms:ReEncrypt* are the data key operations S3 needs to "
            "write SSE-KMS objects with this one customer-managed key.",
            "AwsSolutions-IAM5",
            applies_to=["Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*"],
        )
        return role

    def _table(self, table: IcebergTable, account: str, database: str) -> glue.CfnTable:
        location = f"{self.warehouse}/{database}/{table.name}/"
        ids = {column.name: index for index, column in enumerate(table.columns, start=1)}
        resource = glue.CfnTable(
            self,
            f"Table{construct_name(table.name)}",
            catalog_id=account,
            database_name=database,
            table_input=glue.CfnTable.TableInputProperty(
                name=table.name,
                table_type="EXTERNAL_TABLE",
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=location,
                    columns=[
                        glue.CfnTable.ColumnProperty(
                            name=c.name, type=_HIVE_TYPES.get(c.type, c.type)
                        )
                        for c in table.columns
                    ],
                ),
            ),
            open_table_format_input=glue.CfnTable.OpenTableFormatInputProperty(
                iceberg_input=glue.CfnTable.IcebergInputProperty(
                    metadata_operation="CREATE",
                    version="2",
                    iceberg_table_input=glue.CfnTable.IcebergTableInputProperty(
                        location=location,
                        schema=glue.CfnTable.IcebergSchemaProperty(
                            type="struct",
                            fields=[
                                glue.CfnTable.IcebergStructFieldProperty(
                                    id=ids[c.name], name=c.name, type=c.type, required=False
                                )
                                for c in table.columns
                            ],
                        ),
                        partition_spec=glue.CfnTable.IcebergPartitionSpecProperty(
                            fields=[
                                glue.CfnTable.IcebergPartitionFieldProperty(
                                    name=name,
                                    source_id=ids[name],
                                    transform="identity",
                                    field_id=1000 + index,
                                )
                                for index, name in enumerate(table.partition_by)
                            ]
                        )
                        if table.partition_by
                        else None,
                    ),
                )
            ),
        )
        resource.node.add_dependency(self.database)
        resource.apply_removal_policy(data_removal_policy(self, self._removal))
        return resource

    def _grant(
        self,
        construct_id: str,
        principal: str,
        resource: lf.CfnPrincipalPermissions.ResourceProperty,
        permissions: Sequence[str],
        after: Construct,
    ) -> lf.CfnPrincipalPermissions:
        grant = _grants.grant(self, construct_id, principal, resource, permissions, grantable=True)
        grant.node.add_dependency(after)
        self.grants.append(grant)
        return grant


def check_cross_account(check: Checker, prop: str, other: str, own: str) -> None:
    """Record a problem when a cross-account share names its own account."""
    if not cdk.Token.is_unresolved(own) and not cdk.Token.is_unresolved(other) and other == own:
        check.add(
            prop,
            other,
            "the producer and the consumer are the same account; a cross-account share needs "
            "two accounts (set emr-burst:producerAccount and emr-burst:consumerAccount apart)",
        )


def _check_tables(check: Checker, tables: Any) -> dict[str, IcebergTable]:
    by_name: dict[str, IcebergTable] = {}
    if not isinstance(tables, (list, tuple)) or not tables:
        check.add("tables", tables, "pass a non-empty list of IcebergTable(...)")
        return by_name
    for index, table in enumerate(tables):
        if not isinstance(table, IcebergTable):
            check.add(f"tables[{index}]", table, "pass IcebergTable(...)")
            continue
        table.check(check, f"tables[{index}]")
        if table.name in by_name:
            check.add(f"tables[{index}].name", table.name, "name each table once")
        by_name[table.name] = table
    return by_name


def _check_names(check: Checker, prop: str, names: Any, known: Any, kind: str) -> bool:
    if not isinstance(names, (list, tuple)):
        check.add(prop, names, f"pass a list of {kind} names")
        return False
    ok = True
    for index, name in enumerate(names):
        if not isinstance(name, str) or name not in known:
            check.add(
                f"{prop}[{index}]",
                name,
                f"share a {kind} this producer creates: one of {', '.join(known) or '(none)'}",
            )
            ok = False
    return ok


def _check_one_share_per_table(
    check: Checker,
    shared_tables: Sequence[str],
    shared_filters: Sequence[str],
    filters: Mapping[str, DataCellFilter],
) -> None:
    """Each table reaches the consumer one way: whole, or through one filter."""
    filtered: dict[str, str] = {}
    for index, name in enumerate(shared_filters):
        table = filters[name].table
        if table in filtered:
            check.add(
                f"shared_filters[{index}]",
                name,
                f"table {table!r} is already shared through filter {filtered[table]!r}; the "
                "consumer links and grants one filter per table: share one of the two (or one "
                "filter that combines them)",
            )
            continue
        filtered[table] = name
        if table in shared_tables:
            check.add(
                f"shared_filters[{index}]",
                name,
                f"table {table!r} is also in shared_tables, which would grant the consumer every "
                f"column and row this filter hides; remove {table!r} from shared_tables or drop "
                "the filter",
            )
