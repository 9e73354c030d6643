"""HiveMetastore: the patterns' Kubernetes objects, Spark properties, secret wiring and IAM."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
import yaml
from aws_cdk import aws_s3 as s3
from constructs import Construct

from emr_burst.core import versions
from emr_burst.core.errors import EmrBurstError
from emr_burst.emr_eks import Identity, SparkTeam
from emr_burst.metastore import HiveMetastore, MetastoreDatabase, MetastorePattern
from emr_burst.metastore import manifests as m
from emr_burst.metastore.hive import warehouse_statements
from tests.harness.checks import manifest_errors, manifests_in
from tests.harness.reference import new_app
from tests.unit.emr_eks.eks_app import new_stack
from tests.unit.metastore.hms_app import (
    CLIENT_CIDR,
    IMAGE,
    ExternalApp,
    HmsApp,
    platform_in,
    vpc_with_isolated_subnets,
)


def _logical_id(stack: cdk.Stack, construct: Construct) -> str:
    child = construct.node.default_child
    assert isinstance(child, cdk.CfnElement)
    return stack.get_logical_id(child)


def _spark_defaults(app: HmsApp, team: SparkTeam) -> dict[str, Any]:
    logical_id = app.stack.get_logical_id(team.job_template.resource)  # type: ignore[arg-type]
    data = app.json["Resources"][logical_id]["Properties"]["JobTemplateData"]
    for item in data["ConfigurationOverrides"]["ApplicationConfiguration"]:
        if item["Classification"] == "spark-defaults":
            props: dict[str, Any] = item["Properties"]
            return props
    raise AssertionError("no spark-defaults")


# --- every object is valid Kubernetes ------------------------------------------------------------


def test_every_manifest_passes_the_kubernetes_schema(app: HmsApp, ext: ExternalApp) -> None:
    objects = [*manifests_in(app.json), *manifests_in(ext.template.to_json())]
    kinds = {obj["kind"] for _, obj in objects}
    assert {"SecretProviderClass", "Deployment", "Service", "PodDisruptionBudget"} <= kinds
    errors = [
        f"{lid}: {problem}"
        for lid, obj in objects
        for problem in manifest_errors(obj, versions.DEFAULT_KUBERNETES_VERSION)
    ]
    assert errors == []


def test_the_sidecar_driver_pod_template_passes_the_pod_schema(app: HmsApp) -> None:
    pod = app.sidecar_team.driver_pod_template.render()
    assert manifest_errors(pod, versions.DEFAULT_KUBERNETES_VERSION) == []


# --- sidecar ------------------------------------------------------------------------------------


def test_sidecar_container_stops_when_emr_marks_the_driver_terminated(app: HmsApp) -> None:
    pod = app.sidecar_team.driver_pod_template.render()
    containers = {c["name"]: c for c in pod["spec"]["containers"]}
    sidecar = containers["hive-metastore"]
    assert sidecar["image"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/hive-metastore:3.1.3-1"
    assert sidecar["command"][:2] == ["sh", "-c"]
    assert "/var/log/fluentd/main-container-terminated" in sidecar["command"][2]
    mounts = {v["name"]: v for v in sidecar["volumeMounts"]}
    assert mounts["emr-container-communicate"]["mountPath"] == "/var/log/fluentd"
    # EMR supplies that volume itself: the template must not define it.
    assert "emr-container-communicate" not in {v["name"] for v in pod["spec"]["volumes"]}
    assert sidecar["securityContext"]["readOnlyRootFilesystem"] is True
    assert sidecar["securityContext"]["runAsNonRoot"] is True


def test_sidecar_reads_the_password_from_the_csi_mount_never_from_a_literal(app: HmsApp) -> None:
    pod = app.sidecar_team.driver_pod_template.render()
    sidecar = next(c for c in pod["spec"]["containers"] if c["name"] == "hive-metastore")
    assert sidecar["envFrom"] == [{"configMapRef": {"name": "hive-metastore-config"}}]
    assert "env" not in sidecar
    csi = next(v for v in pod["spec"]["volumes"] if v["name"] == m.SECRETS_VOLUME)
    assert csi["csi"]["driver"] == "secrets-store.csi.k8s.io"
    assert csi["csi"]["volumeAttributes"] == {"secretProviderClass": "hive-metastore-db"}
    conf = next(v for v in pod["spec"]["volumes"] if v["name"] == "hive-metastore-conf")
    assert conf["emptyDir"]["medium"] == "Memory"  # the generated config holds the password
    configs = [c for c in app.objects("ConfigMap") if c["metadata"]["namespace"] == "analytics"]
    assert len(configs) == 1
    data = configs[0]["data"]
    assert data["HIVE_METASTORE_DB_PASSWORD_FILE"] == "/mnt/secrets-store/db-password"
    assert data["HIVE_METASTORE_DB_USER"] == "hive_metastore_user"
    assert data["HIVE_METASTORE_DB_URL"].startswith("jdbc:postgresql://")
    assert data["HIVE_METASTORE_DB_URL"].endswith(":5432/hivemetastore?sslmode=require")
    assert not any("PASSWORD" in key and not key.endswith("_FILE") for key in data)


def test_secret_provider_class_names_the_database_secret_and_the_identity(app: HmsApp) -> None:
    classes = {c["metadata"]["namespace"]: c for c in app.objects("SecretProviderClass")}
    assert set(classes) == {"analytics", "labs", "hive-metastore"}
    assert classes["analytics"]["spec"]["parameters"]["usePodIdentity"] == "false"
    assert classes["labs"]["spec"]["parameters"]["usePodIdentity"] == "true"
    assert classes["hive-metastore"]["spec"]["parameters"]["usePodIdentity"] == "true"
    objects = yaml.safe_load(classes["analytics"]["spec"]["parameters"]["objects"])
    assert objects[0]["objectType"] == "secretsmanager"
    assert objects[0]["jmesPath"] == [{"path": "password", "objectAlias": "db-password"}]
    # Each class mounts exactly the database's secret: its objectName is the deploy-time ARN of
    # the secret (a reference to the secret attachment), not merely mentioned somewhere.
    secret_arn = app.stack.resolve(app.database.secret.secret_arn)
    mounted = {
        obj["metadata"]["namespace"]: tokens.get(
            yaml.safe_load(obj["spec"]["parameters"]["objects"])[0]["objectName"]
        )
        for obj, tokens in _objects_with_tokens(app, "SecretProviderClass")
    }
    assert mounted == {
        "analytics": secret_arn,
        "labs": secret_arn,
        "hive-metastore": secret_arn,
    }


def _objects_with_tokens(app: HmsApp, kind: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The objects of ``kind`` with each deploy-time token replaced by a unique marker, and the
    markers' tokens (so a test can tell which reference sits in which field)."""
    found: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for resource in app.resources("Custom::AWSCDK-EKS-KubernetesResource").values():
        tokens: dict[str, Any] = {}

        def flatten(value: Any, tokens: dict[str, Any] = tokens) -> str:
            if isinstance(value, str):
                return value
            if isinstance(value, dict) and "Fn::Join" in value:
                separator, parts = value["Fn::Join"]
                return str(separator).join(flatten(part) for part in parts)
            marker = f"token-{len(tokens)}"
            tokens[marker] = value
            return marker

        objects = json.loads(flatten(resource["Properties"]["Manifest"]))
        found.extend((obj, tokens) for obj in objects if obj["kind"] == kind)
    return found


def test_sidecar_spark_properties(app: HmsApp) -> None:
    props = _spark_defaults(app, app.sidecar_team)
    assert props["spark.sql.catalogImplementation"] == "hive"
    assert props["spark.hadoop.hive.metastore.uris"] == "thrift://localhost:9083"
    assert props["spark.hadoop.hive.metastore.connect.retries"] == "12"
    assert "spark.hive.metastore.uris" not in props
    warehouse = props["spark.sql.warehouse.dir"]
    assert json.dumps(warehouse).startswith('{"Fn::Join"')  # s3://<new bucket>/warehouse/
    assert "s3://" in json.dumps(warehouse)
    assert "/warehouse/" in json.dumps(warehouse)
    # An EMRFS (s3://) warehouse needs no s3a credentials provider.
    assert "spark.hadoop.fs.s3a.aws.credentials.provider" not in props


def test_sidecar_job_role_may_read_the_secret_and_the_warehouse_only(app: HmsApp) -> None:
    policy = app.policy_text(app.sidecar_team.execution_role.role)
    assert "secretsmanager:GetSecretValue" in policy
    assert "kms:ViaService" in policy
    statements = json.loads(policy)["Statement"]
    warehouse = [
        s for s in statements if "s3:DeleteObject" in s["Action"] and "warehouse" in json.dumps(s)
    ]
    assert len(warehouse) == 1
    assert json.dumps(warehouse[0]["Resource"]).endswith('/warehouse/*"]]}')
    listings = [s["Condition"] for s in statements if s["Action"] == "s3:ListBucket"]
    assert {"StringLike": {"s3:prefix": ["warehouse/", "warehouse/*"]}} in listings


def test_dedicated_team_jobs_get_the_warehouse_but_not_the_secret(app: HmsApp) -> None:
    policy = app.policy_text(app.dedicated_team.execution_role.role)
    assert "s3:PutObject" in policy
    assert "/warehouse/*" in policy
    assert "secretsmanager:GetSecretValue" not in policy


# --- cluster-dedicated --------------------------------------------------------------------------


def test_dedicated_deployment_is_replicated_probed_and_hardened(app: HmsApp) -> None:
    deployment = next(
        d for d in app.objects("Deployment") if d["metadata"]["namespace"] == "hive-metastore"
    )
    spec = deployment["spec"]
    assert spec["replicas"] == 2
    pod = spec["template"]["spec"]
    assert pod["serviceAccountName"] == "hive-metastore"
    assert pod["automountServiceAccountToken"] is False
    (container,) = pod["containers"]
    assert container["readinessProbe"]["tcpSocket"] == {"port": 9083}
    assert container["livenessProbe"]["tcpSocket"] == {"port": 9083}
    assert container["resources"]["limits"]["memory"] == "1000Mi"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}


def test_dedicated_service_pdb_and_network_policy(app: HmsApp) -> None:
    service = next(
        s for s in app.objects("Service") if s["metadata"]["name"] == "hive-metastore-svc"
    )
    assert service["metadata"]["namespace"] == "hive-metastore"
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"][0]["port"] == 9083
    (pdb,) = app.objects("PodDisruptionBudget")
    assert pdb["spec"]["maxUnavailable"] == 1
    policy = next(
        p for p in app.objects("NetworkPolicy") if p["metadata"]["name"] == "hive-metastore-clients"
    )
    (rule,) = policy["spec"]["ingress"]
    (peer,) = rule["from"]
    # Only Spark drivers of the namespaces that bound this metastore, on 9083.
    assert peer["namespaceSelector"]["matchExpressions"][0]["values"] == ["reports"]
    assert peer["podSelector"] == {"matchLabels": {"spark-role": "driver"}}
    assert rule["ports"] == [{"protocol": "TCP", "port": 9083}]


def test_dedicated_spark_properties_use_the_in_cluster_uri(app: HmsApp) -> None:
    props = _spark_defaults(app, app.dedicated_team)
    assert (
        props["spark.hadoop.hive.metastore.uris"]
        == "thrift://hive-metastore-svc.hive-metastore.svc.cluster.local:9083"
    )
    assert "spark.hadoop.hive.metastore.connect.retries" not in props


def test_dedicated_metastore_runs_under_its_own_pod_identity_role(app: HmsApp) -> None:
    associations = app.resources("AWS::EKS::PodIdentityAssociation")
    ours = [
        a["Properties"]
        for a in associations.values()
        if a["Properties"]["ServiceAccount"] == "hive-metastore"
    ]
    assert len(ours) == 1
    assert ours[0]["Namespace"] == "hive-metastore"
    role = app.dedicated.role
    assert role is not None
    role_id = _logical_id(app.stack, role)
    assert ours[0]["RoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}
    policy = app.policy_text(role)
    assert "secretsmanager:GetSecretValue" in policy
    assert "s3:PutObject" in policy
    # Not a job role: nothing about EMR in its trust.
    trust = app.json["Resources"][app.stack.get_logical_id(role.node.default_child)]  # type: ignore[arg-type]
    assert "pods.eks.amazonaws.com" in json.dumps(trust["Properties"]["AssumeRolePolicyDocument"])


def test_the_csi_driver_and_provider_are_installed_once_at_the_pinned_versions(app: HmsApp) -> None:
    charts = sorted(
        (c["Properties"]["Chart"], c["Properties"]["Version"], c["Properties"]["Namespace"])
        for c in app.resources("Custom::AWSCDK-EKS-HelmChart").values()
    )
    assert charts == [
        ("secrets-store-csi-driver", versions.SECRETS_STORE_CSI_DRIVER_VERSION, "kube-system"),
        (
            "secrets-store-csi-driver-provider-aws",
            versions.SECRETS_STORE_AWS_PROVIDER_VERSION,
            "kube-system",
        ),
    ]


# --- external -----------------------------------------------------------------------------------


def test_external_service_is_an_internal_nlb_open_to_the_clients_only(ext: ExternalApp) -> None:
    (service,) = [
        s for s in ext.objects("Service") if s["metadata"]["name"] == "hive-metastore-svc"
    ]
    assert service["spec"]["type"] == "LoadBalancer"
    assert service["spec"]["loadBalancerSourceRanges"] == [CLIENT_CIDR]
    annotations = service["metadata"]["annotations"]
    assert annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] == "internal"
    # EKS Auto Mode's load balancing only takes Services of its class.
    assert service["spec"]["loadBalancerClass"] == "eks.amazonaws.com/nlb"
    (deployment,) = ext.objects("Deployment")
    assert deployment["spec"]["replicas"] == 3
    (policy,) = [
        p for p in ext.objects("NetworkPolicy") if p["metadata"]["name"] == "hive-metastore-clients"
    ]
    peers = policy["spec"]["ingress"][0]["from"]
    assert {"ipBlock": {"cidr": CLIENT_CIDR}} in peers
    assert all("namespaceSelector" not in p for p in peers)


def test_external_uri_is_the_load_balancer_host_read_at_deploy_time(ext: ExternalApp) -> None:
    values = ext.template.find_resources("Custom::AWSCDK-EKS-KubernetesObjectValue")
    (value,) = values.values()
    assert value["Properties"]["ObjectName"] == "hive-metastore-svc"
    assert value["Properties"]["JsonPath"] == ".status.loadBalancer.ingress[0].hostname"
    conf = ext.metastore.spark_conf()
    resolved = json.dumps(ext.stack.resolve(conf["spark.hadoop.hive.metastore.uris"]))
    assert resolved.startswith('{"Fn::Join"')
    assert ":9083" in resolved


def test_external_database_admits_only_the_metastore_cluster(ext: ExternalApp) -> None:
    ingress = ext.template.find_resources("AWS::EC2::SecurityGroupIngress")
    proxy_sg = _logical_id(ext.stack, ext.metastore.database.proxy_security_group)
    sources = [
        json.dumps(r["Properties"]["SourceSecurityGroupId"])
        for r in ingress.values()
        if r["Properties"].get("GroupId", {}).get("Fn::GetAtt", [""])[0] == proxy_sg
    ]
    assert sources
    assert all("MetastorePlatform" in s for s in sources)


# --- spark_conf per warehouse scheme and identity ----------------------------------------------


def test_s3a_warehouse_gets_the_credentials_provider_of_the_job_identity() -> None:
    stack = new_stack("S3a")
    vpc = vpc_with_isolated_subnets(stack)
    hms = HiveMetastore(
        stack,
        "Hms",
        pattern=MetastorePattern.CLUSTER_DEDICATED,
        platform=platform_in(stack, vpc),
        database=MetastoreDatabase(stack, "Db", vpc=vpc),
        image=IMAGE,
        warehouse_bucket=s3.Bucket.from_bucket_name(stack, "Lake", "my-lake"),
        warehouse_location="s3a://my-lake/hive",
    )
    irsa = hms.spark_conf(Identity.IRSA)
    assert irsa["spark.sql.warehouse.dir"] == "s3a://my-lake/hive"
    assert irsa["spark.hadoop.fs.s3a.aws.credentials.provider"].endswith(
        "WebIdentityTokenFileCredentialsProvider"
    )
    assert hms.spark_conf(Identity.POD_IDENTITY)[
        "spark.hadoop.fs.s3a.aws.credentials.provider"
    ].endswith("ContainerCredentialsProvider")
    assert hms.warehouse_prefix == "hive/"


def test_warehouse_grants_read_the_prefix_key_itself_for_s3a() -> None:
    stack = new_stack("HmsMarker")
    bucket = s3.Bucket.from_bucket_name(stack, "Bucket", "warehouse-bucket")
    statements = [
        stack.resolve(s.to_statement_json())
        for s in warehouse_statements(bucket, "warehouse/tables/")
    ]
    marker = [s for s in statements if s["Action"] == "s3:GetObject"]
    assert len(marker) == 1
    resource = json.dumps(marker[0]["Resource"])
    assert resource.endswith(':s3:::warehouse-bucket/warehouse/tables"]]}'), resource


def test_the_schema_is_initialised_once_by_a_job_applied_before_the_deployment(
    app: HmsApp, ext: ExternalApp
) -> None:
    (job,) = [j for j in app.objects("Job") if j["metadata"]["namespace"] == "hive-metastore"]
    assert job["metadata"]["name"] == m.schema_job_name(IMAGE.uri)
    spec = job["spec"]
    assert (spec["parallelism"], spec["completions"]) == (1, 1)
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["serviceAccountName"] == "hive-metastore"
    (container,) = pod["containers"]
    assert container["command"] == [m.START_SCRIPT, "init-schema"]
    assert container["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    # The servers never initialise: the Deployment waits for the Job's manifest.
    (deployment,) = [
        d for d in app.objects("Deployment") if d["metadata"]["namespace"] == "hive-metastore"
    ]
    (server,) = deployment["spec"]["template"]["spec"]["containers"]
    assert server["command"] == [m.START_SCRIPT]
    startup = server["startupProbe"]
    assert startup["failureThreshold"] * startup["periodSeconds"] == 600
    for hms in (app.dedicated, ext.metastore):
        assert hms.schema_job in hms.workload.node.dependencies
    # The sidecar applies no Job (it waits for a schema initialised once, documented).
    assert len(app.objects("Job")) == 1
    assert len(ext.objects("Job")) == 1


def test_a_sidecar_in_another_stack_than_its_team_is_an_error_not_a_cycle() -> None:
    app = new_app()
    platform_stack = cdk.Stack(app, "HmsPlatformStack")
    vpc = vpc_with_isolated_subnets(platform_stack)
    platform = platform_in(platform_stack, vpc)
    team = SparkTeam(
        platform_stack, "Team", platform=platform, namespace="team", role_name="hms-team-job"
    )
    metastore_stack = cdk.Stack(app, "HmsSidecarStack")
    sidecar = HiveMetastore(
        metastore_stack,
        "Sidecar",
        pattern=MetastorePattern.SIDECAR,
        platform=platform,
        database=MetastoreDatabase(metastore_stack, "Db", vpc=vpc),
        image=IMAGE,
    )
    with pytest.raises(EmrBurstError) as err:
        team.add_extension(sidecar)
    assert [p.prop for p in err.value.problems] == ["bind(target)"]
    assert "the team is in stack 'HmsPlatformStack'" in str(err.value)
    assert "create the team in the metastore's stack" in str(err.value)
    # Nothing was half-built: the app still synthesizes.
    app.synth()


def test_the_pod_identity_role_trusts_only_this_account_cluster_and_service_account(
    app: HmsApp,
) -> None:
    role = app.dedicated.role
    assert role is not None
    trust = app.json["Resources"][_logical_id(app.stack, role)]["Properties"]
    (statement,) = trust["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(statement["Action"]) == ["sts:AssumeRole", "sts:TagSession"]
    conditions = statement["Condition"]["StringEquals"]
    assert conditions["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert conditions["aws:RequestTag/kubernetes-namespace"] == "hive-metastore"
    assert conditions["aws:RequestTag/kubernetes-service-account"] == "hive-metastore"
    assert conditions["aws:RequestTag/eks-cluster-name"] == app.stack.resolve(
        app.platform.cluster_name
    )
