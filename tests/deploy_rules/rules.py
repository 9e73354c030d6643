"""Deploy-time rules: what AWS enforces when a stack deploys or a job runs, that neither the
CloudFormation schemas (cfn-lint) nor cdk-nag know. Each rule reads a synthesized template and
returns its violations as sentences that say what will fail and what to change.

Sources are in /work/shared/docs/FACTS.md ("Deploy-time facts") and the AWS pages cited there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import yaml

from tests.harness.checks import flatten_named, spark_history_opts

Template = Mapping[str, Any]
Rule = Callable[[Template], list[str]]

MANAGED_POLICY_TAG = ("for-use-with-amazon-emr-managed-policies", "true")
HDFS_ON_SPOT_TAG = "emr-burst:hdfs-on-spot"
#: Service principals that cannot be bound to their source where they are allowed, with why.
UNBINDABLE = {
    ("AWS::KMS::Key", "events.amazonaws.com"): (
        "EventBridge delivering to a KMS-encrypted SNS topic: SNS documents source conditions in "
        "the key policy as unsupported for it; the topic policy binds it instead"
    ),
}
#: CloudFormation's and the services' own name limits for names we set literally.
NAME_LIMITS = {
    ("AWS::EMRContainers::JobTemplate", "Name"): 64,
    ("AWS::EMRContainers::VirtualCluster", "Name"): 64,
    ("AWS::IAM::Role", "RoleName"): 64,
    ("AWS::IAM::ManagedPolicy", "ManagedPolicyName"): 128,
    ("AWS::Lambda::Function", "FunctionName"): 64,
    ("AWS::EMR::Cluster", "Name"): 256,
    ("AWS::StepFunctions::StateMachine", "StateMachineName"): 80,
}
#: Condition keys that tie a service principal to our account or resource (confused deputy).
SOURCE_KEYS = (
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "kms:ViaService",
    "kms:EncryptionContext:aws:logs:arn",
)


def _resources(template: Template, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") == kind:
            yield logical_id, resource


def _ref(value: Any) -> str | None:
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    return None


def emr_clusters_carry_the_managed_policy_tag(template: Template) -> list[str]:
    """AmazonEMRServicePolicy_v2 launches instances only with the request tag, which EMR copies
    from the cluster's tags; without it every instance launch is denied."""
    problems = []
    resources = template.get("Resources", {})
    for logical_id, cluster in _resources(template, "AWS::EMR::Cluster"):
        props = cluster.get("Properties", {})
        role = resources.get(_ref(props.get("ServiceRole")) or "", {})
        policies = json.dumps(role.get("Properties", {}).get("ManagedPolicyArns", []))
        if "AmazonEMRServicePolicy_v2" not in policies:
            continue
        tags = {t.get("Key"): t.get("Value") for t in props.get("Tags", [])}
        key, value = MANAGED_POLICY_TAG
        if tags.get(key) != value:
            problems.append(
                f"{logical_id}: its service role uses AmazonEMRServicePolicy_v2 but the cluster is "
                f"not tagged {key}={value}; EMR would be denied every instance launch. Tag it."
            )
    return problems


def literal_names_fit(template: Template) -> list[str]:
    problems = []
    for (kind, prop), limit in NAME_LIMITS.items():
        for logical_id, resource in _resources(template, kind):
            name = resource.get("Properties", {}).get(prop)
            if isinstance(name, str) and len(name) > limit:
                problems.append(
                    f"{logical_id}: {prop} {name!r} has {len(name)} characters; {kind} allows "
                    f"{limit}. Shorten the name or its prefix."
                )
    return problems


def kubernetes_objects(template: Template) -> Iterator[dict[str, Any]]:
    """Every object of every manifest the kubectl provider applies."""
    for _, resource in _resources(template, "Custom::AWSCDK-EKS-KubernetesResource"):
        manifest = resource.get("Properties", {}).get("Manifest")
        if isinstance(manifest, str):
            yield from json.loads(manifest)
        elif isinstance(manifest, dict) and "Fn::Join" in manifest:
            # Tokens sit inside JSON strings of the manifest: a bare placeholder keeps it JSON.
            parts = manifest["Fn::Join"][1]
            text = "".join(p if isinstance(p, str) else "<token>" for p in parts)
            try:
                yield from json.loads(text)
            except json.JSONDecodeError:
                continue


def requests_quotas_have_default_requests(template: Template) -> list[str]:
    """A ResourceQuota on requests.* refuses pods with a container that sets no request (EMR's
    logging sidecar sets no CPU request): each must come with a LimitRange defaultRequest."""
    objects = list(kubernetes_objects(template))
    defaults: dict[str, set[str]] = {}
    for obj in objects:
        if obj.get("kind") == "LimitRange":
            ns = obj["metadata"].get("namespace", "default")
            for limit in obj.get("spec", {}).get("limits", []):
                defaults.setdefault(ns, set()).update(limit.get("defaultRequest", {}))
    problems = []
    for obj in objects:
        if obj.get("kind") != "ResourceQuota":
            continue
        ns = obj["metadata"].get("namespace", "default")
        for key in obj.get("spec", {}).get("hard", {}):
            resource = key.removeprefix("requests.")
            if key.startswith("requests.") and resource not in defaults.get(ns, set()):
                problems.append(
                    f"namespace {ns}: ResourceQuota {obj['metadata']['name']} limits {key} but no "
                    f"LimitRange gives containers a default {resource} request; the first job's "
                    "pods would be refused. Add ContainerLimits(default_request_...)."
                )
    return problems


def one_virtual_cluster_per_namespace(template: Template) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    for logical_id, vc in _resources(template, "AWS::EMRContainers::VirtualCluster"):
        provider = vc.get("Properties", {}).get("ContainerProvider", {})
        namespace = provider.get("Info", {}).get("EksInfo", {}).get("Namespace")
        key = json.dumps([provider.get("Id"), namespace], sort_keys=True)
        if key in seen:
            problems.append(
                f"{logical_id} and {seen[key]}: two virtual clusters on namespace {namespace!r} of "
                "one cluster; EMR refuses the second. Put both teams' templates on one."
            )
        seen[key] = logical_id
    return problems


def hdfs_core_nodes_are_on_demand(template: Template) -> list[str]:
    """Core nodes hold HDFS blocks (replication 1 with 3 cores): a spot reclaim loses data."""
    problems = []
    for logical_id, cluster in _resources(template, "AWS::EMR::Cluster"):
        instances = cluster.get("Properties", {}).get("Instances", {})
        core_group = instances.get("CoreInstanceGroup") or {}
        core_fleet = instances.get("CoreInstanceFleet") or {}
        applications = json.dumps(cluster.get("Properties", {}).get("Applications", []))
        holds_hdfs = "Hadoop" in applications or not applications.strip("[]")
        if not holds_hdfs:
            continue
        tags = {t.get("Key"): t.get("Value") for t in cluster.get("Properties", {}).get("Tags", [])}
        if tags.get(HDFS_ON_SPOT_TAG) == "accepted":
            continue  # EmrCluster(hdfs_on_spot=True): scratch HDFS, the loss accepted explicitly
        if core_group.get("Market") == "SPOT" or core_fleet.get("TargetSpotCapacity", 0):
            problems.append(
                f"{logical_id}: core nodes (HDFS) run on spot; one reclaim loses blocks. Use "
                "on-demand core nodes and put spot capacity in task nodes."
            )
    return problems


def _policy_documents(template: Template) -> Iterator[tuple[str, str, Any]]:
    for logical_id, topic_policy in _resources(template, "AWS::SNS::TopicPolicy"):
        yield (
            logical_id,
            "AWS::SNS::TopicPolicy",
            topic_policy["Properties"].get("PolicyDocument", {}),
        )
    for logical_id, key in _resources(template, "AWS::KMS::Key"):
        yield logical_id, "AWS::KMS::Key", key["Properties"].get("KeyPolicy", {})
    for logical_id, bucket_policy in _resources(template, "AWS::S3::BucketPolicy"):
        yield (
            logical_id,
            "AWS::S3::BucketPolicy",
            bucket_policy["Properties"].get("PolicyDocument", {}),
        )


def service_principals_are_bound_to_their_source(template: Template) -> list[str]:
    """A service principal allowed on a topic, key or bucket without aws:SourceAccount /
    aws:SourceArn can act for any account (confused deputy)."""
    problems = []
    for logical_id, kind, document in _policy_documents(template):
        for statement in document.get("Statement", []):
            if statement.get("Effect") != "Allow":
                continue
            services = statement.get("Principal", {})
            services = services.get("Service") if isinstance(services, dict) else None
            if not services:
                continue
            named = [services] if isinstance(services, str) else list(services)
            if all((kind, service) in UNBINDABLE for service in named):
                continue
            conditions = json.dumps(statement.get("Condition", {}))
            if not any(key in conditions for key in SOURCE_KEYS):
                problems.append(
                    f"{logical_id}: {services} may {statement.get('Action')} with no "
                    "aws:SourceAccount or aws:SourceArn condition; add one."
                )
    return problems


def team_namespaces_are_isolated(template: Template) -> list[str]:
    """Every namespace with an EMR virtual cluster admits only its own pods, and the cluster
    enforces NetworkPolicies (Auto Mode: the VPC CNI policy controller ConfigMap; node groups: the
    vpc-cni add-on with enableNetworkPolicy). A policy nobody enforces isolates nothing."""
    objects = list(kubernetes_objects(template))
    isolated = {
        obj["metadata"].get("namespace")
        for obj in objects
        if obj.get("kind") == "NetworkPolicy"
        and obj.get("spec", {}).get("podSelector") == {}
        and obj["spec"].get("ingress") == [{"from": [{"podSelector": {}}]}]
    }
    problems = []
    namespaces = []
    for logical_id, vc in _resources(template, "AWS::EMRContainers::VirtualCluster"):
        provider = vc.get("Properties", {}).get("ContainerProvider", {})
        namespace = provider.get("Info", {}).get("EksInfo", {}).get("Namespace")
        namespaces.append(namespace)
        if namespace not in isolated:
            problems.append(
                f"{logical_id}: namespace {namespace!r} has no NetworkPolicy admitting only its "
                "own pods; another team's pods could reach its drivers."
            )
    controller = any(
        obj.get("kind") == "ConfigMap"
        and obj["metadata"].get("name") == "amazon-vpc-cni"
        and obj.get("data", {}).get("enable-network-policy-controller") == "true"
        for obj in objects
    ) or any(
        addon.get("Properties", {}).get("AddonName") == "vpc-cni"
        and "enableNetworkPolicy" in json.dumps(addon["Properties"].get("ConfigurationValues", ""))
        for _, addon in _resources(template, "AWS::EKS::Addon")
    )
    clusters = list(_resources(template, "AWS::EKS::Cluster"))
    if namespaces and clusters and not controller:
        problems.append(
            "the EKS cluster of this template does not enforce NetworkPolicies: turn on the VPC "
            "CNI network policy controller (Auto Mode ConfigMap or the vpc-cni add-on setting)."
        )
    return problems


#: Kubernetes minors each YuniKorn release supports (yunikorn.apache.org, "Version details").
YUNIKORN_KUBERNETES = {"1.8.0": ((1, 24), (1, 34)), "1.9.0": ((1, 24), (1, 35))}
YUNIKORN_QUEUE = "yunikorn.apache.org/queue"


def _minor(version: str) -> tuple[int, int]:
    major, minor = str(version).split(".")[:2]
    return int(major), int(minor)


def _yunikorn_config(template: Template) -> dict[str, Any] | None:
    for obj in kubernetes_objects(template):
        if obj.get("kind") == "ConfigMap" and obj["metadata"].get("name") == "yunikorn-configs":
            return dict(obj.get("data", {}))
    return None


def _leaf_queues(queues_yaml: str) -> set[str]:
    leaves: set[str] = set()

    def walk(queues: list[dict[str, Any]], parent: str) -> None:
        for queue in queues:
            path = f"{parent}.{queue['name']}" if parent else queue["name"]
            if queue.get("queues"):
                walk(queue["queues"], path)
            elif not queue.get("parent"):
                leaves.add(path)

    for partition in yaml.safe_load(queues_yaml).get("partitions", []):
        walk(partition.get("queues", []), "")
    return leaves


def _job_template_queues(template: Template) -> Iterator[tuple[str, str]]:
    """(job template, queue) for each job template whose job runner names a YuniKorn queue."""
    for logical_id, resource in _resources(template, "AWS::EMRContainers::JobTemplate"):
        data = resource.get("Properties", {}).get("JobTemplateData", {})
        for item in data.get("ConfigurationOverrides", {}).get("ApplicationConfiguration", []):
            if item.get("Classification") == "emr-job-submitter":
                for key, value in item.get("Properties", {}).items():
                    if key.endswith(YUNIKORN_QUEUE):
                        yield logical_id, str(value)


def yunikorn_is_wired_to_the_jobs(template: Template) -> list[str]:
    """YuniKorn claims the pods of the EMR namespaces only (an empty namespace filter hands every
    pod of the cluster, CoreDNS included, to YuniKorn), claims every namespace whose jobs name a
    queue (a job runner YuniKorn never labels has no application id and stays Pending), and every
    queue a job names is a leaf of the deployed tree (else it lands in root.default or is
    refused)."""
    config = _yunikorn_config(template)
    named = list(_job_template_queues(template))
    if config is None:
        return [
            f"{lid}: names YuniKorn queue {queue!r} but this stack deploys no YuniKorn "
            "configuration (yunikorn-configs)."
            for lid, queue in named
        ]
    problems = []
    filters = str(config.get("admissionController.filtering.processNamespaces", ""))
    if not filters.strip():
        problems.append(
            "yunikorn-configs: admissionController.filtering.processNamespaces is empty, so "
            "YuniKorn takes every pod of the cluster; list the Spark namespaces."
        )
    patterns = [re.compile(p) for p in filters.split(",") if p]
    if named:
        for logical_id, vc in _resources(template, "AWS::EMRContainers::VirtualCluster"):
            info = vc.get("Properties", {}).get("ContainerProvider", {}).get("Info", {})
            namespace = str(info.get("EksInfo", {}).get("Namespace"))
            if patterns and not any(p.search(namespace) for p in patterns):
                problems.append(
                    f"{logical_id}: namespace {namespace!r} runs jobs that name YuniKorn queues "
                    f"but is not in processNamespaces ({filters!r}); its job runners would stay "
                    "Pending."
                )
    leaves = _leaf_queues(str(config.get("queues.yaml", "partitions: []")))
    for logical_id, queue in named:
        path = queue if queue.startswith("root.") else f"root.{queue}"
        if path not in leaves:
            problems.append(
                f"{logical_id}: names YuniKorn queue {queue!r}, which is not a leaf of the "
                f"deployed tree ({', '.join(sorted(leaves))})."
            )
    return problems


def yunikorn_supports_the_cluster(template: Template) -> list[str]:
    """The YuniKorn release a stack installs supports the Kubernetes version of its cluster."""
    clusters = [
        str(c.get("Properties", {}).get("Version"))
        for _, c in _resources(template, "AWS::EKS::Cluster")
    ]
    problems = []
    for logical_id, chart in _resources(template, "Custom::AWSCDK-EKS-HelmChart"):
        props = chart.get("Properties", {})
        if props.get("Chart") != "yunikorn":
            continue
        version = str(props.get("Version"))
        supported = YUNIKORN_KUBERNETES.get(version)
        if supported is None:
            problems.append(f"{logical_id}: YuniKorn chart {version!r} is not a known release.")
            continue
        low, high = supported
        for cluster in clusters:
            if not low <= _minor(cluster) <= high:
                problems.append(
                    f"{logical_id}: YuniKorn {version} supports Kubernetes "
                    f"{low[0]}.{low[1]}-{high[0]}.{high[1]}, the cluster runs {cluster}."
                )
    return problems


def _render(value: Any) -> Any:
    """A template value with tokens as ``<LogicalId.Attr>`` text and ``Fn::Join`` joined."""
    if isinstance(value, dict) and len(value) == 1:
        ((fn, arg),) = value.items()
        if fn == "Ref":
            return f"<{arg}>"
        if fn == "Fn::GetAtt":
            return f"<{'.'.join(arg) if isinstance(arg, list) else arg}>"
        if fn == "Fn::Join":
            return str(arg[0]).join(str(_render(part)) for part in arg[1])
    if isinstance(value, dict):
        return {k: _render(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v) for v in value]
    return value


def _release(label: str) -> tuple[int, int]:
    parts = str(label).removeprefix("emr-").split("-")[0].split(".")
    return (int(parts[0]), int(parts[1])) if len(parts) >= 2 and parts[1].isdigit() else (0, 0)


#: EMR on EKS releases with Lake Formation fine-grained access control (core.versions repeats it
#: for the library; the rule reads templates, not the library).
FGAC_MIN_RELEASE = (7, 7)
FGAC_TAG_KEY = "aws:RequestTag/LakeFormationAuthorizedCaller"


def lake_formation_fgac_is_consistent(template: Template) -> list[str]:
    """A Lake Formation security configuration works only if EMR can do what it names at run
    time: the system driver's secure namespace is not a virtual cluster's (user) namespace, every
    job role of the template's job templates trusts the query engine role to assume it and tag
    the session with the configured value, and every job template runs EMR 7.7 or later."""
    resources = template.get("Resources", {})
    problems = []
    namespaces = {
        str(
            vc.get("Properties", {})
            .get("ContainerProvider", {})
            .get("Info", {})
            .get("EksInfo", {})
            .get("Namespace")
        )
        for _, vc in _resources(template, "AWS::EMRContainers::VirtualCluster")
    }
    for logical_id, sc in _resources(template, "AWS::EMRContainers::SecurityConfiguration"):
        data = sc.get("Properties", {}).get("SecurityConfigurationData", {})
        config = data.get("AuthorizationConfiguration", {}).get("LakeFormationConfiguration")
        if not config:
            continue
        secure = config.get("SecureNamespaceInfo", {}).get("Namespace")
        if secure in namespaces:
            problems.append(
                f"{logical_id}: the secure namespace {secure!r} is also a virtual cluster's "
                "namespace; EMR needs the system driver apart from user code. Use another one."
            )
        query_role = _render(config.get("QueryEngineRoleArn"))
        tag = config.get("AuthorizedSessionTagValue")
        for template_id, job in _resources(template, "AWS::EMRContainers::JobTemplate"):
            data = job.get("Properties", {}).get("JobTemplateData", {})
            if _release(data.get("ReleaseLabel", "")) < FGAC_MIN_RELEASE:
                problems.append(
                    f"{template_id}: release {data.get('ReleaseLabel')!r} has no Lake Formation "
                    "fine-grained access control (EMR 7.7 or later); EMR refuses the job."
                )
            role = resources.get(_ref(data.get("ExecutionRoleArn")) or "", {})
            trust = _render(role.get("Properties", {}).get("AssumeRolePolicyDocument", {}))
            statements = (json.loads(trust) if isinstance(trust, str) else trust).get(
                "Statement", []
            )
            tagged = any(
                query_role in json.dumps(st.get("Principal", {}))
                and "sts:TagSession" in json.dumps(st.get("Action"))
                and st.get("Condition", {}).get("StringLike", {}).get(FGAC_TAG_KEY) == tag
                for st in statements
            )
            if not tagged:
                problems.append(
                    f"{template_id}: its job role does not trust the query engine role "
                    f"{query_role} with sts:AssumeRole and sts:TagSession under "
                    f"{FGAC_TAG_KEY} = {tag!r}; the system driver cannot act as the team."
                )
    return problems


def lake_formation_settings_come_first(template: Template) -> list[str]:
    """Lake Formation accepts catalog objects, filters and grants from CloudFormation only once
    its role administers the data lake (the DataLakeSettings of the same template), and a
    database created with IAMAllowedPrincipals as its tables' default would share them with every
    IAM principal and break cross-account sharing."""
    settings = [lid for lid, _ in _resources(template, "AWS::LakeFormation::DataLakeSettings")]
    if not settings:
        return []
    resources = template.get("Resources", {})

    def depends(logical_id: str, seen: set[str]) -> set[str]:
        found = set()
        for dep in resources.get(logical_id, {}).get("DependsOn", []) or []:
            if dep not in seen:
                seen.add(dep)
                found |= {dep} | depends(dep, seen)
        return found

    problems = []
    governed = (
        "AWS::LakeFormation::PrincipalPermissions",
        "AWS::LakeFormation::DataCellsFilter",
        "AWS::LakeFormation::Resource",
        "AWS::Glue::Database",
    )
    for logical_id, resource in resources.items():
        if resource.get("Type") not in governed:
            continue
        if not set(settings) & depends(logical_id, set()):
            problems.append(
                f"{logical_id}: does not wait for the data lake settings {settings}; "
                "CloudFormation may create it before its role is a data lake administrator. Add "
                "a dependency."
            )
        if resource["Type"] == "AWS::Glue::Database":
            defaults = resource.get("Properties", {}).get("DatabaseInput", {})
            if defaults.get("CreateTableDefaultPermissions") != []:
                problems.append(
                    f"{logical_id}: new tables would get the account's default permissions "
                    "(IAMAllowedPrincipals); set DatabaseInput.CreateTableDefaultPermissions to []."
                )
    return problems


def lake_formation_grants_are_chained(template: Template) -> list[str]:
    """Lake Formation can fail ``PrincipalPermissions`` that CloudFormation creates in parallel
    (AlreadyExists): the grants of a template form one DependsOn chain, each waiting directly for
    the one before it, so no two are ever created at the same time."""
    grants = [lid for lid, _ in _resources(template, "AWS::LakeFormation::PrincipalPermissions")]
    if len(grants) < 2:
        return []
    resources = template.get("Resources", {})
    members = set(grants)
    previous: dict[str, list[str]] = {}
    for logical_id in grants:
        depends_on = resources[logical_id].get("DependsOn", []) or []
        if isinstance(depends_on, str):
            depends_on = [depends_on]
        previous[logical_id] = sorted(set(depends_on) & members)
    problems = []
    heads = [lid for lid in grants if not previous[lid]]
    if len(heads) != 1:
        problems.append(
            f"grants {heads or grants} wait for no other grant; CloudFormation may create them "
            "in parallel and Lake Formation can answer AlreadyExists. Make every grant but the "
            "first depend on the grant before it."
        )
    for logical_id in grants:
        if len(previous[logical_id]) > 1:
            problems.append(
                f"{logical_id}: waits for several grants {previous[logical_id]}; chain the grants "
                "one after another (each depends on exactly the grant before it)."
            )
    followers: dict[str, list[str]] = {}
    for logical_id, before in previous.items():
        for dep in before:
            followers.setdefault(dep, []).append(logical_id)
    for logical_id, after in followers.items():
        if len(after) > 1:
            problems.append(
                f"{logical_id}: several grants {sorted(after)} wait for it and may run in "
                "parallel; chain them one after another."
            )
    if not problems:
        # One head, one predecessor and one follower each: a single chain unless there is a cycle.
        seen: list[str] = []
        current: str | None = heads[0]
        while current is not None and current not in seen:
            seen.append(current)
            next_grants = followers.get(current, [])
            current = next_grants[0] if next_grants else None
        if len(seen) != len(grants):
            missing = sorted(members - set(seen))
            problems.append(
                f"grants {missing} are not on the chain that starts at {heads[0]}; chain them."
            )
    return problems


def iceberg_catalogs_name_one_implementation(template: Template) -> list[str]:
    """Iceberg's SparkCatalog refuses a catalog configured with both ``type`` and
    ``catalog-impl``; the job fails when Spark loads the catalog."""
    problems = []
    for logical_id, job in _resources(template, "AWS::EMRContainers::JobTemplate"):
        data = job.get("Properties", {}).get("JobTemplateData", {})
        for classification in data.get("ConfigurationOverrides", {}).get(
            "ApplicationConfiguration", []
        ):
            properties = classification.get("Properties", {})
            for key in properties:
                if key.startswith("spark.sql.catalog.") and key.endswith(".catalog-impl"):
                    catalog = key.removesuffix(".catalog-impl")
                    if f"{catalog}.type" in properties:
                        problems.append(
                            f"{logical_id}: {catalog} sets both type and catalog-impl; Iceberg "
                            "refuses the catalog. Keep catalog-impl."
                        )
    return problems


# --- Hive Metastore (issue 11) ------------------------------------------------------------------

#: Charts whose CRDs (SecretProviderClass) must exist before a manifest naming one is applied.
SECRETS_STORE_CHARTS = ("secrets-store-csi-driver", "secrets-store-csi-driver-provider-aws")
_TLS_MODES = ("sslmode=require", "sslmode=verify-ca", "sslmode=verify-full")


def _containers(obj: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    spec = obj.get("spec", {})
    pod = spec.get("template", {}).get("spec", {}) if obj.get("kind") != "Pod" else spec
    for key in ("containers", "initContainers"):
        yield from pod.get(key, [])


def no_literal_passwords_in_manifests(template: Template) -> list[str]:
    """A password written into a manifest is readable by anyone who can read the object (and
    sits in the CloudFormation template): containers take secrets from files or Secrets, and
    ConfigMaps hold no password."""
    problems = []
    for obj in kubernetes_objects(template):
        name = f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
        for container in _containers(obj):
            for env in container.get("env", []):
                key = str(env.get("name", "")).upper()
                if "PASSWORD" in key and not key.endswith("_FILE") and "value" in env:
                    problems.append(
                        f"{name}: container {container.get('name')!r} sets {env['name']} to a "
                        "literal; mount it from Secrets Manager (Secrets Store CSI) instead."
                    )
        if obj.get("kind") == "ConfigMap":
            for key in obj.get("data", {}):
                if "PASSWORD" in key.upper() and not key.upper().endswith("_FILE"):
                    problems.append(f"{name}: ConfigMap key {key} holds a password; remove it.")
    return problems


def secret_provider_classes_wait_for_their_crd(template: Template) -> list[str]:
    """A SecretProviderClass applied before the Secrets Store CSI charts installed its CRD fails
    the deploy (no such kind); its manifest must depend on the chart resources."""
    charts = {
        logical_id
        for logical_id, chart in _resources(template, "Custom::AWSCDK-EKS-HelmChart")
        if chart.get("Properties", {}).get("Chart") in SECRETS_STORE_CHARTS
    }
    problems = []
    for logical_id, resource in _resources(template, "Custom::AWSCDK-EKS-KubernetesResource"):
        if "SecretProviderClass" not in json.dumps(resource.get("Properties", {})):
            continue
        depends = resource.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else depends
        if not charts & set(depends):
            problems.append(
                f"{logical_id}: applies a SecretProviderClass but does not depend on the Secrets "
                "Store CSI charts of this template; CloudFormation may apply it before the CRD "
                "exists."
            )
    return problems


def metastore_connects_with_tls(template: Template) -> list[str]:
    """An RDS Proxy with RequireTLS refuses connections without TLS: a metastore JDBC URL that
    does not ask for it fails at the first connection."""
    tls = any(
        proxy.get("Properties", {}).get("RequireTLS") is True
        for _, proxy in _resources(template, "AWS::RDS::DBProxy")
    )
    problems = []
    for obj in kubernetes_objects(template):
        url = (
            obj.get("data", {}).get("HIVE_METASTORE_DB_URL")
            if obj.get("kind") == "ConfigMap"
            else None
        )
        if url is None:
            continue
        if not url.startswith("jdbc:postgresql://"):
            problems.append(
                f"ConfigMap/{obj['metadata']['name']}: {url!r} is not a PostgreSQL URL."
            )
        elif tls and not any(mode in url for mode in _TLS_MODES):
            problems.append(
                f"ConfigMap/{obj['metadata']['name']} in {obj['metadata'].get('namespace')!r}: "
                f"the proxy requires TLS but {url!r} does not ask for it; add ?sslmode=require."
            )
    return problems


RULES: dict[str, Rule] = {
    "emr-managed-policy-tag": emr_clusters_carry_the_managed_policy_tag,
    "name-lengths": literal_names_fit,
    "quota-limit-pairing": requests_quotas_have_default_requests,
    "one-virtual-cluster-per-namespace": one_virtual_cluster_per_namespace,
    "hdfs-not-on-spot": hdfs_core_nodes_are_on_demand,
    "service-principal-source": service_principals_are_bound_to_their_source,
    "team-isolation": team_namespaces_are_isolated,
    "yunikorn-wired": yunikorn_is_wired_to_the_jobs,
    "yunikorn-kubernetes": yunikorn_supports_the_cluster,
    "lake-formation-fgac": lake_formation_fgac_is_consistent,
    "lake-formation-settings-first": lake_formation_settings_come_first,
    "lake-formation-grants-chained": lake_formation_grants_are_chained,
    "iceberg-catalog-implementation": iceberg_catalogs_name_one_implementation,
    "no-literal-passwords": no_literal_passwords_in_manifests,
    "secret-provider-class-after-crd": secret_provider_classes_wait_for_their_crd,
    "metastore-tls": metastore_connects_with_tls,
}


# --- Spark History Server (issue 12) -----------------------------------------------------------

#: AWS Client VPN accepts client CIDR blocks from /12 to /22 only.
CLIENT_VPN_PREFIXES = (12, 22)


def _named_objects(template: Template) -> Iterator[dict[str, Any]]:
    """Kubernetes objects with their references kept by name (not as one placeholder)."""
    for _, resource in _resources(template, "Custom::AWSCDK-EKS-KubernetesResource"):
        manifest = resource.get("Properties", {}).get("Manifest")
        try:
            yield from json.loads(flatten_named(manifest))
        except json.JSONDecodeError:
            continue


def _without_scheme(uri: str) -> str:
    return uri.split("://", 1)[-1].rstrip("/") + "/"


def history_server_reads_where_jobs_write(template: Template) -> list[str]:
    """The History Server reads one directory and does not recurse: every job template of the
    template writes exactly there (s3:// and s3a:// name the same objects), and the directory
    exists before the server starts (its read-only role cannot create it)."""
    readers = [
        reader
        for obj in _named_objects(template)
        if obj.get("kind") == "Deployment"
        and (reader := spark_history_opts(obj).get("spark.history.fs.logDirectory"))
    ]
    problems = []
    for reader in readers:
        directory = _without_scheme(reader)
        for logical_id, job in _resources(template, "AWS::EMRContainers::JobTemplate"):
            overrides = job["Properties"]["JobTemplateData"].get("ConfigurationOverrides", {})
            for item in overrides.get("ApplicationConfiguration", []):
                writer = item.get("Properties", {}).get("spark.eventLog.dir")
                written = flatten_named(writer) if writer is not None else None
                if written is not None and _without_scheme(written) != directory:
                    problems.append(
                        f"{logical_id}: writes event logs to {written!r}, the History Server "
                        f"reads {reader!r}; the server never sees these jobs."
                    )
        _, _, key = directory.partition("/")
        markers = [
            lid
            for lid, call in _resources(template, "Custom::AWS")
            if f'"Key":"{key}"'
            in flatten_named(call["Properties"].get("Create", "")).replace(" ", "")
        ]
        if not markers:
            problems.append(
                f"the History Server's directory {reader!r} is not created by the template; the "
                "server refuses to start on a missing directory and cannot create it itself."
            )
    return problems


def history_server_read_only_means_no_compaction(template: Template) -> list[str]:
    """Compaction and the cleaner rewrite and delete event logs: a server configured with either
    needs s3:DeleteObject in its role, otherwise it fails at run time."""
    roles = {}
    for obj in _named_objects(template):
        if obj.get("kind") == "ServiceAccount":
            arn = obj["metadata"].get("annotations", {}).get("eks.amazonaws.com/role-arn", "")
            roles[obj["metadata"]["name"]] = arn
    problems = []
    for obj in _named_objects(template):
        if obj.get("kind") != "Deployment":
            continue
        opts = spark_history_opts(obj)
        if not opts:
            continue
        rewrites = opts.get("spark.history.fs.cleaner.enabled") == "true" or (
            "spark.history.fs.eventLog.rolling.maxFilesToRetain" in opts
        )
        role = roles.get(obj["spec"]["template"]["spec"].get("serviceAccountName", ""), "")
        logical_id = role.strip("<>").split(".")[0]
        policies = [
            p
            for _, p in _resources(template, "AWS::IAM::ManagedPolicy")
            if logical_id and logical_id in json.dumps(p["Properties"].get("Roles", []))
        ]
        deletes = "s3:DeleteObject" in json.dumps(policies)
        if rewrites and not deletes:
            problems.append(
                f"{obj['metadata']['name']}: compaction or the cleaner is on, but its role "
                f"{logical_id} cannot delete event logs; turn them off or let the role write."
            )
    return problems


def private_access_deploys(template: Template) -> list[str]:
    """ACM issues from a Private CA only once it is ACTIVE (the certificate must wait for the
    activation); Client VPN takes a client CIDR of /12 to /22, must log connections, and is
    authorized for the VPC, not 0.0.0.0/0; the ALB listens on HTTPS only."""
    problems = []
    activations = {
        _ref(a["Properties"].get("CertificateAuthorityArn")): lid
        for lid, a in _resources(template, "AWS::ACMPCA::CertificateAuthorityActivation")
    }
    for lid, cert in _resources(template, "AWS::CertificateManager::Certificate"):
        ca = _ref(cert["Properties"].get("CertificateAuthorityArn"))
        activation = activations.get(ca)
        depends = cert.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else depends
        if ca and activation and activation not in depends:
            problems.append(
                f"{lid}: issued by {ca} but does not wait for {activation}; ACM refuses a CA "
                "that is not ACTIVE yet."
            )
    for lid, vpn in _resources(template, "AWS::EC2::ClientVpnEndpoint"):
        props = vpn["Properties"]
        cidr = props.get("ClientCidrBlock")
        prefix = int(str(cidr).rsplit("/", 1)[1]) if isinstance(cidr, str) and "/" in cidr else 0
        low, high = CLIENT_VPN_PREFIXES
        if not low <= prefix <= high:
            problems.append(f"{lid}: client CIDR {cidr!r} must be /{low} to /{high}.")
        if not props.get("ConnectionLogOptions", {}).get("Enabled"):
            problems.append(f"{lid}: connection logging is off; turn it on.")
    for lid, rule in _resources(template, "AWS::EC2::ClientVpnAuthorizationRule"):
        if rule["Properties"].get("TargetNetworkCidr") == "0.0.0.0/0":
            problems.append(f"{lid}: authorizes 0.0.0.0/0; authorize the VPC's CIDR only.")
    for obj in _named_objects(template):
        if obj.get("kind") != "Ingress":
            continue
        ports = obj["metadata"].get("annotations", {}).get("alb.ingress.kubernetes.io/listen-ports")
        if ports is None or any(set(p) != {"HTTPS"} for p in json.loads(ports)):
            problems.append(
                f"Ingress {obj['metadata']['name']}: listen on HTTPS only, not {ports}."
            )
    return problems


RULES.update(
    {
        "shs-reads-where-jobs-write": history_server_reads_where_jobs_write,
        "shs-read-only-no-compaction": history_server_read_only_means_no_compaction,
        "shs-private-access": private_access_deploys,
    }
)
