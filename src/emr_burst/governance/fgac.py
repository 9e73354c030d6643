"""EMR on EKS with Lake Formation fine-grained access control: the consumer's query side.

One user namespace runs the job runner, the user driver and executors of every team; a secure
namespace runs EMR's system driver, which holds the query engine role. The query engine role
assumes each team's job execution role with the Lake Formation session tag, so Lake Formation sees
the team's role and applies its grants (columns, rows) before data reaches user code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_emrcontainers as emrc
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from emr_burst.core import nag as _nag
from emr_burst.core import rules, versions
from emr_burst.core.errors import Checker
from emr_burst.emr_eks.imported import check_platform
from emr_burst.emr_eks.job_role import JobExecutionRole
from emr_burst.emr_eks.job_template import JobDriver, JobTemplate
from emr_burst.emr_eks.namespace import KubernetesNamespace
from emr_burst.emr_eks.platform import IEmrEksPlatform
from emr_burst.emr_eks.team import DynamicAllocation, SparkTeam
from emr_burst.governance.catalog import ProducerShare, check_share, construct_name
from emr_burst.governance.settings import DEFAULT_SESSION_TAG_VALUE

#: The request tag EMR on EKS sets when its query engine role assumes a job role.
SESSION_TAG_KEY = "aws:RequestTag/LakeFormationAuthorizedCaller"
#: The Kubernetes user EMR on EKS acts as (the service-linked role's cluster identity).
EMR_KUBERNETES_USER = "emr-containers"
#: Name of the RBAC objects this construct creates for EMR in each namespace.
RBAC_NAME = "emr-containers-lf-fgac"
#: Name of the ClusterRole and ClusterRoleBinding that EMR holds cluster-wide.
CLUSTER_RBAC_NAME = f"{RBAC_NAME}-cluster"
#: Kubernetes' verbs for "manage": the documented lists also name kubectl commands (``describe``,
#: ``edit``, ``annotate``, ``label``) that are no API verbs; ``update`` and ``patch`` cover them.
MANAGE_VERBS = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")
#: The Spark catalog the job templates configure (the post's ``dev``).
CATALOG = "dev"
#: Iceberg's Spark runtime as EMR ships it in its images (no jar is downloaded).
ICEBERG_RUNTIME_JAR = "local:///usr/share/aws/iceberg/lib/iceberg-spark3-runtime.jar"

#: Each team's template: a script (``${EntryPoint}``) and the queries it runs (``${Queries}``,
#: comma-separated; see ``governance/assets/fgac_queries.py``).
QUERY_DRIVER = JobDriver.spark_submit(arguments=["${Queries}"])

DEFAULT_TEAMS: Mapping[str, str] = {
    "team1": "emr_on_eks_fgac_job_team1_execution_role",
    "team2": "emr_on_eks_fgac_job_team2_execution_role",
}


def iceberg_catalog_conf(*, catalog_account: str, region: str) -> dict[str, str]:
    """``spark-defaults`` of an Iceberg catalog ``dev`` on the Glue Data Catalog of an account.

    The post also sets ``spark.sql.catalog.dev.type=glue``; Iceberg refuses ``type`` together with
    ``catalog-impl``, so only ``catalog-impl`` is set (it names the same Glue catalog).
    """
    prefix = f"spark.sql.catalog.{CATALOG}"
    return {
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        "spark.sql.defaultCatalog": CATALOG,
        "spark.jars": ICEBERG_RUNTIME_JAR,
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        f"{prefix}.catalog-impl": "org.apache.iceberg.aws.glue.GlueCatalog",
        f"{prefix}.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
        f"{prefix}.client.region": region,
        f"{prefix}.glue.id": catalog_account,
        f"{prefix}.glue.account-id": catalog_account,
    }


def query_engine_trust(query_role_arn: str, session_tag_value: str) -> list[iam.PolicyStatement]:
    """The two statements a job role trusts the query engine role with (as the post has them)."""
    principal = iam.ArnPrincipal(query_role_arn)
    return [
        iam.PolicyStatement(
            sid="TrustQueryEngineRoleToAssume",
            principals=[principal],
            actions=["sts:AssumeRole", "sts:TagSession"],
            conditions={"StringLike": {SESSION_TAG_KEY: session_tag_value}},
        ),
        iam.PolicyStatement(
            sid="TrustQueryEngineRoleToAssumeRoleOnly",
            principals=[principal],
            actions=["sts:AssumeRole"],
        ),
    ]


class LakeFormationFgac(Construct):
    """Lake Formation fine-grained access control for Spark teams on an EMR on EKS platform.

    Creates the secure namespace (system driver) with EMR's RBAC, the query engine role (IRSA in
    the secure namespace), one job execution role per team (trusted by the query engine role with
    the session tag, and by EMR's service accounts in the user namespace), the
    ``AWS::EMRContainers::SecurityConfiguration`` with the Lake Formation authorization, one
    virtual cluster on the user namespace that uses it, and one job template per team with the
    Iceberg catalog settings. Teams share the user namespace and virtual cluster; their job roles
    tell them apart.

    Example::

        fgac = LakeFormationFgac(self, "Fgac", platform=platform, share=producer_share,
            consumer_database="consumer_healthcare_db")
        fgac.job_roles["team1"]  # grant it Lake Formation permissions

    :param platform: the EMR on EKS platform (built here, in another stack, or imported).
    :param share: what the producer shares (its account and database, for the Glue read access).
    :param consumer_database: the consumer's database holding the resource links.
    :param teams: team name to literal job role name. Default: - the post's team1 and team2.
    :param user_namespace: Default: - ``lf-fgac-user``.
    :param secure_namespace: Default: - ``lf-fgac-secure``.
    :param virtual_cluster_name: Default: - ``emr-on-eks-fgac-blog``.
    :param security_configuration_name: Default: - ``emr-on-eks-fgac-sec-config``.
    :param query_role_name: Default: - ``emr_on_eks_fgac_query_execution_role``.
    :param session_tag_value: Default: - ``EMR on EKS Engine``.
    :param release_label: EMR 7.7 or later. Default: - ``versions.DEFAULT_EMR_EKS_RELEASE``.
    :param max_executors: Lake Formation jobs always use dynamic allocation; its maximum.
        Default: - 17.
    :param bucket: scripts and logs of the jobs. Default: - the platform's job bucket.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: IEmrEksPlatform,
        share: ProducerShare,
        consumer_database: str,
        teams: Mapping[str, str] = DEFAULT_TEAMS,
        user_namespace: str = "lf-fgac-user",
        secure_namespace: str = "lf-fgac-secure",
        virtual_cluster_name: str = "emr-on-eks-fgac-blog",
        security_configuration_name: str = "emr-on-eks-fgac-sec-config",
        query_role_name: str = "emr_on_eks_fgac_query_execution_role",
        session_tag_value: str = DEFAULT_SESSION_TAG_VALUE,
        release_label: str = versions.DEFAULT_EMR_EKS_RELEASE,
        max_executors: int = 17,
        bucket: s3.IBucket | None = None,
    ) -> None:
        check = Checker(scope, construct_id, "LakeFormationFgac")
        check_platform(check, platform)
        check_share(check, "share", share)
        check.rule("consumer_database", consumer_database, rules.glue_name)
        user_ok = check.rule("user_namespace", user_namespace, rules.namespace)
        secure_ok = check.rule("secure_namespace", secure_namespace, rules.namespace)
        if user_ok and secure_ok and user_namespace == secure_namespace:
            check.add(
                "secure_namespace",
                secure_namespace,
                "the system driver must run apart from user code: use a namespace other than "
                "user_namespace",
            )
        if not isinstance(teams, Mapping) or not teams:
            check.add("teams", teams, "map at least one team name to a job role name")
        else:
            for team, role_name in teams.items():
                check.rule(f"teams key {team!r}", team, rules.dns_label)
                check.rule(f"teams[{team!r}]", role_name, rules.role_name)
            if query_role_name in teams.values():
                check.add("query_role_name", query_role_name, "use a role apart from job roles")
        check.rule("virtual_cluster_name", virtual_cluster_name, rules.virtual_cluster_name)
        check.rule("security_configuration_name", security_configuration_name, rules.dns_label)
        check.rule("query_role_name", query_role_name, rules.role_name)
        check.rule("session_tag_value", session_tag_value, rules.session_tag_value)
        check.rule("release_label", release_label, rules.fgac_release)
        check.rule("max_executors", max_executors, rules.integer(1, 10_000))
        check.raise_if_any()
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.platform = platform
        self.session_tag_value = session_tag_value
        self.user_namespace = user_namespace
        self.secure_namespace = secure_namespace

        self.secure = KubernetesNamespace(
            self, "SecureNamespace", platform=platform, namespace=secure_namespace, isolated=True
        )
        self.query_role = JobExecutionRole(
            self,
            "QueryEngineRole",
            platform=platform,
            namespace=secure_namespace,
            role_name=query_role_name,
        )
        self.security_configuration = emrc.CfnSecurityConfiguration(
            self,
            "SecurityConfiguration",
            name=security_configuration_name,
            security_configuration_data=emrc.CfnSecurityConfiguration.SecurityConfigurationDataProperty(
                authorization_configuration=emrc.CfnSecurityConfiguration.AuthorizationConfigurationProperty(
                    lake_formation_configuration=emrc.CfnSecurityConfiguration.LakeFormationConfigurationProperty(
                        authorized_session_tag_value=session_tag_value,
                        secure_namespace_info=emrc.CfnSecurityConfiguration.SecureNamespaceInfoProperty(
                            cluster_id=platform.cluster_name, namespace=secure_namespace
                        ),
                        query_engine_role_arn=self.query_role.role_arn,
                    )
                )
            ),
        )
        names = list(teams.items())
        first_team, first_role = names[0]
        self.team = SparkTeam(
            self,
            "Jobs",
            platform=platform,
            namespace=user_namespace,
            role_name=first_role,
            bucket=bucket,
            job_driver=QUERY_DRIVER,
            release_label=release_label,
            virtual_cluster_name=virtual_cluster_name,
            security_configuration_id=self.security_configuration.attr_id,
            dynamic_allocation=DynamicAllocation(
                min_executors=1, initial_executors=1, max_executors=max_executors
            ),
        )
        self.virtual_cluster = self.team.virtual_cluster
        self.team.add_spark_conf(
            iceberg_catalog_conf(catalog_account=stack.account, region=stack.region)
        )
        self.job_roles: dict[str, JobExecutionRole] = {first_team: self.team.execution_role}
        self.job_templates: dict[str, JobTemplate] = {first_team: self.team.job_template}
        for team, role_name in names[1:]:
            role = JobExecutionRole(
                self,
                f"{construct_name(team)}Role",
                platform=platform,
                namespace=user_namespace,
                role_name=role_name,
            )
            self.job_roles[team] = role
            self.job_templates[team] = self.team.add_job_template(
                construct_name(team),
                role=role,
                name=f"{stack.stack_name}-{team}"[:55],
                job_driver=QUERY_DRIVER,
            )
        for role in self.job_roles.values():
            for statement in query_engine_trust(self.query_role.role_arn, session_tag_value):
                role.add_trust_statement(statement)
            self._job_role_access(role, share, consumer_database)
        self._query_role_access()
        self._rbac()
        self._network_policies()

    def _job_role_access(
        self, role: JobExecutionRole, share: ProducerShare, consumer_database: str
    ) -> None:
        stack = cdk.Stack.of(self)
        role.add_to_policy(
            iam.PolicyStatement(
                sid="EmrGetCertificate",
                actions=["emr-containers:CreateCertificate"],
                resources=["*"],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="LakeFormationManagedAccess",
                actions=["lakeformation:GetDataAccess"],
                resources=["*"],
            )
        )
        catalog_arns = []
        for account, database in (
            (stack.account, consumer_database),
            (share.account, share.database),
        ):
            base = f"arn:{stack.partition}:glue:{stack.region}:{account}"
            catalog_arns += [
                f"{base}:catalog",
                f"{base}:database/{database}",
                f"{base}:table/{database}/*",
            ]
        role.add_to_policy(
            iam.PolicyStatement(
                sid="GlueCatalogRead",
                actions=[
                    "glue:GetCatalog",
                    "glue:GetDatabase",
                    "glue:GetDatabases",
                    "glue:GetTable",
                    "glue:GetTables",
                    "glue:GetPartitions",
                ],
                resources=catalog_arns,
            )
        )
        _nag.acknowledge(
            role.role,
            "emr-containers:CreateCertificate and lakeformation:GetDataAccess support no resource "
            "ARN; Lake Formation itself decides which data the vended credentials reach.",
            "AwsSolutions-IAM5",
            applies_to=["Resource::*"],
        )
        _nag.acknowledge_resources(
            role.role,
            "Spark reads the tables and resource links of these two databases only; table names "
            "are the databases' own, listed at run time.",
            "AwsSolutions-IAM5",
            [arn for arn in catalog_arns if arn.endswith("/*")],
        )

    def _query_role_access(self) -> None:
        job_role_arns = [role.role_arn for role in self.job_roles.values()]
        self.query_role.add_to_policy(
            iam.PolicyStatement(
                sid="AssumeJobExecutionRole",
                actions=["sts:AssumeRole", "sts:TagSession"],
                resources=job_role_arns,
                conditions={"StringLike": {SESSION_TAG_KEY: self.session_tag_value}},
            )
        )
        self.query_role.add_to_policy(
            iam.PolicyStatement(
                sid="AssumeJobExecutionRoleOnly",
                actions=["sts:AssumeRole"],
                resources=job_role_arns,
            )
        )
        self.query_role.add_to_policy(
            iam.PolicyStatement(
                sid="EmrGetCertificate",
                actions=["emr-containers:CreateCertificate"],
                resources=["*"],
            )
        )
        _nag.acknowledge(
            self.query_role.role,
            "emr-containers:CreateCertificate supports no resource ARN; it issues the TLS "
            "certificate between the system driver and the user executors of a job.",
            "AwsSolutions-IAM5",
            applies_to=["Resource::*"],
        )

    def _rbac(self) -> None:
        """EMR's Kubernetes permissions: its namespace permissions bound in both namespaces, and,
        bound cluster-wide, reads of namespaces and nodes plus the RBAC objects (cluster roles,
        cluster role bindings, roles, role bindings) that AWS's FGAC setup lets EMR manage so it
        can give the system driver cross-namespace permissions (docs/lake-formation.md)."""
        subject = {
            "kind": "User",
            "name": EMR_KUBERNETES_USER,
            "apiGroup": "rbac.authorization.k8s.io",
        }
        role_ref = {
            "kind": "ClusterRole",
            "name": RBAC_NAME,
            "apiGroup": "rbac.authorization.k8s.io",
        }
        self.rbac = self.secure.add_manifest(
            "Rbac",
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": RBAC_NAME},
                "rules": namespaced_rules(),
            },
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": CLUSTER_RBAC_NAME},
                "rules": cluster_rules(),
            },
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRoleBinding",
                "metadata": {"name": CLUSTER_RBAC_NAME},
                "subjects": [subject],
                "roleRef": {**role_ref, "name": CLUSTER_RBAC_NAME},
            },
            *(
                {
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "RoleBinding",
                    "metadata": {"name": RBAC_NAME, "namespace": namespace},
                    "subjects": [subject],
                    "roleRef": role_ref,
                }
                for namespace in (self.secure_namespace, self.user_namespace)
            ),
        )
        # The user namespace's RoleBinding needs the namespace to exist.
        self.rbac.node.add_dependency(self.team.namespace_construct.manifest)

    def _network_policies(self) -> None:
        """Both namespaces are isolated; the system driver and user executors reach each other."""
        for owner, namespace, peer in (
            (self.secure, self.secure_namespace, self.user_namespace),
            (self.team.namespace_construct, self.user_namespace, self.secure_namespace),
        ):
            owner.add_manifest(
                "FgacPeer",
                {
                    "apiVersion": "networking.k8s.io/v1",
                    "kind": "NetworkPolicy",
                    "metadata": {"name": f"emr-burst-from-{peer}", "namespace": namespace},
                    "spec": {
                        "podSelector": {},
                        "policyTypes": ["Ingress"],
                        "ingress": [
                            {
                                "from": [
                                    {
                                        "namespaceSelector": {
                                            "matchLabels": {"kubernetes.io/metadata.name": peer}
                                        }
                                    }
                                ]
                            }
                        ],
                    },
                },
            )


def namespaced_rules() -> list[dict[str, Any]]:
    """What EMR on EKS does inside a namespace it runs jobs in (its documented namespace role,
    with Kubernetes' own verbs: the documented list also names kubectl commands such as
    ``describe`` that are no API verbs)."""
    manage = list(MANAGE_VERBS)
    return [
        {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get"]},
        {
            "apiGroups": [""],
            "resources": [
                "serviceaccounts",
                "services",
                "configmaps",
                "events",
                "pods",
                "pods/log",
                "persistentvolumeclaims",
            ],
            "verbs": manage,
        },
        {
            "apiGroups": [""],
            "resources": ["secrets"],
            "verbs": ["create", "patch", "delete", "watch"],
        },
        {"apiGroups": ["apps"], "resources": ["statefulsets", "deployments"], "verbs": manage},
        {"apiGroups": ["batch"], "resources": ["jobs"], "verbs": manage},
        {
            "apiGroups": ["extensions", "networking.k8s.io"],
            "resources": ["ingresses"],
            "verbs": manage,
        },
        {
            "apiGroups": ["rbac.authorization.k8s.io"],
            "resources": ["roles", "rolebindings"],
            "verbs": manage,
        },
    ]


def cluster_rules() -> list[dict[str, Any]]:
    """What EMR holds cluster-wide for FGAC: reads of namespaces and nodes, and the RBAC objects
    of AWS's documented FGAC cluster role (cluster roles and their bindings, roles and their
    bindings), with which EMR gives the system driver permissions across the two namespaces."""
    return [
        {"apiGroups": [""], "resources": ["namespaces", "nodes"], "verbs": ["get", "list"]},
        {
            "apiGroups": ["rbac.authorization.k8s.io"],
            "resources": ["clusterroles", "clusterrolebindings", "roles", "rolebindings"],
            "verbs": list(MANAGE_VERBS),
        },
    ]
