"""EMR on EKS: platform, compute, team namespaces, virtual clusters, job roles and templates."""

from emr_burst.emr_eks.classification import Classification
from emr_burst.emr_eks.compute import (
    AutoModeCompute,
    NodeGroupCompute,
    SparkPlacement,
    auto_mode_placement,
    node_group_placement,
)
from emr_burst.emr_eks.extension import Contribution, IJobTarget, ITeamExtension
from emr_burst.emr_eks.job_provisioning import JobTemplateProvisioning
from emr_burst.emr_eks.job_role import Identity, JobExecutionRole
from emr_burst.emr_eks.job_template import ISparkTeam, JobDriver, JobTemplate
from emr_burst.emr_eks.namespace import ContainerLimits, KubernetesNamespace, NamespaceQuota
from emr_burst.emr_eks.platform import EmrEksPlatform, IEmrEksPlatform
from emr_burst.emr_eks.pod_template import PodChange, PodRole, PodTemplate
from emr_burst.emr_eks.team import DynamicAllocation, GlueAccess, SparkTeam
from emr_burst.emr_eks.virtual_cluster import EmrVirtualCluster, IEmrVirtualCluster

__all__ = [
    "AutoModeCompute",
    "Classification",
    "ContainerLimits",
    "Contribution",
    "DynamicAllocation",
    "EmrEksPlatform",
    "EmrVirtualCluster",
    "GlueAccess",
    "IEmrEksPlatform",
    "IEmrVirtualCluster",
    "IJobTarget",
    "ISparkTeam",
    "ITeamExtension",
    "Identity",
    "JobDriver",
    "JobExecutionRole",
    "JobTemplate",
    "JobTemplateProvisioning",
    "KubernetesNamespace",
    "NamespaceQuota",
    "NodeGroupCompute",
    "PodChange",
    "PodRole",
    "PodTemplate",
    "SparkPlacement",
    "SparkTeam",
    "auto_mode_placement",
    "node_group_placement",
]
