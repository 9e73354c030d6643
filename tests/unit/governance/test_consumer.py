"""The consumer account: FGAC roles and trusts, security configuration, links and team grants."""

from __future__ import annotations

import json
from typing import Any

from emr_burst.emr_eks.naming import base36_encode
from tests.unit.emr_eks.eks_app import IMPORTED_OIDC_ARN
from tests.unit.governance.lf_app import CONSUMER, PRODUCER, lake_formation_app, trust

TAG = {"StringLike": {"aws:RequestTag/LakeFormationAuthorizedCaller": "EMR on EKS Engine"}}
ISSUER = IMPORTED_OIDC_ARN.split(":oidc-provider/")[1]


def _role(name: str) -> tuple[str, dict[str, Any]]:
    app = lake_formation_app()
    for lid, props in app.resources("consumer", "AWS::IAM::Role").items():
        if props["RoleName"] == name:
            return lid, props
    raise AssertionError(f"no role {name}")


def _policy(role_id: str) -> list[dict[str, Any]]:
    for props in lake_formation_app().resources("consumer", "AWS::IAM::ManagedPolicy").values():
        if {"Ref": role_id} in props["Roles"]:
            statements: list[dict[str, Any]] = props["PolicyDocument"]["Statement"]
            return statements
    raise AssertionError(f"no policy for {role_id}")


def _irsa(namespace: str, role_name: str) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"Federated": IMPORTED_OIDC_ARN},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringLike": {
                f"{ISSUER}:sub": f"system:serviceaccount:{namespace}:emr-containers-sa-*-*-"
                f"{CONSUMER}-{base36_encode(role_name)}"
            },
            "StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"},
        },
    }


def test_security_configuration_names_tag_secure_namespace_cluster_and_query_role() -> None:
    app = lake_formation_app()
    (config,) = app.resources("consumer", "AWS::EMRContainers::SecurityConfiguration").values()
    query_id, _ = _role("emr_on_eks_fgac_query_execution_role")
    assert config == {
        "Name": "emr-on-eks-fgac-sec-config",
        "SecurityConfigurationData": {
            "AuthorizationConfiguration": {
                "LakeFormationConfiguration": {
                    "AuthorizedSessionTagValue": "EMR on EKS Engine",
                    "SecureNamespaceInfo": {
                        "ClusterId": "emr-burst",
                        "Namespace": "lf-fgac-secure",
                    },
                    "QueryEngineRoleArn": {"Fn::GetAtt": [query_id, "Arn"]},
                }
            }
        },
    }
    (vc,) = app.resources("consumer", "AWS::EMRContainers::VirtualCluster").values()
    assert vc["Name"] == "emr-on-eks-fgac-blog"
    assert vc["ContainerProvider"]["Info"]["EksInfo"]["Namespace"] == "lf-fgac-user"
    (config_id,) = app.resources("consumer", "AWS::EMRContainers::SecurityConfiguration")
    assert vc["SecurityConfigurationId"] == {"Fn::GetAtt": [config_id, "Id"]}


def test_each_job_role_trusts_its_service_accounts_and_the_query_role_with_the_tag() -> None:
    query_id, _ = _role("emr_on_eks_fgac_query_execution_role")
    query = f"<{query_id}.Arn>"
    for team in ("team1", "team2"):
        name = f"emr_on_eks_fgac_job_{team}_execution_role"
        _, props = _role(name)
        assert trust(props["AssumeRolePolicyDocument"]) == {
            "Version": "2012-10-17",
            "Statement": [
                _irsa("lf-fgac-user", name),
                {
                    "Sid": "TrustQueryEngineRoleToAssume",
                    "Effect": "Allow",
                    "Principal": {"AWS": query},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                    "Condition": TAG,
                },
                {
                    "Sid": "TrustQueryEngineRoleToAssumeRoleOnly",
                    "Effect": "Allow",
                    "Principal": {"AWS": query},
                    "Action": "sts:AssumeRole",
                },
            ],
        }


def test_query_role_trusts_only_the_secure_namespace_and_assumes_both_job_roles() -> None:
    query_id, props = _role("emr_on_eks_fgac_query_execution_role")
    assert trust(props["AssumeRolePolicyDocument"]) == {
        "Version": "2012-10-17",
        "Statement": [_irsa("lf-fgac-secure", "emr_on_eks_fgac_query_execution_role")],
    }
    jobs = [
        {"Fn::GetAtt": [_role(f"emr_on_eks_fgac_job_{t}_execution_role")[0], "Arn"]}
        for t in ("team1", "team2")
    ]
    assert _policy(query_id) == [
        {
            "Sid": "AssumeJobExecutionRole",
            "Effect": "Allow",
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Resource": jobs,
            "Condition": TAG,
        },
        {
            "Sid": "AssumeJobExecutionRoleOnly",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": jobs,
        },
        {
            "Sid": "EmrGetCertificate",
            "Effect": "Allow",
            "Action": "emr-containers:CreateCertificate",
            "Resource": "*",
        },
    ]


def test_job_roles_get_lake_formation_data_access_and_read_only_glue_of_both_catalogs() -> None:
    for team in ("team1", "team2"):
        statements = {
            s.get("Sid"): s for s in _policy(_role(f"emr_on_eks_fgac_job_{team}_execution_role")[0])
        }
        assert statements["LakeFormationManagedAccess"]["Action"] == "lakeformation:GetDataAccess"
        assert statements["EmrGetCertificate"]["Action"] == "emr-containers:CreateCertificate"
        glue = statements["GlueCatalogRead"]
        assert all(action.startswith("glue:Get") for action in glue["Action"])
        assert sorted(glue["Resource"]) == sorted(
            f"arn:aws:glue:us-west-2:{account}:{suffix}"
            for account, database in (
                (PRODUCER, "healthcare_db"),
                (CONSUMER, "consumer_healthcare_db"),
            )
            for suffix in ("catalog", f"database/{database}", f"table/{database}/*")
        )


def test_resource_links_point_at_the_producers_tables() -> None:
    links = lake_formation_app().resources("consumer", "AWS::Glue::Table")
    found = {p["TableInput"]["Name"]: p["TableInput"]["TargetTable"] for p in links.values()}
    assert found == {
        "rl_patients": {"CatalogId": PRODUCER, "DatabaseName": "healthcare_db", "Name": "patients"},
        "rl_claims": {"CatalogId": PRODUCER, "DatabaseName": "healthcare_db", "Name": "claims"},
    }


def test_team_grants_follow_the_persona_table() -> None:
    app = lake_formation_app()
    role_ids = {app.logical_id(role.role): team for team, role in app.fgac.job_roles.items()}
    grants: dict[str, set[tuple[str, str, tuple[str, ...]]]] = {"team1": set(), "team2": set()}
    for grant in app.resources("consumer", "AWS::LakeFormation::PrincipalPermissions").values():
        team = role_ids[grant["Principal"]["DataLakePrincipalIdentifier"]["Fn::GetAtt"][0]]
        assert grant["PermissionsWithGrantOption"] == []
        ((kind, target),) = grant["Resource"].items()
        catalog = target.get("CatalogId") or target.get("TableCatalogId")
        name = target["Name"]
        grants[team].add((kind, f"{catalog}:{name}", tuple(grant["Permissions"])))
    database = ("Database", f"{CONSUMER}:consumer_healthcare_db", ("DESCRIBE",))
    claims = [
        ("Table", f"{CONSUMER}:rl_claims", ("DESCRIBE",)),
        ("Table", f"{PRODUCER}:claims", ("SELECT", "DESCRIBE")),
    ]
    assert grants["team2"] == {database, *claims}
    assert grants["team1"] == {
        database,
        *claims,
        ("Table", f"{CONSUMER}:rl_patients", ("DESCRIBE",)),
        ("DataCellsFilter", f"{PRODUCER}:patients_column_row_filter", ("SELECT",)),
    }


def test_job_templates_run_an_fgac_release_with_the_iceberg_catalog_and_bounded_executors() -> None:
    app = lake_formation_app()
    templates = app.resources("consumer", "AWS::EMRContainers::JobTemplate")
    assert len(templates) == 2
    roles = set()
    for props in templates.values():
        data = props["JobTemplateData"]
        assert data["ReleaseLabel"] == "emr-7.9.0-latest"
        roles.add(data["ExecutionRoleArn"]["Fn::GetAtt"][0])
        (spark,) = [
            c["Properties"]
            for c in data["ConfigurationOverrides"]["ApplicationConfiguration"]
            if c["Classification"] == "spark-defaults"
        ]
        assert (
            spark["spark.sql.catalog.dev.catalog-impl"] == "org.apache.iceberg.aws.glue.GlueCatalog"
        )
        assert "spark.sql.catalog.dev.type" not in spark
        assert spark["spark.sql.catalog.dev.glue.id"] == CONSUMER
        assert spark["spark.sql.defaultCatalog"] == "dev"
        assert spark["spark.dynamicAllocation.maxExecutors"] == "17"
    assert roles == {app.logical_id(r.role) for r in app.fgac.job_roles.values()}


def test_rbac_binds_emr_in_both_namespaces_and_the_peer_namespaces_reach_each_other() -> None:
    app = lake_formation_app()
    objects = [
        obj
        for manifest in app.resources("consumer", "Custom::AWSCDK-EKS-KubernetesResource").values()
        for obj in _manifest(manifest["Manifest"])
    ]
    bindings = {
        (o["kind"], o["metadata"].get("namespace")): o
        for o in objects
        if o["kind"] in ("RoleBinding", "ClusterRoleBinding")
    }
    for namespace in ("lf-fgac-secure", "lf-fgac-user"):
        binding = bindings[("RoleBinding", namespace)]
        assert binding["subjects"] == [
            {"kind": "User", "name": "emr-containers", "apiGroup": "rbac.authorization.k8s.io"}
        ]
        assert binding["roleRef"]["name"] == "emr-containers-lf-fgac"
    cluster = bindings[("ClusterRoleBinding", None)]
    assert cluster["subjects"] == [
        {"kind": "User", "name": "emr-containers", "apiGroup": "rbac.authorization.k8s.io"}
    ]
    (cluster_role,) = [
        o
        for o in objects
        if o["metadata"]["name"] == cluster["roleRef"]["name"] and o["kind"] == "ClusterRole"
    ]
    manage = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
    # AWS's FGAC cluster role: EMR creates RBAC objects across namespaces for the system driver.
    assert cluster_role["rules"] == [
        {"apiGroups": [""], "resources": ["namespaces", "nodes"], "verbs": ["get", "list"]},
        {
            "apiGroups": ["rbac.authorization.k8s.io"],
            "resources": ["clusterroles", "clusterrolebindings", "roles", "rolebindings"],
            "verbs": manage,
        },
    ]
    (namespaced,) = [
        o
        for o in objects
        if o["kind"] == "ClusterRole" and o["metadata"]["name"] == "emr-containers-lf-fgac"
    ]
    assert {
        "apiGroups": ["rbac.authorization.k8s.io"],
        "resources": ["roles", "rolebindings"],
        "verbs": manage,
    } in namespaced["rules"]
    peers = {
        o["metadata"]["namespace"]: o["spec"]["ingress"][0]["from"][0]["namespaceSelector"]
        for o in objects
        if o["kind"] == "NetworkPolicy" and o["metadata"]["name"].startswith("emr-burst-from-")
    }
    assert peers == {
        "lf-fgac-secure": {"matchLabels": {"kubernetes.io/metadata.name": "lf-fgac-user"}},
        "lf-fgac-user": {"matchLabels": {"kubernetes.io/metadata.name": "lf-fgac-secure"}},
    }


def _manifest(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict) and "Fn::Join" in value:
        value = "".join(p if isinstance(p, str) else "X" for p in value["Fn::Join"][1])
    parsed: list[dict[str, Any]] = json.loads(value)
    return parsed
