"""The checks every synthesized template and app goes through; each returns readable problems.

They are plain functions so the suite applies them to the reference app, and the harness
self-tests apply them to deliberately broken stacks to prove that each one can fail.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import cfnlint.api
import jsonschema
import kubernetes_validate
import yaml
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks

# --- cdk-nag ---------------------------------------------------------------------------------

NAG_PACKS: dict[str, type[NagPack]] = {
    "AwsSolutions": AwsSolutionsChecks,
    "HIPAA Security": HIPAASecurityChecks,
    "NIST 800-53 rev 5": NIST80053R5Checks,
}


def nag_findings(app: cdk.App, pack: str) -> list[str]:
    """Unacknowledged findings (errors and warnings) of one pack, as ``rule at construct path``."""
    report = NAG_PACKS[pack]().validate_scope(app)
    return sorted(
        f"{violation.rule_name} at {resource.construct_path}: "
        f"{violation.description.splitlines()[0] if violation.description else ''}"
        for violation in report.violations
        for resource in violation.violating_resources
    )


# --- cfn-lint --------------------------------------------------------------------------------

DEFAULT_LINT_REGIONS = ("us-east-1",)


def cfn_lint_errors(template: Mapping[str, Any], regions: Iterable[str] = ()) -> list[str]:
    """cfn-lint errors (rule ids ``E...``) in a template, as ``rule path: message``."""
    matches = cfnlint.api.lint(
        json.dumps(template), regions=list(regions) or list(DEFAULT_LINT_REGIONS)
    )
    return [
        f"{match.rule.id} {'/'.join(str(p) for p in match.path)}: {match.message}"
        for match in matches
        if match.rule.id.startswith("E")
    ]


# --- stateful resources ----------------------------------------------------------------------

#: Resource types that hold data or keys: losing or replacing one loses something.
STATEFUL_TYPES = frozenset(
    {
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::Logs::LogGroup",
        "AWS::SecretsManager::Secret",
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::DynamoDB::Table",
        "AWS::EFS::FileSystem",
        "AWS::Glue::Database",
        "AWS::Glue::Table",
        "AWS::SNS::Topic",
        "AWS::SQS::Queue",
        "AWS::EMR::Cluster",
        "AWS::ACMPCA::CertificateAuthority",
    }
)


@dataclass(frozen=True)
class StatefulResource:
    type: str
    deletion_policy: str
    update_replace_policy: str

    def as_json(self) -> dict[str, str]:
        return {
            "Type": self.type,
            "DeletionPolicy": self.deletion_policy,
            "UpdateReplacePolicy": self.update_replace_policy,
        }


def stateful_inventory(
    templates: Mapping[str, Mapping[str, Any]],
) -> dict[str, dict[str, dict[str, str]]]:
    """Stateful resources: ``{stack: {logical id: {Type, DeletionPolicy, UpdateReplacePolicy}}}``.

    Resources without a policy attribute are listed with CloudFormation's default, ``Delete``.
    """
    inventory: dict[str, dict[str, dict[str, str]]] = {}
    for stack, template in sorted(templates.items()):
        found = {
            logical_id: StatefulResource(
                type=resource["Type"],
                deletion_policy=resource.get("DeletionPolicy", "Delete"),
                update_replace_policy=resource.get("UpdateReplacePolicy", "Delete"),
            ).as_json()
            for logical_id, resource in sorted(template.get("Resources", {}).items())
            if resource["Type"] in STATEFUL_TYPES
        }
        if found:
            inventory[stack] = found
    return inventory


def stateful_problems(
    committed: Mapping[str, Mapping[str, Mapping[str, str]]],
    current: Mapping[str, Mapping[str, Mapping[str, str]]],
) -> list[str]:
    """Differences between the committed inventory and the synthesized one, worst first."""
    problems: list[str] = []
    for stack, resources in committed.items():
        now = current.get(stack, {})
        for logical_id, expected in resources.items():
            actual = now.get(logical_id)
            where = f"{stack}/{logical_id} ({expected['Type']})"
            if actual is None:
                problems.append(
                    f"{where} disappeared or was renamed: its data would be deleted or orphaned"
                )
                continue
            for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
                if actual[policy] != expected[policy]:
                    problems.append(
                        f"{where} {policy} changed {expected[policy]} -> {actual[policy]}"
                    )
    for stack, resources in current.items():
        for logical_id, actual in resources.items():
            if logical_id not in committed.get(stack, {}):
                problems.append(
                    f"{stack}/{logical_id} ({actual['Type']}) is new and not in the list"
                )
            elif actual["DeletionPolicy"] == "Delete":
                problems.append(
                    f"{stack}/{logical_id} ({actual['Type']}) is deletable with the stack"
                )
    return problems


# --- Kubernetes manifests --------------------------------------------------------------------

#: Resource types through which CDK hands Kubernetes objects to a cluster.
MANIFEST_TYPES = frozenset({"Custom::AWSCDK-EKS-KubernetesResource"})
TOKEN_PLACEHOLDER = "cdk-token"


def _flatten(value: Any) -> str:
    """The string a manifest property will be at deploy time, with tokens as a placeholder."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(_flatten(part) for part in parts)
    return TOKEN_PLACEHOLDER


def manifests_in(template: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Kubernetes object a template applies, as ``(logical id, object)``."""
    for logical_id, resource in template.get("Resources", {}).items():
        if resource["Type"] not in MANIFEST_TYPES:
            continue
        objects = json.loads(_flatten(resource["Properties"]["Manifest"]))
        for index, obj in enumerate(objects if isinstance(objects, list) else [objects]):
            yield f"{logical_id}[{index}]", obj


def file_asset_objects(assembly_dir: Path, stack_name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Kubernetes objects shipped as a stack's YAML or JSON file assets (e.g. Spark pod templates).

    Yields ``(asset file, object)`` for every document that has an ``apiVersion`` and a ``kind``;
    other assets (Lambda code, scripts, the template itself) are not Kubernetes objects.
    """
    manifest = json.loads((assembly_dir / f"{stack_name}.assets.json").read_text())
    for asset in manifest.get("files", {}).values():
        path = assembly_dir / asset["source"]["path"]
        if asset["source"].get("packaging") != "file" or path.suffix not in (".yaml", ".yml"):
            continue
        for document in yaml.safe_load_all(path.read_text()):
            if isinstance(document, dict) and {"apiVersion", "kind"} <= document.keys():
                yield path.name, document


#: JSON schemas of the custom resources (CRDs) our constructs create, written for this project and
#: kept strict (unknown fields and wrong types fail); the built-in kinds come from
#: kubernetes-validate. File names are ``<group>_<version>_<Kind>.json``.
CRD_SCHEMA_DIR = Path(__file__).with_name("schemas")


@functools.cache
def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """``{(apiVersion, kind): schema}`` of every CRD schema in :data:`CRD_SCHEMA_DIR`."""
    schemas: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(CRD_SCHEMA_DIR.glob("*.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        key = (schema["properties"]["apiVersion"]["const"], schema["properties"]["kind"]["const"])
        schemas[key] = schema
    return schemas


def manifest_errors(obj: Mapping[str, Any], kubernetes_version: str) -> list[str]:
    """Schema problems of one Kubernetes object against the given Kubernetes version (offline)."""
    name = f"{obj.get('kind', '?')}/{obj.get('metadata', {}).get('name', '?')}"
    crd = crd_schemas().get((str(obj.get("apiVersion")), str(obj.get("kind"))))
    if crd is not None:
        validator = jsonschema.Draft202012Validator(crd)
        return [
            f"{name} at {'/'.join(str(p) for p in error.absolute_path) or '(root)'}: "
            f"{error.message}"
            for error in sorted(
                validator.iter_errors(dict(obj)), key=lambda e: [str(p) for p in e.path]
            )
        ]
    try:
        kubernetes_validate.validate(dict(obj), kubernetes_version, strict=True)
    except kubernetes_validate.ValidationError as err:
        where = "/".join(str(p) for p in err.path) or "(root)"
        return [f"{name} at {where}: {err.message}"]
    except kubernetes_validate.SchemaNotFoundError as err:
        return [f"{name}: no schema for this kind and apiVersion ({err})"]
    return []


# --- Helm chart values and scheduler configuration -----------------------------------------

HELM_TYPE = "Custom::AWSCDK-EKS-HelmChart"
#: ``<chart>-<version>.values.json``: the values a chart version reads, written for this project.
HELM_SCHEMA_DIR = CRD_SCHEMA_DIR / "helm"
#: Schemas of configuration documents that travel inside ConfigMaps: (ConfigMap name, data key).
CONFIG_SCHEMAS = {
    ("yunikorn-configs", "queues.yaml"): CRD_SCHEMA_DIR / "config" / "yunikorn-queues.json"
}


def _schema_errors(schema_path: Path, document: Any, name: str) -> list[str]:
    schema = json.loads(schema_path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{name} at {'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.path])
    ]


def helm_charts_in(template: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for logical_id, resource in template.get("Resources", {}).items():
        if resource["Type"] == HELM_TYPE:
            yield logical_id, resource["Properties"]


def helm_value_errors(chart: Mapping[str, Any]) -> list[str] | None:
    """Schema problems of a chart's values; None when no schema describes that chart version."""
    schema = HELM_SCHEMA_DIR / f"{chart.get('Chart')}-{chart.get('Version')}.values.json"
    if not schema.exists():
        return None
    values = json.loads(_flatten(chart.get("Values", "{}")))
    return _schema_errors(schema, values, f"{chart['Chart']} {chart['Version']} values")


def config_document_errors(obj: Mapping[str, Any]) -> list[str] | None:
    """Schema problems of configuration a ConfigMap carries; None when none is described."""
    if obj.get("kind") != "ConfigMap":
        return None
    found: list[str] | None = None
    for (name, key), schema in CONFIG_SCHEMAS.items():
        if obj.get("metadata", {}).get("name") == name and key in obj.get("data", {}):
            document = yaml.safe_load(obj["data"][key])
            found = (found or []) + _schema_errors(schema, document, f"ConfigMap {name} {key}")
    return found


# --- Spark History Server ---------------------------------------------------------------------


def flatten_named(value: Any) -> str:
    """A template value as text with references kept by name (``<LogicalId>``,
    ``<LogicalId.Attr>``, other intrinsics as their JSON), so that two paths can be compared."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(flatten_named(part) for part in parts)
    if isinstance(value, dict) and "Ref" in value:
        return f"<{value['Ref']}>"
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return f"<{'.'.join(value['Fn::GetAtt'])}>"
    return f"<{json.dumps(value, sort_keys=True)}>"


def spark_history_opts(obj: Mapping[str, Any]) -> dict[str, str]:
    """The ``-Dkey=value`` pairs of ``SPARK_HISTORY_OPTS`` in a Deployment or pod spec."""
    pod = obj.get("spec", {}).get("template", {}).get("spec", obj.get("spec", obj))
    for container in pod.get("containers", []):
        for env in container.get("env", []):
            if env.get("name") == "SPARK_HISTORY_OPTS":
                pairs = (item.removeprefix("-D").partition("=") for item in env["value"].split())
                return {key: value for key, _, value in pairs}
    return {}
