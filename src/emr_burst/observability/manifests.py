"""The Spark History Server's Kubernetes objects, as plain dicts built by small pure functions."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from emr_burst.core import versions

NAMESPACE = "spark-history"
NAME = "spark-history-server"
SERVICE_ACCOUNT = NAME
UI_PORT = 18080
SERVICE_PORT = 80
JARS_DIR = "/opt/spark/extra-jars"
_LABELS = {"app.kubernetes.io/name": NAME, "app.kubernetes.io/managed-by": "emr-burst"}
_MAVEN = "https://repo1.maven.org/maven2"
#: Bytes the init container reads at a time while downloading a jar.
DOWNLOAD_CHUNK = 1 << 20
#: Room for the downloaded jars: the SDK bundle alone is hundreds of megabytes, so 1Gi leaves
#: headroom for a version bump.
JARS_VOLUME_LIMIT = "1Gi"


@dataclass(frozen=True)
class ServerSettings:
    """What the server's Spark configuration is made of (all literal or CDK tokens)."""

    log_directory_uri: str
    region: str
    admin_groups: Sequence[str]
    compaction_files_to_retain: int | None
    cleaner: bool


def s3a_jars() -> list[tuple[str, str]]:
    """``(url, sha1)`` of the jars the server adds to Spark's classpath to read ``s3a://``."""
    hadoop, sdk = versions.HADOOP_AWS_VERSION, versions.AWS_JAVA_SDK_BUNDLE_VERSION
    return [
        (
            f"{_MAVEN}/org/apache/hadoop/hadoop-aws/{hadoop}/hadoop-aws-{hadoop}.jar",
            versions.HADOOP_AWS_SHA1,
        ),
        (
            f"{_MAVEN}/com/amazonaws/aws-java-sdk-bundle/{sdk}/aws-java-sdk-bundle-{sdk}.jar",
            versions.AWS_JAVA_SDK_BUNDLE_SHA1,
        ),
    ]


def fetch_jars_script(jars: Sequence[tuple[str, str]], directory: str) -> str:
    """A Python program (the Spark image ships Python 3) that downloads each jar and refuses it
    unless its SHA-1 matches the pinned one.

    It streams in chunks of ``DOWNLOAD_CHUNK`` bytes into the hash and the file, so memory stays
    flat however big the jar (the SDK bundle is hundreds of megabytes; the init container's limit
    is 512Mi), and deletes a file whose checksum does not match.
    """
    return "\n".join(
        [
            "import hashlib, os, sys, urllib.request",
            f"jars = {json.dumps([list(j) for j in jars])}",
            "for url, sha1 in jars:",
            f"    path = os.path.join({directory!r}, url.rsplit('/', 1)[1])",
            "    digest = hashlib.sha1()",
            "    with urllib.request.urlopen(url, timeout=120) as src, open(path, 'wb') as out:",
            f"        while chunk := src.read({DOWNLOAD_CHUNK}):",
            "            digest.update(chunk)",
            "            out.write(chunk)",
            "    if digest.hexdigest() != sha1:",
            "        os.remove(path)",
            "        sys.exit('checksum mismatch: ' + url)",
        ]
    )


def history_opts(settings: ServerSettings) -> dict[str, str]:
    """The server's Spark properties (``SPARK_HISTORY_OPTS``)."""
    opts = {
        "spark.history.fs.logDirectory": settings.log_directory_uri,
        "spark.history.ui.port": str(UI_PORT),
        "spark.hadoop.fs.s3a.aws.credentials.provider": versions.S3A_WEB_IDENTITY_PROVIDER,
        "spark.hadoop.fs.s3a.endpoint": f"s3.{settings.region}.amazonaws.com",
        "spark.history.fs.cleaner.enabled": str(settings.cleaner).lower(),
    }
    if settings.compaction_files_to_retain is not None:
        opts["spark.history.fs.eventLog.rolling.maxFilesToRetain"] = str(
            settings.compaction_files_to_retain
        )
    if settings.admin_groups:
        opts["spark.history.ui.acls.enable"] = "true"
        opts["spark.history.ui.admin.acls.groups"] = ",".join(settings.admin_groups)
    return opts


def service_account(role_arn: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "name": SERVICE_ACCOUNT,
            "namespace": NAMESPACE,
            "labels": dict(_LABELS),
            "annotations": {"eks.amazonaws.com/role-arn": role_arn},
        },
    }


def _security_context() -> dict[str, Any]:
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }


def deployment(
    settings: ServerSettings, *, image: str = versions.SPARK_HISTORY_IMAGE
) -> dict[str, Any]:
    """One replica (the server keeps its listing in memory; two would scan S3 twice)."""
    uid = versions.SPARK_IMAGE_UID
    opts = " ".join(f"-D{key}={value}" for key, value in history_opts(settings).items())
    probe = {
        "httpGet": {"path": "/", "port": "http"},
        "periodSeconds": 30,
        "timeoutSeconds": 5,
        "failureThreshold": 3,
    }
    resources = {"cpu": "1", "memory": "2Gi"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": NAME, "namespace": NAMESPACE, "labels": dict(_LABELS)},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app.kubernetes.io/name": NAME}},
            "template": {
                "metadata": {"labels": dict(_LABELS)},
                "spec": {
                    # The token stays mounted: IRSA's web-identity token comes with it (the
                    # webhook's maintainers trace IRSA failures to automount being off).
                    "serviceAccountName": SERVICE_ACCOUNT,
                    "securityContext": {
                        "runAsUser": uid,
                        "runAsGroup": uid,
                        "fsGroup": uid,
                        "runAsNonRoot": True,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "initContainers": [
                        {
                            "name": "s3a-jars",
                            "image": image,
                            "command": ["python3", "-c", fetch_jars_script(s3a_jars(), JARS_DIR)],
                            "securityContext": _security_context(),
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "256Mi"},
                                "limits": {"cpu": "500m", "memory": "512Mi"},
                            },
                            "volumeMounts": [{"name": "jars", "mountPath": JARS_DIR}],
                        }
                    ],
                    "containers": [
                        {
                            "name": "history-server",
                            "image": image,
                            "command": ["/opt/spark/sbin/start-history-server.sh"],
                            "env": [
                                {"name": "SPARK_NO_DAEMONIZE", "value": "true"},
                                {"name": "SPARK_DAEMON_CLASSPATH", "value": f"{JARS_DIR}/*"},
                                {"name": "SPARK_HISTORY_OPTS", "value": opts},
                                {"name": "AWS_REGION", "value": settings.region},
                                {"name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"},
                            ],
                            "ports": [{"name": "http", "containerPort": UI_PORT}],
                            "readinessProbe": {**probe, "initialDelaySeconds": 20},
                            "livenessProbe": {**probe, "initialDelaySeconds": 60},
                            "resources": {"requests": resources, "limits": resources},
                            "securityContext": _security_context(),
                            "volumeMounts": [
                                {"name": "jars", "mountPath": JARS_DIR, "readOnly": True},
                                {"name": "logs", "mountPath": "/opt/spark/logs"},
                                {"name": "tmp", "mountPath": "/tmp"},
                            ],
                        }
                    ],
                    "volumes": [
                        {"name": "jars", "emptyDir": {"sizeLimit": JARS_VOLUME_LIMIT}},
                        {"name": "logs", "emptyDir": {"sizeLimit": "1Gi"}},
                        {"name": "tmp", "emptyDir": {"sizeLimit": "2Gi"}},
                    ],
                },
            },
        },
    }


def service() -> dict[str, Any]:
    """ClusterIP only: the ALB reaches the pods by IP (target type ``ip``)."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": NAME, "namespace": NAMESPACE, "labels": dict(_LABELS)},
        "spec": {
            "type": "ClusterIP",
            "selector": {"app.kubernetes.io/name": NAME},
            "ports": [
                {"name": "http", "port": SERVICE_PORT, "targetPort": "http", "protocol": "TCP"}
            ],
        },
    }


@dataclass(frozen=True)
class AlbController:
    """Which controller turns the Ingress into an ALB: its IngressClass controller and params
    (the two APIs name the certificate list differently)."""

    controller: str
    params_api_group: str
    params_version: str
    certificates_field: str


#: EKS Auto Mode's built-in load balancing.
AUTO_MODE_ALB = AlbController("eks.amazonaws.com/alb", "eks.amazonaws.com", "v1", "certificateARNs")
#: The AWS Load Balancer Controller (clusters without Auto Mode).
LOAD_BALANCER_CONTROLLER = AlbController(
    "ingress.k8s.aws/alb", "elbv2.k8s.aws", "v1beta1", "certificateArn"
)


def ingress_class(
    alb: AlbController, certificate_arn: str, subnet_ids: Sequence[str]
) -> list[dict[str, Any]]:
    """An IngressClass of our own whose parameters make every ALB of it internal, in the given
    private subnets (so no subnet discovery tags are needed), with the private certificate (Auto
    Mode documents the certificate here, not on the Ingress)."""
    return [
        {
            "apiVersion": f"{alb.params_api_group}/{alb.params_version}",
            "kind": "IngressClassParams",
            "metadata": {"name": NAME, "labels": dict(_LABELS)},
            "spec": {
                "scheme": "internal",
                "subnets": {"ids": list(subnet_ids)},
                alb.certificates_field: [certificate_arn],
            },
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "IngressClass",
            "metadata": {"name": NAME, "labels": dict(_LABELS)},
            "spec": {
                "controller": alb.controller,
                "parameters": {
                    "apiGroup": alb.params_api_group,
                    "kind": "IngressClassParams",
                    "name": NAME,
                },
            },
        },
    ]


#: TLS 1.2 and 1.3 only.
SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def ingress(*, host: str, certificate_arn: str, inbound_cidrs: Sequence[str]) -> dict[str, Any]:
    """HTTPS on 443 only, internal, reachable from ``inbound_cidrs``, to the pods by IP."""
    annotations: Mapping[str, str] = {
        "alb.ingress.kubernetes.io/scheme": "internal",
        "alb.ingress.kubernetes.io/target-type": "ip",
        "alb.ingress.kubernetes.io/listen-ports": json.dumps([{"HTTPS": 443}]),
        "alb.ingress.kubernetes.io/certificate-arn": certificate_arn,
        "alb.ingress.kubernetes.io/ssl-policy": SSL_POLICY,
        "alb.ingress.kubernetes.io/inbound-cidrs": ",".join(inbound_cidrs),
        "alb.ingress.kubernetes.io/healthcheck-path": "/",
        "alb.ingress.kubernetes.io/success-codes": "200-399",
        "alb.ingress.kubernetes.io/target-group-attributes": (
            "deregistration_delay.timeout_seconds=30"
        ),
    }
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": NAME,
            "namespace": NAMESPACE,
            "labels": dict(_LABELS),
            "annotations": dict(annotations),
        },
        "spec": {
            "ingressClassName": NAME,
            "tls": [{"hosts": [host]}],
            "rules": [
                {
                    "host": host,
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": NAME, "port": {"name": "http"}}},
                            }
                        ]
                    },
                }
            ],
        },
    }
