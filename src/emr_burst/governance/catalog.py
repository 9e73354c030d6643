"""What a Lake Formation data product is made of: Iceberg tables, data cell filters, the share.

These are plain values (dataclasses) that the producer and consumer constructs validate and turn
into CloudFormation; :data:`HEALTHCARE_TABLES` and :data:`PATIENTS_FILTER` describe the healthcare
example of the Lake Formation fine-grained access control post (seed 003).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from emr_burst.core import rules
from emr_burst.core.errors import Checker


@dataclass(frozen=True)
class Column:
    """One column of an Iceberg table: a Glue name and an Iceberg primitive type."""

    name: str
    type: str


@dataclass(frozen=True)
class IcebergTable:
    """An Iceberg table: its columns in order and the columns it is partitioned by (identity).

    :param name: Glue table name.
    :param columns: the schema, in order.
    :param partition_by: columns of the identity partition spec. Default: - unpartitioned.
    """

    name: str
    columns: Sequence[Column]
    partition_by: Sequence[str] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns) if _is_list(self.columns) else ()

    def check(self, check: Checker, prop: str) -> None:
        check.rule(f"{prop}.name", self.name, rules.glue_name)
        if not _is_list(self.columns) or not self.columns:
            check.add(f"{prop}.columns", self.columns, "pass a non-empty list of Column(...)")
            return
        for index, column in enumerate(self.columns):
            where = f"{prop}.columns[{index}]"
            if not isinstance(column, Column):
                check.add(where, column, "pass Column(name, type)")
                continue
            check.rule(f"{where}.name", column.name, rules.glue_name)
            check.rule(f"{where}.type", column.type, rules.iceberg_type)
        names = [c.name for c in self.columns if isinstance(c, Column)]
        check.rule(f"{prop}.columns", names, rules.distinct)
        if not _is_list(self.partition_by):
            check.add(f"{prop}.partition_by", self.partition_by, "pass a list of column names")
            return
        for index, name in enumerate(self.partition_by):
            if name not in names:
                check.add(
                    f"{prop}.partition_by[{index}]",
                    name,
                    f"partition by a column of the table: one of {', '.join(names)}",
                )


@dataclass(frozen=True)
class DataCellFilter:
    """A Lake Formation data cell filter: every column but ``excluded_columns``, rows that match.

    The filter lists the columns it hides rather than the ones it shows (a column wildcard with
    exclusions), so a column added to the table later is visible unless it is excluded too.

    :param name: filter name.
    :param table: the table it filters.
    :param excluded_columns: columns hidden from the grantee. Default: - none.
    :param row_filter: a PartiQL condition such as ``state in ('Texas')``; ``TRUE`` keeps all rows.
    """

    name: str
    table: str
    row_filter: str
    excluded_columns: Sequence[str] = ()

    def check(self, check: Checker, prop: str, tables: Mapping[str, IcebergTable]) -> None:
        check.rule(f"{prop}.name", self.name, rules.glue_name)
        check.rule(f"{prop}.row_filter", self.row_filter, rules.row_filter)
        table = tables.get(self.table) if isinstance(self.table, str) else None
        if table is None:
            check.add(
                f"{prop}.table",
                self.table,
                f"filter a table of the database: one of {', '.join(tables) or '(none)'}",
            )
            return
        if not _is_list(self.excluded_columns):
            check.add(f"{prop}.excluded_columns", self.excluded_columns, "pass a list of names")
            return
        for index, name in enumerate(self.excluded_columns):
            if name not in table.column_names:
                check.add(
                    f"{prop}.excluded_columns[{index}]",
                    name,
                    f"table {table.name!r} has no such column; exclude one of "
                    f"{', '.join(table.column_names)}",
                )
        if set(self.excluded_columns) >= set(table.column_names):
            check.add(
                f"{prop}.excluded_columns",
                list(self.excluded_columns),
                "a filter that hides every column shows nothing; grant nothing instead",
            )


@dataclass(frozen=True)
class ProducerShare:
    """What a producer account shares with a consumer account: the consumer's view of it.

    :param account: the producer account (the Glue catalog id of the shared tables).
    :param database: the producer's database.
    :param tables: tables shared whole (SELECT and DESCRIBE, with grant option).
    :param filters: tables shared through a data cell filter: table name to filter name.
    """

    account: str
    database: str
    tables: Sequence[str] = ()
    filters: Mapping[str, str] = field(default_factory=dict)

    @property
    def table_names(self) -> tuple[str, ...]:
        """Every table the consumer can link to (whole or filtered)."""
        return (*self.tables, *self.filters)

    def check(self, check: Checker, prop: str) -> bool:
        """Record what is wrong with this share under ``prop``; True when it can be used.

        The one check of every construct that accepts a share: an account id, a database name,
        a list of table names and a mapping of table to filter name, each table shared one way.
        """
        ok = check.rule(f"{prop}.account", self.account, rules.account)
        ok = check.rule(f"{prop}.database", self.database, rules.glue_name) and ok
        tables: list[str] = []
        if not _is_list(self.tables):
            check.add(
                f"{prop}.tables", self.tables, "pass a list of table names such as ['claims']"
            )
            ok = False
        else:
            ok = check.each(f"{prop}.tables", self.tables, rules.glue_name) and ok
            tables = [t for t in self.tables if isinstance(t, str)]
            ok = check.rule(f"{prop}.tables", tables, rules.distinct) and ok
        if not isinstance(self.filters, Mapping):
            check.add(
                f"{prop}.filters",
                self.filters,
                "pass a mapping of table name to filter name such as "
                "{'patients': 'patients_column_row_filter'}",
            )
            return False
        for table, name in self.filters.items():
            ok = check.rule(f"{prop}.filters key {table!r}", table, rules.glue_name) and ok
            ok = check.rule(f"{prop}.filters[{table!r}]", name, rules.glue_name) and ok
            if table in tables:
                check.add(
                    f"{prop}.filters[{table!r}]",
                    name,
                    f"table {table!r} is also shared whole (in {prop}.tables), which would show "
                    "the consumer every column and row the filter hides; share it one way: "
                    f"remove {table!r} from {prop}.tables or this filter",
                )
                ok = False
        return ok


def check_share(check: Checker, prop: str, share: Any) -> bool:
    """Record what is wrong with a share passed as ``prop``; True when it can be used."""
    if not isinstance(share, ProducerShare):
        check.add(prop, share, "pass the producer's ProducerShare (producer.share)")
        return False
    return share.check(check, prop)


def construct_name(name: str) -> str:
    """The PascalCase construct ID part of a name: ``rl_patients`` gives ``RlPatients``."""
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


def _is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple))


#: The post's ``patients`` table (partitioned by city).
PATIENTS = IcebergTable(
    "patients",
    columns=(
        Column("patient_id", "long"),
        Column("patient_name", "string"),
        Column("date_of_birth", "date"),
        Column("gender", "string"),
        Column("city", "string"),
        Column("state", "string"),
        Column("ssn", "string"),
        Column("created_at", "timestamp"),
        Column("updated_at", "timestamp"),
    ),
    partition_by=("city",),
)
#: The post's ``claims`` table (partitioned by status).
CLAIMS = IcebergTable(
    "claims",
    columns=(
        Column("claim_id", "string"),
        Column("patient_id", "long"),
        Column("claim_date", "date"),
        Column("diagnosis_code", "string"),
        Column("procedure_code", "string"),
        Column("amount", "decimal(10,2)"),
        Column("status", "string"),
        Column("provider_id", "string"),
        Column("created_at", "timestamp"),
        Column("updated_at", "timestamp"),
    ),
    partition_by=("status",),
)
HEALTHCARE_TABLES = (PATIENTS, CLAIMS)
#: Patients Care sees every patient column but ``ssn``, and only Texas and New York rows.
PATIENTS_FILTER = DataCellFilter(
    name="patients_column_row_filter",
    table="patients",
    excluded_columns=("ssn",),
    row_filter="state in ('Texas', 'New York')",
)
