"""The one place for versions: Kubernetes, the kubectl layer, EMR release defaults, Alluxio.

A version bump is one edit here; constructs, configuration, docs and tests read these names.
"""

from __future__ import annotations

#: Kubernetes minors the EMR on EKS platform supports: within one minor of the pinned kubectl layer
#: (kubectl's version-skew policy). EKS standard support (14 months from the EKS release): 1.34
#: until 2026-12-02, 1.35 (released on EKS 2026-01-28) until 2027-03-27; 1.36 is in aws-cdk-lib
#: 2.275's version list. 1.33 left standard support on 2026-07-29 and is no longer offered.
KUBERNETES_VERSIONS = ("1.34", "1.35", "1.36")
#: In standard support and mid-list, so the kubectl layer covers an upgrade either way.
DEFAULT_KUBERNETES_VERSION = "1.35"
#: The kubectl of the Lambda layer the kubectl provider uses (``aws-cdk.lambda-layer-kubectl-v35``);
#: ``emr_eks.platform`` imports ``KubectlV35Layer``: change both together.
KUBECTL_LAYER_VERSION = "1.35"

#: EMR on EKS: the release the job templates pin by default, and the first with EKS Pod Identity.
DEFAULT_EMR_EKS_RELEASE = "emr-7.9.0-latest"
EMR_EKS_MAJOR = 7
POD_IDENTITY_MIN_RELEASE = (7, 3)

#: Regions whose CloudFormation has ``AWS::EMRContainers::JobTemplate`` (aws-cdk-lib 2.275's region
#: validation and cfn-lint 1.58's per-region schemas agree, November 2026); elsewhere job templates
#: are created through the EMR on EKS API.
CFN_JOB_TEMPLATE_REGIONS = ("us-east-1", "us-west-2", "eu-central-1", "ap-south-1")

#: Alluxio on the hybrid burst cluster. ``alluxio.hadoop.ShimFileSystem`` (transparent ``hdfs://``
#: URIs, which the ``onprem`` catalog loads) arrived in 2.1; 2.0.x does not have it. 2.3.0's EMR
#: bootstrap takes every option the burst passes (``-d -v -l -n -f -p -s``) and requires ``-v`` for
#: an ``hdfs://`` root. Both files live at Alluxio's public locations; whether they are still served
#: is checked before a deploy (docs/stacks/hybrid-burst.md), not from here.
ALLUXIO_VERSION = "2.3.0"
ALLUXIO_SHIM_SINCE = (2, 1)
ALLUXIO_BOOTSTRAP_SCRIPT = f"s3://alluxio-public/emr/{ALLUXIO_VERSION}/alluxio-emr.sh"
ALLUXIO_TARBALL = (
    f"https://downloads.alluxio.io/downloads/files/{ALLUXIO_VERSION}/"
    f"alluxio-{ALLUXIO_VERSION}-bin.tar.gz"
)


def alluxio_version_tuple(version: str) -> tuple[int, ...]:
    """``"2.3.0"`` -> ``(2, 3, 0)``."""
    return tuple(int(part) for part in version.split("."))


#: Lake Formation fine-grained access control on EMR on EKS (announced February 2025) needs EMR
#: 7.7 or later; ``rules.fgac_release`` refuses older labels.
LAKE_FORMATION_FGAC_MIN_RELEASE = (7, 7)
#: Apache YuniKorn (``scheduling.YuniKorn``): the Helm chart of the Apache release repository and
#: the scheduler, admission-controller and web images of the same release. 1.9.0 (2026-07-29) is
#: the first release that supports Kubernetes 1.35; its support matrix lists 1.24 to 1.35 and says
#: 1.36 passed the e2e suite but is not supported. A platform outside that range is refused.
YUNIKORN_VERSION = "1.9.0"
YUNIKORN_CHART_REPOSITORY = "https://apache.github.io/yunikorn-release"
YUNIKORN_KUBERNETES_RANGE = ("1.24", "1.35")
YUNIKORN_IMAGE_REPOSITORY = "apache/yunikorn"
#: Placeholder pods of gang scheduling (YuniKorn's ``service.placeholderImage``).
YUNIKORN_PLACEHOLDER_IMAGE = "registry.k8s.io/pause:3.10"


def kubernetes_minor(version: str) -> tuple[int, int]:
    """``"1.35"`` -> ``(1, 35)``."""
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def yunikorn_supports(kubernetes_version: str) -> bool:
    """Whether the pinned YuniKorn release lists ``kubernetes_version`` as supported."""
    low, high = (kubernetes_minor(v) for v in YUNIKORN_KUBERNETES_RANGE)
    return low <= kubernetes_minor(kubernetes_version) <= high


#: Spark History Server (observability). Spark 3.5.0 is built on Hadoop 3.3.4, so S3A needs
#: hadoop-aws 3.3.4 and the AWS SDK v1 bundle it was tested with (1.12.780 in the SHS post's
#: sample); the image is pinned by digest. The SHA-1 sums are Maven Central's ``.jar.sha1`` files,
#: checked by the pod before the jars join the server's classpath.
SPARK_HISTORY_IMAGE = (
    "apache/spark:3.5.0@sha256:0ed5154e6b32ac3af1272d4d65e9f65b13afcfe80b41ad10bd059bcd6317863c"
)
#: The uid of the ``spark`` user in the official image (in its /etc/passwd, which Hadoop needs).
SPARK_IMAGE_UID = 185
HADOOP_AWS_VERSION = "3.3.4"
HADOOP_AWS_SHA1 = "a65839fbf1869f81a1632e09f415e586922e4f80"
AWS_JAVA_SDK_BUNDLE_VERSION = "1.12.780"
AWS_JAVA_SDK_BUNDLE_SHA1 = "308a3af95a47e0c4e1f8bd98a37657d4661ae45e"
#: Hadoop 3.3's S3A takes SDK v1 credential providers; 3.4 would need the SDK v2 class name.
S3A_WEB_IDENTITY_PROVIDER = "com.amazonaws.auth.WebIdentityTokenCredentialsProvider"
#: The AWS Load Balancer Controller, installed only on clusters without EKS Auto Mode (Auto Mode
#: has its own ALB controller). The name of a member of ``aws_eks_v2.AlbControllerVersion``.
AWS_LOAD_BALANCER_CONTROLLER_VERSION = "V2_17_1"
#: Hive Metastore (issue 11). The metastore database: RDS for PostgreSQL, pinned to a major version
#: (RDS applies minor versions automatically); RDS Proxy fronts it. Hive's schema tool supports
#: PostgreSQL as ``-dbType postgres``.
METASTORE_POSTGRES_MAJOR = "16"
#: The Hive release and PostgreSQL JDBC driver the documented metastore image is built from
#: (docs/hive-metastore.md); the image tag the reference app uses names both. Hive 3.1.x: the
#: Spark 3.5 of EMR 7.x documents metastore client versions up to 3.1.3 (4.0.x only from Spark 4.0).
HIVE_METASTORE_VERSION = "3.1.3"
POSTGRES_JDBC_VERSION = "42.7.4"
DEFAULT_METASTORE_IMAGE_TAG = f"{HIVE_METASTORE_VERSION}-pg{POSTGRES_JDBC_VERSION}"
#: Secrets Store CSI driver and the AWS provider (ASCP) that mount the metastore's database
#: password from Secrets Manager. The provider chart can install the driver as a dependency; the
#: library installs the two charts separately so each version is pinned here.
SECRETS_STORE_CSI_DRIVER_CHART = "secrets-store-csi-driver"
SECRETS_STORE_CSI_DRIVER_REPOSITORY = (
    "https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts"
)
SECRETS_STORE_CSI_DRIVER_VERSION = "1.5.4"
SECRETS_STORE_AWS_PROVIDER_CHART = "secrets-store-csi-driver-provider-aws"
SECRETS_STORE_AWS_PROVIDER_REPOSITORY = (
    "https://aws.github.io/secrets-store-csi-driver-provider-aws"
)
SECRETS_STORE_AWS_PROVIDER_VERSION = "2.2.0"
