"""Governed data access: Lake Formation fine-grained access control for EMR on EKS.

A producer account shares Iceberg tables (whole, or through data cell filters) with a consumer
account; the consumer links them into its own catalog and grants them to Spark teams, whose jobs
run on EMR on EKS with a secure namespace for the system driver (docs/lake-formation.md).
"""

from emr_burst.governance.catalog import (
    HEALTHCARE_TABLES,
    PATIENTS_FILTER,
    Column,
    DataCellFilter,
    IcebergTable,
    ProducerShare,
)
from emr_burst.governance.consumer import LakeFormationConsumer
from emr_burst.governance.fgac import LakeFormationFgac, iceberg_catalog_conf
from emr_burst.governance.producer import LakeFormationProducer
from emr_burst.governance.settings import LakeFormationSettings, SettingsMutation

__all__ = [
    "HEALTHCARE_TABLES",
    "PATIENTS_FILTER",
    "Column",
    "DataCellFilter",
    "IcebergTable",
    "LakeFormationConsumer",
    "LakeFormationFgac",
    "LakeFormationProducer",
    "LakeFormationSettings",
    "ProducerShare",
    "SettingsMutation",
    "iceberg_catalog_conf",
]
