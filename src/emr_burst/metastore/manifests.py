"""Kubernetes objects of a Hive Metastore, as small pure functions (tested and schema-validated).

Every pattern runs the same container: the image reads its non-secret settings from a ConfigMap
and the database password from a file that the Secrets Store CSI driver mounts from Secrets
Manager, so no password is ever written into a manifest or a Kubernetes Secret.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The Thrift port of the metastore service.
THRIFT_PORT = 9083
CONTAINER_NAME = "hive-metastore"
#: What the cluster-dedicated post names: namespace, Service, and so the in-cluster URI.
DEFAULT_NAMESPACE = "hive-metastore"
SERVICE_NAME = "hive-metastore-svc"
SERVICE_ACCOUNT = "hive-metastore"
CONFIG_MAP = "hive-metastore-config"
SECRET_PROVIDER_CLASS = "hive-metastore-db"
#: Where the CSI driver mounts the secret, and the file holding the password.
SECRETS_VOLUME = "hive-metastore-db-secret"
SECRETS_MOUNT = "/mnt/secrets-store"
PASSWORD_FILE = "db-password"
#: The documented image's start script (docs/hive-metastore.md, "The image").
START_SCRIPT = "/opt/hive-metastore/bin/run-metastore"
#: The start script's argument that initialises the schema (once, from the schema Job) and exits.
INIT_SCHEMA_ARG = "init-schema"
SCHEMA_JOB_PREFIX = "hive-metastore-schema"
#: The image runs as this non-root user (the Dockerfile creates it).
RUN_AS_USER = 1000
#: EMR on EKS mounts this volume into the pods of a StartJobRun and writes the termination file
#: into it when Spark's container ends; a sidecar that watches it can stop with the driver.
EMR_COMMUNICATE_VOLUME = "emr-container-communicate"
EMR_COMMUNICATE_MOUNT = "/var/log/fluentd"
MAIN_TERMINATED_FILE = f"{EMR_COMMUNICATE_MOUNT}/main-container-terminated"
#: Spark labels its driver pods with this; only drivers talk to the metastore.
SPARK_ROLE_LABEL = "spark-role"
APP_LABEL = "app.kubernetes.io/name"


@dataclass(frozen=True)
class MetastoreResources:
    """CPU and memory of one metastore container (Kubernetes quantities).

    The defaults are the sidecar sample's (requests 400m and 1000Mi, limit 1 CPU) with the memory
    limit equal to the request, so the JVM is never killed for memory it was allowed to request.

    :param cpu_request: Default: - ``400m``. :param cpu_limit: Default: - ``1``.
    :param memory: request and limit. Default: - ``1000Mi``.
    """

    cpu_request: str = "400m"
    cpu_limit: str = "1"
    memory: str = "1000Mi"

    def spec(self) -> dict[str, Any]:
        return {
            "requests": {"cpu": self.cpu_request, "memory": self.memory},
            "limits": {"cpu": self.cpu_limit, "memory": self.memory},
        }


def secret_provider_class(
    namespace: str, *, secret_arn: str, region: str, use_pod_identity: bool
) -> dict[str, Any]:
    """The SecretProviderClass that mounts the password key of the RDS secret as one file."""
    objects = [
        {
            "objectName": secret_arn,
            "objectType": "secretsmanager",
            "objectAlias": "db-secret",
            "jmesPath": [{"path": "password", "objectAlias": PASSWORD_FILE}],
        }
    ]
    return {
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": {"name": SECRET_PROVIDER_CLASS, "namespace": namespace},
        "spec": {
            "provider": "aws",
            "parameters": {
                # The AWS provider reads ``objects`` as YAML; JSON is YAML.
                "objects": json.dumps(objects),
                "region": region,
                "usePodIdentity": "true" if use_pod_identity else "false",
            },
        },
    }


def config_map(namespace: str, settings: Mapping[str, str]) -> dict[str, Any]:
    """The metastore's non-secret settings (JDBC URL, user, warehouse, region) as env values."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": CONFIG_MAP, "namespace": namespace},
        "data": dict(sorted(settings.items())),
    }


def metastore_settings(
    *, jdbc_url: str, username: str, warehouse: str, region: str
) -> dict[str, str]:
    """The environment the documented image reads (docs/hive-metastore.md)."""
    return {
        "AWS_REGION": region,
        "HIVE_METASTORE_DB_TYPE": "postgres",
        "HIVE_METASTORE_DB_DRIVER": "org.postgresql.Driver",
        "HIVE_METASTORE_DB_URL": jdbc_url,
        "HIVE_METASTORE_DB_USER": username,
        "HIVE_METASTORE_DB_PASSWORD_FILE": f"{SECRETS_MOUNT}/{PASSWORD_FILE}",
        "HIVE_METASTORE_WAREHOUSE_DIR": warehouse,
    }


def _security_context() -> dict[str, Any]:
    return {
        "runAsNonRoot": True,
        "runAsUser": RUN_AS_USER,
        "runAsGroup": RUN_AS_USER,
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def volumes() -> list[dict[str, Any]]:
    """The secret mount (CSI, read-only) and the writable scratch of a read-only root."""
    return [
        {
            "name": SECRETS_VOLUME,
            "csi": {
                "driver": "secrets-store.csi.k8s.io",
                "readOnly": True,
                "volumeAttributes": {"secretProviderClass": SECRET_PROVIDER_CLASS},
            },
        },
        {"name": "hive-metastore-tmp", "emptyDir": {}},
        # The generated configuration holds the password: in memory, never on the node's disk.
        {"name": "hive-metastore-conf", "emptyDir": {"medium": "Memory", "sizeLimit": "16Mi"}},
    ]


def _mounts() -> list[dict[str, Any]]:
    return [
        {"name": SECRETS_VOLUME, "mountPath": SECRETS_MOUNT, "readOnly": True},
        {"name": "hive-metastore-tmp", "mountPath": "/tmp"},
        {"name": "hive-metastore-conf", "mountPath": "/opt/hive-metastore/conf"},
    ]


def _probe(initial_delay: int, period: int) -> dict[str, Any]:
    return {
        "tcpSocket": {"port": THRIFT_PORT},
        "initialDelaySeconds": initial_delay,
        "periodSeconds": period,
        "failureThreshold": 3,
    }


def metastore_container(image: str, resources: MetastoreResources) -> dict[str, Any]:
    """The metastore container of a Deployment: probes on the Thrift port, non-root, read-only."""
    return {
        "name": CONTAINER_NAME,
        "image": image,
        "command": [START_SCRIPT],
        "ports": [{"name": "thrift", "containerPort": THRIFT_PORT, "protocol": "TCP"}],
        "envFrom": [{"configMapRef": {"name": CONFIG_MAP}}],
        "resources": resources.spec(),
        # The script waits for the schema Job before it listens: up to ten minutes of startup
        # before the liveness probe applies.
        "startupProbe": {**_probe(10, 10), "failureThreshold": 60},
        "readinessProbe": _probe(10, 10),
        "livenessProbe": _probe(60, 20),
        "securityContext": _security_context(),
        "volumeMounts": _mounts(),
    }


#: The sidecar starts the metastore, then stops it once EMR marks Spark's container terminated
#: (or exits with the metastore if that stops first), so the driver pod can complete.
_SIDECAR_SCRIPT = (
    f'{START_SCRIPT} & hms=$!; while kill -0 "$hms" 2>/dev/null; do '
    f'if [ -f {MAIN_TERMINATED_FILE} ]; then kill "$hms"; wait "$hms"; exit 0; fi; '
    'sleep 2; done; wait "$hms"'
)


def sidecar_container(image: str, resources: MetastoreResources) -> dict[str, Any]:
    """The metastore as a container of the Spark driver pod, stopping when the driver ends."""
    return {
        "name": CONTAINER_NAME,
        "image": image,
        "command": ["sh", "-c", _SIDECAR_SCRIPT],
        "ports": [{"name": "thrift", "containerPort": THRIFT_PORT, "protocol": "TCP"}],
        "envFrom": [{"configMapRef": {"name": CONFIG_MAP}}],
        "resources": resources.spec(),
        "securityContext": _security_context(),
        "volumeMounts": [
            *_mounts(),
            {"name": EMR_COMMUNICATE_VOLUME, "mountPath": EMR_COMMUNICATE_MOUNT, "readOnly": True},
        ],
    }


def service_account(namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": SERVICE_ACCOUNT, "namespace": namespace},
        "automountServiceAccountToken": False,
    }


def _labels() -> dict[str, str]:
    return {APP_LABEL: CONTAINER_NAME}


def deployment(
    namespace: str, *, image: str, replicas: int, resources: MetastoreResources
) -> dict[str, Any]:
    """The metastore Deployment: spread over zones, its own service account, no API token."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": CONTAINER_NAME, "namespace": namespace, "labels": _labels()},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": _labels()},
            "template": {
                "metadata": {"labels": _labels()},
                "spec": {
                    "serviceAccountName": SERVICE_ACCOUNT,
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "fsGroup": RUN_AS_USER,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "topologySpreadConstraints": [
                        {
                            "maxSkew": 1,
                            "topologyKey": "topology.kubernetes.io/zone",
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": {"matchLabels": _labels()},
                        }
                    ],
                    "containers": [metastore_container(image, resources)],
                    "volumes": volumes(),
                },
            },
        },
    }


def schema_job_name(image: str) -> str:
    """One Job name per image: a Job's pod template is immutable, so a new image gets a new Job
    (the kubectl provider prunes the old one); on an existing schema it only checks it."""
    digest = hashlib.sha256(image.encode()).hexdigest()[:10]
    return f"{SCHEMA_JOB_PREFIX}-{digest}"


def schema_job(namespace: str, *, image: str, resources: MetastoreResources) -> dict[str, Any]:
    """The one place the schema is created: ``run-metastore init-schema`` initialises it when
    ``schematool -info`` fails, in a single pod at a time (retried until the database answers),
    so replicas and sidecars never race to build it; they wait for it instead."""
    container = {
        "name": "init-schema",
        "image": image,
        "command": [START_SCRIPT, INIT_SCHEMA_ARG],
        "envFrom": [{"configMapRef": {"name": CONFIG_MAP}}],
        "resources": resources.spec(),
        "securityContext": _security_context(),
        "volumeMounts": _mounts(),
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": schema_job_name(image),
            "namespace": namespace,
            "labels": {APP_LABEL: SCHEMA_JOB_PREFIX},
        },
        "spec": {
            "parallelism": 1,
            "completions": 1,
            "backoffLimit": 10,
            "template": {
                "metadata": {"labels": {APP_LABEL: SCHEMA_JOB_PREFIX}},
                "spec": {
                    "restartPolicy": "Never",
                    "serviceAccountName": SERVICE_ACCOUNT,
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "fsGroup": RUN_AS_USER,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [container],
                    "volumes": volumes(),
                },
            },
        },
    }


#: EKS Auto Mode's load balancing handles only Services of this class (set explicitly, so no
#: other controller, or none, is left to pick the Service up).
AUTO_MODE_NLB_CLASS = "eks.amazonaws.com/nlb"


def service(
    namespace: str,
    *,
    source_ranges: Sequence[str] = (),
    subnet_ids: Sequence[str] = (),
    load_balancer_class: str | None = None,
) -> dict[str, Any]:
    """``hive-metastore-svc`` on 9083: in-cluster, or an internal NLB limited to ``source_ranges``.

    With ``source_ranges`` the Service is of type LoadBalancer with the annotations EKS Auto
    Mode's load balancing (and the AWS Load Balancer Controller) read: an internal scheme and IP
    targets.
    """
    spec: dict[str, Any] = {
        "selector": _labels(),
        "ports": [{"name": "thrift", "port": THRIFT_PORT, "targetPort": THRIFT_PORT}],
    }
    metadata: dict[str, Any] = {"name": SERVICE_NAME, "namespace": namespace, "labels": _labels()}
    if source_ranges:
        spec["ports"][0]["protocol"] = "TCP"
        spec["type"] = "LoadBalancer"
        spec["loadBalancerSourceRanges"] = list(source_ranges)
        if load_balancer_class:
            spec["loadBalancerClass"] = load_balancer_class
        metadata["annotations"] = {
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        }
        if subnet_ids:
            # Named subnets need no ``kubernetes.io/role/internal-elb`` discovery tags.
            metadata["annotations"]["service.beta.kubernetes.io/aws-load-balancer-subnets"] = (
                ",".join(subnet_ids)
            )
    else:
        spec["type"] = "ClusterIP"
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec}


def pod_disruption_budget(namespace: str) -> dict[str, Any]:
    """At most one metastore pod down at a time during voluntary disruptions."""
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": CONTAINER_NAME, "namespace": namespace},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": _labels()}},
    }


def network_policy(
    namespace: str, *, client_namespaces: Sequence[str] = (), client_cidrs: Sequence[str] = ()
) -> dict[str, Any]:
    """Only Spark drivers of the client namespaces (or the client networks) reach port 9083."""
    peers: list[dict[str, Any]] = (
        [
            {
                "namespaceSelector": {
                    "matchExpressions": [
                        {
                            "key": "kubernetes.io/metadata.name",
                            "operator": "In",
                            "values": sorted(client_namespaces),
                        }
                    ]
                },
                "podSelector": {"matchLabels": {SPARK_ROLE_LABEL: "driver"}},
            }
        ]
        if client_namespaces
        else []
    )
    peers.extend({"ipBlock": {"cidr": cidr}} for cidr in client_cidrs)
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "hive-metastore-clients", "namespace": namespace},
        "spec": {
            "podSelector": {"matchLabels": _labels()},
            "policyTypes": ["Ingress"],
            # No peer means no ingress rule at all: an empty ``from`` would admit every source.
            "ingress": (
                [{"from": peers, "ports": [{"protocol": "TCP", "port": THRIFT_PORT}]}]
                if peers
                else []
            ),
        },
    }


def in_cluster_uri(namespace: str) -> str:
    """``thrift://hive-metastore-svc.<namespace>.svc.cluster.local:9083``."""
    return f"thrift://{SERVICE_NAME}.{namespace}.svc.cluster.local:{THRIFT_PORT}"
