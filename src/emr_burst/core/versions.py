"""The one place for versions: Kubernetes, the kubectl layer, EMR release defaults.

A version bump is one edit here; constructs, configuration, docs and tests read these names.
"""

from __future__ import annotations

#: Kubernetes minors the EMR on EKS platform supports: EKS support, and within one minor of the
#: pinned kubectl layer (kubectl's version-skew policy).
KUBERNETES_VERSIONS = ("1.32", "1.33", "1.34")
DEFAULT_KUBERNETES_VERSION = "1.33"
#: The kubectl of the Lambda layer the kubectl provider uses (``aws-cdk.lambda-layer-kubectl-v33``).
KUBECTL_LAYER_VERSION = "1.33"

#: EMR on EKS: the release the job templates pin by default, and the first with EKS Pod Identity.
DEFAULT_EMR_EKS_RELEASE = "emr-7.9.0-latest"
EMR_EKS_MAJOR = 7
POD_IDENTITY_MIN_RELEASE = (7, 3)

#: Regions whose CloudFormation has ``AWS::EMRContainers::JobTemplate`` (aws-cdk-lib 2.275's region
#: validation and cfn-lint 1.58's per-region schemas agree, November 2026); elsewhere job templates
#: are created through the EMR on EKS API.
CFN_JOB_TEMPLATE_REGIONS = ("us-east-1", "us-west-2", "eu-central-1", "ap-south-1")
