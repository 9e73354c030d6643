"""The rows of the access matrix, derived from a synthesized template's own values.

An EMR cluster's ``LogUri``, bootstrap scripts, steps, roles and security configuration; a job
template's monitoring configuration, pod templates and event-log directory, and the service
accounts its role trusts; an alarm's actions and a rule's targets; a flow log's role and log
group; encrypted log groups; server access logging. Nothing is copied from a template by hand,
so a renamed prefix or a dropped statement shows up as a failing row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from tests.access.evaluator import ACCOUNT, OTHER_ACCOUNT, Principal, Request, evaluate
from tests.access.matrix import Row, StackAccess
from tests.access.templates import Resolver, lake_formation_arn, s3_arn, template_policies
from tests.harness.checks import spark_history_opts

#: (label for test ids, principal)
Who = tuple[str, Principal]

FOREIGN_ROLE: Who = ("foreign-role", Principal("AWS", f"arn:aws:iam::{OTHER_ACCOUNT}:role/x"))
#: Where EMR on EKS writes a driver's logs below the monitoring prefixes.
JOB_PATH = "<virtual-cluster-id>/jobs/<job-run-id>/containers/spark-0000/spark-0000-driver"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36(text: str) -> str:
    """EMR on EKS's base36 of a role name: its characters as a big-endian base-256 number."""
    number = int.from_bytes(text.encode("latin-1"), "big")
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = _DIGITS[rest] + digits
    return digits or "0"


def service(name: str, source: str) -> Who:
    """A service principal, labelled with the resource it acts for."""
    return (f"{name}@{source}", Principal("Service", name))


class _Rows:
    def __init__(
        self,
        stack: str,
        template: Mapping[str, Any],
        region: str,
        others: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.stack = stack
        self.r = Resolver(template, stack, region, others)
        self.policies = template_policies(self.r)
        self.region = region
        self.rows: list[Row] = []
        self.props = {
            lid: self.r.resolve(v.get("Properties", {})) for lid, v in self.r.resources.items()
        }

    # -- lookups -------------------------------------------------------------------------------
    def of_type(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for lid, resource in self.r.resources.items():
            if resource["Type"] == kind:
                yield lid, self.props[lid]

    def find(self, kind: str, value: Any) -> str | None:
        """The logical id of the resource of ``kind`` whose name, Ref or ARN is ``value``."""
        for lid, _ in self.of_type(kind):
            if str(value) in (self.r.name(lid), self.r.ref(lid), self.r.arn(lid)):
                return lid
        return None

    def role(self, value: Any) -> Who:
        lid = self.find("AWS::IAM::Role", value)
        if lid is None:
            raise LookupError(f"{self.stack}: no role {value!r} in the template")
        return lid, Principal("AWS", self.r.arn(lid))

    def bucket_key(self, object_arn: str) -> str | None:
        """The KMS key of the bucket holding ``object_arn``, when it is ours and SSE-KMS."""
        lid = self.find("AWS::S3::Bucket", object_arn.removeprefix("arn:aws:s3:::").split("/")[0])
        encryption = self.props[lid].get("BucketEncryption", {}) if lid else {}
        for rule in encryption.get("ServerSideEncryptionConfiguration", []):
            default = rule.get("ServerSideEncryptionByDefault", {})
            if (
                default.get("SSEAlgorithm", "").startswith("aws:kms")
                and "KMSMasterKeyID" in default
            ):
                return str(default["KMSMasterKeyID"])
        return None

    def topic_key(self, topic: str) -> str | None:
        lid = self.find("AWS::SNS::Topic", topic)
        key = self.props[lid].get("KmsMasterKeyId") if lid else None
        return str(key) if key and str(key) in self.policies.owned else None

    def source(self, arn: str, account: str = ACCOUNT) -> dict[str, str]:
        return {"aws:SourceAccount": account, "aws:SourceArn": arn}

    # -- adding rows ----------------------------------------------------------------------------
    def add(
        self,
        kind: str,
        who: Who,
        action: str,
        resource: str,
        *,
        because: str,
        context: Mapping[str, str] | None = None,
        must_allow: bool = True,
    ) -> None:
        label, principal = who
        self.rows.append(
            Row(
                self.stack,
                kind,
                label,
                principal,
                action,
                resource,
                must_allow,
                because,
                dict(context or {}),
            )
        )

    def for_source(
        self, kind: str, who: Who, action: str, resource: str, *, because: str, source_arn: str
    ) -> None:
        """A service acting for our ``source_arn`` (allowed) and for another account's (denied)."""
        foreign = source_arn.replace(f":{ACCOUNT}:", f":{OTHER_ACCOUNT}:")
        if foreign == source_arn:  # an ARN without an account, e.g. a bucket's
            foreign = "arn:aws:s3:::another-accounts-bucket"
        self.add(kind, who, action, resource, because=because, context=self.source(source_arn))
        self.add(
            f"{kind}-foreign",
            who,
            action,
            resource,
            because=f"{because}, for another account",
            context=self.source(foreign, OTHER_ACCOUNT),
            must_allow=False,
        )

    def log_write(self, kind: str, who: Who, uri: str, because: str) -> None:
        """``who`` writes a log object (and its key use); another account may not read it."""
        self.s3(f"{kind}-write", who, "s3:PutObject", uri, because)
        self.add(
            f"{kind}-foreign",
            FOREIGN_ROLE,
            "s3:GetObject",
            s3_arn(uri),
            because=f"{because}, read from another account",
            must_allow=False,
        )

    def trust(self, kind: str, service_name: str, lid: str, role: Who, prop: str) -> None:
        """A service assuming ``role`` for resource ``lid``, and for another account's resource."""
        who = service(service_name, lid)
        self.for_source(
            kind,
            who,
            "sts:AssumeRole",
            role[1].id,
            because=f"{lid} {prop}",
            source_arn=self.r.arn(lid),
        )

    def s3(self, kind: str, who: Who, action: str, uri: str, because: str) -> None:
        """An S3 object access and, for an SSE-KMS bucket of ours, the key use it implies."""
        obj = s3_arn(uri)
        self.add(kind, who, action, obj, because=because)
        key = self.bucket_key(obj)
        if key is None:
            return
        via = {"kms:ViaService": f"s3.{self.region}.amazonaws.com"}
        reads = action == "s3:GetObject"
        for kms_action in ("kms:Decrypt",) if reads else ("kms:GenerateDataKey", "kms:Decrypt"):
            self.add(
                f"{kind}-kms", who, kms_action, key, because=f"{because}; bucket key", context=via
            )

    # -- EMR on EC2 ------------------------------------------------------------------------------
    def emr_clusters(self) -> None:
        for lid, props in self.of_type("AWS::EMR::Cluster"):
            profile = self.find("AWS::IAM::InstanceProfile", props["JobFlowRole"])
            if profile is None:
                raise LookupError(f"{self.stack}/{lid}: JobFlowRole names no instance profile")
            node = self.role(self.props[profile]["Roles"][0])
            ec2 = service("ec2.amazonaws.com", lid)
            self.add(
                "emr-node-trust", ec2, "sts:AssumeRole", node[1].id, because=f"{lid} JobFlowRole"
            )
            if props.get("LogUri"):
                key = f"{self.r.ref(lid)}/node/i-0abc/applications/hadoop/x.gz"
                uri = f"{str(props['LogUri']).rstrip('/')}/{key}"
                self.log_write("emr-log", node, uri, f"{lid} LogUri")
            for action in props.get("BootstrapActions", []):
                path = action["ScriptBootstrapAction"]["Path"]
                self.s3(
                    "emr-bootstrap-read", node, "s3:GetObject", path, f"{lid} {action['Name']!r}"
                )
            steps = list(props.get("Steps", []))
            steps += [
                p for _, p in self.of_type("AWS::EMR::Step") if p["JobFlowId"] == self.r.ref(lid)
            ]
            for step in steps:
                jar = step.get("HadoopJarStep", {})
                for arg in [jar.get("Jar"), *jar.get("Args", [])]:
                    if isinstance(arg, str) and arg.startswith("s3://"):
                        self.s3(
                            "emr-step-read",
                            node,
                            "s3:GetObject",
                            arg,
                            f"{lid} step {step['Name']!r}",
                        )
                    # A shell step copying between the node and S3 (e.g. publishing site files).
                    for source, target in _S3_COPY.findall(arg if isinstance(arg, str) else ""):
                        writes = target.startswith("s3://") and not source.startswith("s3://")
                        self.s3(
                            "emr-step-write" if writes else "emr-step-read",
                            node,
                            "s3:PutObject" if writes else "s3:GetObject",
                            target if writes else source,
                            f"{lid} step {step['Name']!r} copies {source} to {target}",
                        )
            self._emr_service(lid, props, node)

    def sdk_calls(self) -> None:
        """What CDK's AwsCustomResource provider calls at deploy time, on exactly its resource."""
        for lid, props in self.of_type("Custom::AWS"):
            function = self.find("AWS::Lambda::Function", props.get("ServiceToken"))
            if function is None:
                continue
            provider = self.role(self.props[function]["Role"])
            for phase in ("Create", "Update", "Delete"):
                text = props.get(phase)
                if not isinstance(text, str):
                    continue
                call = json.loads(text)
                target = _SDK_TARGETS.get((call["service"].lower(), call["action"]))
                if target is None:
                    continue
                action, arn = target
                self.add(
                    "sdk-call",
                    provider,
                    action,
                    arn.format(
                        region=call.get("region", self.region),
                        account=ACCOUNT,
                        **call["parameters"],
                    ),
                    because=f"{lid} {phase.lower()}: {call['action']}",
                )

    def _emr_service(self, lid: str, props: Mapping[str, Any], node: Who) -> None:
        role = self.role(props["ServiceRole"])
        self.trust("emr-service-trust", "elasticmapreduce.amazonaws.com", lid, role, "ServiceRole")
        self.add(
            "emr-pass-role",
            role,
            "iam:PassRole",
            node[1].id,
            because=f"{lid} JobFlowRole",
            context={"iam:PassedToService": "ec2.amazonaws.com"},
        )
        name = props.get("SecurityConfiguration")
        config = self.find("AWS::EMR::SecurityConfiguration", name) if name else None
        if config is None:
            return
        encryption = self.props[config]["SecurityConfiguration"].get("EncryptionConfiguration", {})
        at_rest = encryption.get("AtRestEncryptionConfiguration", {})
        disk_key = at_rest.get("LocalDiskEncryptionConfiguration", {}).get("AwsKmsKey")
        if disk_key:
            because = f"{lid} {config} local disk encryption"
            for action in ("kms:CreateGrant", "kms:GenerateDataKeyWithoutPlaintext", "kms:Decrypt"):
                self.add("emr-disk-key", role, action, disk_key, because=because)
            self.add("emr-disk-key", node, "kms:Decrypt", disk_key, because=because)
        s3_key = at_rest.get("S3EncryptionConfiguration", {}).get("AwsKmsKey")
        if s3_key:
            via = {"kms:ViaService": f"s3.{self.region}.amazonaws.com"}
            for action in ("kms:GenerateDataKey", "kms:Decrypt"):
                self.add(
                    "emr-s3-key",
                    node,
                    action,
                    s3_key,
                    because=f"{lid} {config} EMRFS SSE-KMS",
                    context=via,
                )

    # -- EMR on EKS ------------------------------------------------------------------------------
    def _start_grants(self, operator: str, key: str) -> list[tuple[str, str, str]]:
        """(submitter role, virtual cluster, condition value) of each ``StartJobRun`` grant whose
        condition ``operator`` names ``key``."""
        found = []
        for role_arn, policies in self.policies.identity.items():
            for statement in (s for p in policies for s in p.statements):
                doc = statement.document
                if "emr-containers:StartJobRun" not in json.dumps(doc.get("Action")):
                    continue
                value = doc.get("Condition", {}).get(operator, {}).get(key)
                if value is None:
                    continue
                resources = doc.get("Resource", [])
                for vc in resources if isinstance(resources, list) else [resources]:
                    found.append((role_arn, str(vc), str(value)))
        return found

    def _submissions(self) -> list[tuple[str, str, str]]:
        """(submitter role, virtual cluster, execution role) ARNs of each StartJobRun grant."""
        return self._start_grants("StringEquals", "emr-containers:ExecutionRoleArn")

    def _template_submissions(self) -> list[tuple[str, str, str]]:
        """(submitter role, virtual cluster, job template) ARNs of each template-run grant."""
        return self._start_grants("ArnEquals", "emr-containers:JobTemplateArn")

    def template_runs(self) -> None:
        """Submitters start runs from their team's templates, never from another team's."""
        grants = self._template_submissions()
        templates = {t for _, _, t in grants}
        for submitter, vc, template in grants:
            who = self.role(submitter)
            self.add(
                "eks-template-run",
                who,
                "emr-containers:StartJobRun",
                vc,
                because=f"a run from job template {template}",
                context={"emr-containers:JobTemplateArn": template},
            )
            for other in sorted(templates - {t for s, _, t in grants if s == submitter}):
                self.add(
                    "eks-template-run-other-team",
                    who,
                    "emr-containers:StartJobRun",
                    vc,
                    because=f"a run from another team's job template {other}",
                    context={"emr-containers:JobTemplateArn": other},
                    must_allow=False,
                )

    def job_templates(self) -> None:
        templates = [
            (lid, p["JobTemplateData"])
            for lid, p in self.of_type("AWS::EMRContainers::JobTemplate")
        ]
        prefixes: dict[str, tuple[str, str]] = {}  # execution role ARN -> (bucket, team prefix)
        for _, data in templates:
            uri = _monitoring(data).get("S3MonitoringConfiguration", {}).get("LogUri")
            if uri:
                bucket, _, key = str(uri).removeprefix("s3://").partition("/")
                prefixes[str(data["ExecutionRoleArn"])] = (bucket, key.split("/")[0])
        for lid, data in templates:
            job = self.role(data["ExecutionRoleArn"])
            monitoring = _monitoring(data)
            uri = monitoring.get("S3MonitoringConfiguration", {}).get("LogUri")
            if uri:
                log = f"{str(uri).rstrip('/')}/{JOB_PATH}/stdout.gz"
                self.log_write("eks-log", job, log, f"{lid} S3 LogUri")
            cloudwatch = monitoring.get("CloudWatchMonitoringConfiguration")
            if cloudwatch:
                prefix = str(cloudwatch.get("LogStreamNamePrefix", "")).rstrip("/")
                stream = (
                    f"arn:aws:logs:{self.region}:{ACCOUNT}:log-group:{cloudwatch['LogGroupName']}"
                    f":log-stream:{prefix}/{JOB_PATH}/stdout"
                )
                for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
                    self.add(
                        "eks-cloudwatch", job, action, stream, because=f"{lid} CloudWatch logs"
                    )
            for classification in data.get("ConfigurationOverrides", {}).get(
                "ApplicationConfiguration", []
            ):
                properties = classification.get("Properties", {})
                for side in ("driver", "executor"):
                    path = properties.get(f"spark.kubernetes.{side}.podTemplateFile")
                    if path:
                        self.s3(
                            "eks-pod-template",
                            job,
                            "s3:GetObject",
                            path,
                            f"{lid} {side} pod template",
                        )
                events = properties.get("spark.eventLog.dir")
                if events:
                    uri = (
                        "s3://"
                        + str(events).split("://", 1)[1].rstrip("/")
                        + "/spark-0000.inprogress"
                    )
                    self.s3("eks-event-log", job, "s3:PutObject", uri, f"{lid} spark.eventLog.dir")
            own = prefixes.get(job[1].id, ("", ""))[1]
            for bucket, other in sorted({p for r, p in prefixes.items() if p[1] != own}):
                self.add(
                    "eks-other-team-write",
                    job,
                    "s3:PutObject",
                    f"arn:aws:s3:::{bucket}/{other}/logs/x",
                    because=f"{lid} writes team {other!r}'s prefix",
                    must_allow=False,
                )
                self.add(
                    "eks-other-team-scripts",
                    job,
                    "s3:GetObject",
                    f"arn:aws:s3:::{bucket}/{other}/scripts/x.py",
                    because=f"{lid} reads team {other!r}'s scripts",
                    must_allow=False,
                )
            self._irsa(lid, job)

    def _irsa(self, lid: str, job: Who) -> None:
        providers = list(self.of_type("AWS::IAM::OIDCProvider"))
        trusted = {
            str(statement.get("Principal", {}).get("Federated"))
            for statement in self._trust(job).get("Statement", [])
        }
        # A team on a platform of another stack trusts that stack's provider, also when this
        # template has a cluster (and provider) of its own (the external metastore's).
        local = [(lid, p) for lid, p in providers if self.r.arn(lid) in trusted]
        if not local:
            issuer, federated = self._trusted_provider(job)
        elif len(local) == 1:
            provider, props = local[0]
            issuer = str(props["Url"]).removeprefix("https://")
            federated = (issuer, Principal("Federated", self.r.arn(provider)))
        else:
            raise LookupError(f"{self.stack}: {job[0]} trusts {len(local)} OIDC providers")
        namespaces = {
            self.r.arn(vc): str(p["ContainerProvider"]["Info"]["EksInfo"]["Namespace"])
            for vc, p in self.of_type("AWS::EMRContainers::VirtualCluster")
        }
        submissions = self._submissions()
        own = {namespaces.get(vc) for _, vc, execution in submissions if execution == job[1].id}
        own |= {  # runs from this template (its role is pinned): the template-run grants' VC
            namespaces.get(vc)
            for _, vc, template in self._template_submissions()
            if template == self.r.arn(lid)
        }
        if not own - {None}:
            raise LookupError(f"{self.stack}/{lid}: no virtual cluster runs jobs as {job[1].id}")
        suffix = f"{ACCOUNT}-{base36(job[1].id.rsplit('/', 1)[1])}"
        for namespace in sorted(set(namespaces.values())):
            allowed = namespace in own
            for component in ("driver", "executor") if allowed else ("driver",):
                account = f"system:serviceaccount:{namespace}:emr-containers-sa-spark-{component}"
                context = {
                    f"{issuer}:sub": f"{account}-{suffix}",
                    f"{issuer}:aud": "sts.amazonaws.com",
                }
                self.add(
                    "eks-irsa" if allowed else "eks-irsa-other-namespace",
                    (f"sa/{namespace}/{component}", federated[1]),
                    "sts:AssumeRoleWithWebIdentity",
                    job[1].id,
                    because=f"{lid} job role from namespace {namespace!r}",
                    context=context,
                    must_allow=allowed,
                )
        for submitter, vc, execution in submissions:
            if execution != job[1].id:
                continue
            who = self.role(submitter)
            self.add(
                "eks-submit",
                who,
                "emr-containers:StartJobRun",
                vc,
                because=f"{lid} job runs",
                context={"emr-containers:ExecutionRoleArn": job[1].id},
            )
            for other in sorted({e for _, _, e in submissions} - {job[1].id}):
                self.add(
                    "eks-submit-other-role",
                    who,
                    "emr-containers:StartJobRun",
                    vc,
                    because=f"{lid} job runs with another team's role",
                    context={"emr-containers:ExecutionRoleArn": other},
                    must_allow=False,
                )

    def _trust(self, role: Who) -> dict[str, Any]:
        lid = self.find("AWS::IAM::Role", role[1].id)
        document = self.props[lid or ""]["AssumeRolePolicyDocument"]
        trust: dict[str, Any] = json.loads(document) if isinstance(document, str) else document
        return trust

    def _trusted_provider(self, role: Who) -> tuple[str, Who]:
        """The OIDC provider (of another stack) a role's web-identity trust names; its issuer."""
        for statement in self._trust(role).get("Statement", []):
            federated = statement.get("Principal", {}).get("Federated")
            # EMR's job roles match ``sub`` with StringLike, a fixed service account with
            # StringEquals: any operator names the issuer.
            for keys in statement.get("Condition", {}).values():
                for key in keys:
                    if federated and key.endswith(":sub"):
                        issuer = key.removesuffix(":sub")
                        return issuer, (issuer, Principal("Federated", str(federated)))
        raise LookupError(f"{self.stack}: {role[0]} trusts no OIDC provider")

    # -- Lake Formation --------------------------------------------------------------------------
    def lake_formation(self) -> None:
        """Query engine and job roles of FGAC, and the Lake Formation grants of both accounts.

        Grants are modelled as resource policies (``templates.lake_formation_arn``); the rows
        state what the personas need: a team reads a shared table exactly when it may see the
        resource link to it, through the data cell filter when the producer shares one, and
        never the filtered table whole; another account reads nothing.
        """
        grants = [p for _, p in self.of_type("AWS::LakeFormation::PrincipalPermissions")]
        for lid, props in self.of_type("AWS::EMRContainers::SecurityConfiguration"):
            config = props["SecurityConfigurationData"]["AuthorizationConfiguration"]
            self._fgac_roles(lid, config["LakeFormationConfiguration"])
        links = {
            str(p["TableInput"]["Name"]): (str(p["DatabaseName"]), p["TableInput"]["TargetTable"])
            for _, p in self.of_type("AWS::Glue::Table")
            if "TargetTable" in p.get("TableInput", {})
        }
        filters = {  # (catalog, database, table) -> filter names granted on it
            (
                str(c["TableCatalogId"]),
                str(c["DatabaseName"]),
                str(c["TableName"]),
            ): str(c["Name"])
            for g in grants
            if (c := g["Resource"].get("DataCellsFilter"))
        }
        for _, props in self.of_type("AWS::LakeFormation::DataCellsFilter"):
            key = (
                str(props["TableCatalogId"]),
                str(props["DatabaseName"]),
                str(props["TableName"]),
            )
            filters[key] = str(props["Name"])
        grantees = sorted({str(g["Principal"]["DataLakePrincipalIdentifier"]) for g in grants})
        teams = [g for g in grantees if ":role/" in g]
        for team in teams:
            who = self.role(team)
            for link, (database, target) in sorted(links.items()):
                link_arn = self._lf_table(ACCOUNT, database, link)
                sees = self.r.resolve(link_arn) in self.policies.owned and self._allowed(
                    who, "lakeformation:DESCRIBE", link_arn
                )
                self._lf_reads(who, target, filters, sees, f"resource link {link}")
        for account in (g for g in grantees if ":role/" not in g):
            who = (f"account/{account}", Principal("AWS", f"arn:aws:iam::{account}:root"))
            for _, props in self.of_type("AWS::Glue::Table"):
                if "TargetTable" in props.get("TableInput", {}):
                    continue
                target = {
                    "CatalogId": props["CatalogId"],
                    "DatabaseName": props["DatabaseName"],
                    "Name": props["TableInput"]["Name"],
                }
                self._lf_reads(who, target, filters, True, "a table of the producer")
                foreign = (
                    "foreign-account",
                    Principal("AWS", f"arn:aws:iam::{OTHER_ACCOUNT}:root"),
                )
                if account != OTHER_ACCOUNT:
                    self._lf_reads(foreign, target, filters, False, "an account with no share")

    def _lf_table(self, catalog: str, database: str, name: str) -> str:
        table = {"CatalogId": catalog, "DatabaseName": database, "Name": name}
        return lake_formation_arn(self.region, {"Table": table})

    def _allowed(self, who: Who, action: str, resource: str) -> bool:
        return evaluate(
            Request(who[1], action, resource),
            identity=None,
            resource=self.policies.resource_policies(resource),
            resource_policy_required=True,
        ).allowed

    def _lf_reads(
        self,
        who: Who,
        target: Mapping[str, Any],
        filters: Mapping[tuple[str, str, str], str],
        sees: bool,
        via: str,
    ) -> None:
        catalog, database, table = (
            str(target["CatalogId"]),
            str(target["DatabaseName"]),
            str(target["Name"]),
        )
        whole = self._lf_table(catalog, database, table)
        name = filters.get((catalog, database, table))
        because = f"{via} -> {database}.{table}"
        if name is None:
            self.add(
                "lf-select", who, "lakeformation:SELECT", whole, because=because, must_allow=sees
            )
            return
        cells = lake_formation_arn(
            self.region,
            {
                "DataCellsFilter": {
                    "TableCatalogId": catalog,
                    "DatabaseName": database,
                    "TableName": table,
                    "Name": name,
                }
            },
        )
        self.add(
            "lf-select-filter",
            who,
            "lakeformation:SELECT",
            cells,
            because=f"{because} through filter {name}",
            must_allow=sees,
        )
        self.add(
            "lf-select-unfiltered",
            who,
            "lakeformation:SELECT",
            whole,
            because=f"{because} bypassing filter {name}",
            must_allow=False,
        )

    def _fgac_roles(self, lid: str, config: Mapping[str, Any]) -> None:
        """The query engine role assumes each job role only with the session tag; IRSA of the
        query engine role only from the secure namespace."""
        query = self.role(config["QueryEngineRoleArn"])
        tag_key = "aws:RequestTag/LakeFormationAuthorizedCaller"
        tag = str(config["AuthorizedSessionTagValue"])
        for _, props in self.of_type("AWS::EMRContainers::JobTemplate"):
            job = self.role(props["JobTemplateData"]["ExecutionRoleArn"])
            because = f"{lid} query engine role for {job[0]}"
            for kind, action in (
                ("fgac-assume", "sts:AssumeRole"),
                ("fgac-tag-session", "sts:TagSession"),
            ):
                self.add(kind, query, action, job[1].id, because=because, context={tag_key: tag})
            self.add(
                "fgac-tag-session-other-value",
                query,
                "sts:TagSession",
                job[1].id,
                because=f"{because} with another session tag value",
                context={tag_key: "Some Other Engine"},
                must_allow=False,
            )
            self.add(
                "fgac-assume-foreign",
                FOREIGN_ROLE,
                "sts:AssumeRole",
                job[1].id,
                because=f"a role of another account assumes {job[0]}",
                must_allow=False,
            )
        issuer, federated = (
            self._trusted_provider(query)
            if not list(self.of_type("AWS::IAM::OIDCProvider"))
            else self._own_provider()
        )
        secure = str(config["SecureNamespaceInfo"]["Namespace"])
        suffix = f"{ACCOUNT}-{base36(query[1].id.rsplit('/', 1)[1])}"
        users = {
            str(p["ContainerProvider"]["Info"]["EksInfo"]["Namespace"])
            for _, p in self.of_type("AWS::EMRContainers::VirtualCluster")
        }
        for namespace in sorted({secure} | users):
            account = f"system:serviceaccount:{namespace}:emr-containers-sa-spark-driver-{suffix}"
            self.add(
                "fgac-query-irsa" if namespace == secure else "fgac-query-irsa-user-namespace",
                (f"sa/{namespace}/system-driver", federated[1]),
                "sts:AssumeRoleWithWebIdentity",
                query[1].id,
                because=f"{lid} query engine role from namespace {namespace!r}",
                context={f"{issuer}:sub": account, f"{issuer}:aud": "sts.amazonaws.com"},
                must_allow=namespace == secure,
            )

    def _own_provider(self) -> tuple[str, Who]:
        provider, props = next(iter(self.of_type("AWS::IAM::OIDCProvider")))
        issuer = str(props["Url"]).removeprefix("https://")
        return issuer, (issuer, Principal("Federated", self.r.arn(provider)))

    def chart_accounts(self) -> None:
        """The service accounts of the charts we install (a scheduler needs no AWS access) can
        assume none of the roles that trust the cluster's OIDC provider."""
        providers = list(self.of_type("AWS::IAM::OIDCProvider"))
        trusting = [
            lid
            for lid, role in self.of_type("AWS::IAM::Role")
            if "AssumeRoleWithWebIdentity" in json.dumps(role.get("AssumeRolePolicyDocument"))
        ]
        if len(providers) == 1:
            issuer, (_, federated) = self._own_provider()
        elif not providers and trusting:  # charts on a platform of another stack (a capability's)
            issuer, (_, federated) = self._trusted_provider(self.role(self.r.arn(trusting[0])))
        else:
            return
        for lid, chart in self.of_type("Custom::AWSCDK-EKS-HelmChart"):
            values = json.loads(str(chart.get("Values", "{}")))
            for path, default in _CHART_ACCOUNTS.get(str(chart.get("Chart")), ()):
                found: Any = values
                for key in path:
                    found = found.get(key) if isinstance(found, dict) else None
                account = f"system:serviceaccount:{chart['Namespace']}:{found or default}"
                for role in trusting:
                    self.add(
                        "eks-chart-account-no-role",
                        (f"sa/{account.rsplit(':', 2)[1]}/{found or default}", federated),
                        "sts:AssumeRoleWithWebIdentity",
                        self.r.arn(role),
                        because=f"{lid} installs {account}",
                        context={f"{issuer}:sub": account, f"{issuer}:aud": "sts.amazonaws.com"},
                        must_allow=False,
                    )

    # -- notifications ---------------------------------------------------------------------------
    def _publish(self, kind: str, who: Who, topic: str, source_arn: str) -> None:
        """A service publishing for ``source_arn``, and the same service for another account."""
        because = f"{who[0].split('@')[1]} publishes to {topic}"
        self.for_source(kind, who, "sns:Publish", topic, because=because, source_arn=source_arn)
        key = self.topic_key(topic)
        if key:
            for action in ("kms:GenerateDataKey", "kms:Decrypt"):
                self.add(
                    f"{kind}-kms",
                    who,
                    action,
                    key,
                    because=f"{because}; topic key",
                    context=self.source(source_arn),
                )
            # EventBridge publishing to an encrypted topic cannot be bound to its source in the
            # key policy (SNS documents source conditions there as unsupported for it), so the
            # topic policy, which does bind it, is the gate: no "another account" row on the key.
            if not who[0].startswith("events.amazonaws.com"):
                self.for_source(
                    f"{kind}-kms",
                    who,
                    "kms:GenerateDataKey",
                    key,
                    because=f"{because}; topic key",
                    source_arn=source_arn,
                )

    def notifications(self) -> None:
        topics: set[str] = set()
        for lid, props in self.of_type("AWS::CloudWatch::Alarm"):
            for topic in map(str, props.get("AlarmActions", [])):
                if self.find("AWS::SNS::Topic", topic):
                    topics.add(topic)
                    who = service("cloudwatch.amazonaws.com", lid)
                    self._publish("alarm-publish", who, topic, self.r.arn(lid))
        for lid, props in self.of_type("AWS::Events::Rule"):
            for topic in (str(t["Arn"]) for t in props.get("Targets", [])):
                if self.find("AWS::SNS::Topic", topic):
                    topics.add(topic)
                    who = service("events.amazonaws.com", lid)
                    self._publish("rule-publish", who, topic, self.r.arn(lid))
        for topic in sorted(topics):
            self.add(
                "topic-foreign-role",
                FOREIGN_ROLE,
                "sns:Publish",
                topic,
                because="a role of another account publishes",
                must_allow=False,
            )

    def state_machines(self) -> None:
        for lid, props in self.of_type("AWS::StepFunctions::StateMachine"):
            role = self.role(props["RoleArn"])
            self.trust("states-trust", "states.amazonaws.com", lid, role, "RoleArn")
            definition = json.loads(str(props.get("DefinitionString", "{}")))
            for name, state in definition.get("States", {}).items():
                task, params = str(state.get("Resource", "")), state.get("Parameters", {})
                because = f"{lid} state {name!r}"
                if task.endswith(":sns:publish"):
                    topic = str(params["TopicArn"])
                    self.add("states-publish", role, "sns:Publish", topic, because=because)
                    key = self.topic_key(topic)
                    via = {"kms:ViaService": f"sns.{self.region}.amazonaws.com"}
                    for action in ("kms:GenerateDataKey", "kms:Decrypt") if key else ():
                        self.add(
                            "states-publish-kms",
                            role,
                            action,
                            str(key),
                            because=f"{because} to an encrypted topic",
                            context=via,
                        )
                elif ":elasticmapreduce:addStep" in task:
                    cluster = f"arn:aws:elasticmapreduce:{self.region}:{ACCOUNT}:cluster/"
                    cluster += str(params["ClusterId"])
                    for action in (
                        "elasticmapreduce:AddJobFlowSteps",
                        "elasticmapreduce:DescribeStep",
                    ):
                        self.add("states-emr-step", role, action, cluster, because=because)

    # -- logs ------------------------------------------------------------------------------------
    def flow_logs(self) -> None:
        for lid, props in self.of_type("AWS::EC2::FlowLog"):
            if props.get("LogDestinationType", "cloud-watch-logs") != "cloud-watch-logs":
                continue
            role = self.role(props["DeliverLogsPermissionArn"])
            service_name = "vpc-flow-logs.amazonaws.com"
            self.trust("flow-log-trust", service_name, lid, role, "DeliverLogsPermissionArn")
            group = props["LogGroupName"]
            stream = (
                f"arn:aws:logs:{self.region}:{ACCOUNT}:log-group:{group}:log-stream:eni-0abc-all"
            )
            for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
                self.add("flow-log-write", role, action, stream, because=f"{lid} LogGroupName")

    def encrypted_log_groups(self) -> None:
        for lid, props in self.of_type("AWS::Logs::LogGroup"):
            key = str(props.get("KmsKeyId", ""))
            if key not in self.policies.owned:
                continue
            logs = (lid, Principal("Service", f"logs.{self.region}.amazonaws.com"))
            context = {"kms:EncryptionContext:aws:logs:arn": self.r.arn(lid).removesuffix(":*")}
            for action in ("kms:GenerateDataKey", "kms:Decrypt"):
                self.add(
                    "log-group-key", logs, action, key, because=f"{lid} KmsKeyId", context=context
                )

    def access_logs(self) -> None:
        for lid, props in self.of_type("AWS::S3::Bucket"):
            config = props.get("LoggingConfiguration", {})
            if "DestinationBucketName" not in config:
                continue
            key = f"{config.get('LogFilePrefix', '')}2026-11-23-20-00-00-0123456789ABCDEF"
            obj = f"arn:aws:s3:::{config['DestinationBucketName']}/{key}"
            who = service("logging.s3.amazonaws.com", lid)
            self.for_source(
                "access-log-write",
                who,
                "s3:PutObject",
                obj,
                because=f"{lid} LoggingConfiguration",
                source_arn=self.r.arn(lid),
            )

    # -- Spark History Server ------------------------------------------------------------------
    def _oidc(self, role: Who) -> tuple[str, Who]:
        """The provider ``role`` trusts: this template's own, or (a platform of another stack)
        the one its trust names."""
        if list(self.of_type("AWS::IAM::OIDCProvider")):
            return self._own_provider()
        return self._trusted_provider(role)

    def history_servers(self) -> None:
        """The History Server reads the directory it is configured with and nothing else; it
        cannot write or delete there. Writers rename their ``.inprogress`` files (read, delete).
        Other accounts write only when the bucket names them."""
        for manifest_lid, objects in self._manifests():
            accounts = {
                o["metadata"]["name"]: o for o in objects if o.get("kind") == "ServiceAccount"
            }
            for obj in objects:
                if obj.get("kind") != "Deployment":
                    continue
                pod = obj["spec"]["template"]["spec"]
                account = accounts.get(pod.get("serviceAccountName", ""))
                opts = spark_history_opts(pod)
                directory = opts.get("spark.history.fs.logDirectory")
                if account is None or not directory:
                    continue
                server = self.role(account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"])
                self._server_rows(manifest_lid, server, directory)
                self._irsa_server(manifest_lid, server, account)
        for lid, props in self.of_type("AWS::EMRContainers::JobTemplate"):
            data = props.get("JobTemplateData", {})
            job = self.role(data["ExecutionRoleArn"])
            for classification in data.get("ConfigurationOverrides", {}).get(
                "ApplicationConfiguration", []
            ):
                events = classification.get("Properties", {}).get("spark.eventLog.dir")
                if events:
                    directory = "s3://" + str(events).split("://", 1)[1].rstrip("/")
                    done = directory + "/spark-0000"
                    self.s3(
                        "eks-event-log-directory-key",
                        job,
                        "s3:GetObject",
                        directory,
                        f"{lid} looks up the event-log directory's own key",
                    )
                    for action in ("s3:GetObject", "s3:DeleteObject"):
                        self.s3(
                            "eks-event-log-rename",
                            job,
                            action,
                            done + ".inprogress",
                            f"{lid} renames its event log",
                        )
                    self.add(
                        "eks-event-log-outside",
                        job,
                        "s3:PutObject",
                        s3_arn(done.rsplit("/", 2)[0] + "/elsewhere/spark-0000"),
                        because=f"{lid} writes outside the event-log directory",
                        must_allow=False,
                    )

    def _server_rows(self, lid: str, server: Who, directory: str) -> None:
        uri = "s3://" + directory.split("://", 1)[1].rstrip("/")
        bucket, _, prefix = uri.removeprefix("s3://").partition("/")
        self.s3("shs-read", server, "s3:GetObject", f"{uri}/spark-0000", f"{lid} reads event logs")
        # S3A looks the directory up as a file first: HEAD on the key without the slash.
        self.s3(
            "shs-read-directory-key",
            server,
            "s3:GetObject",
            uri,
            f"{lid} looks up the directory's own key (S3A getFileStatus)",
        )
        self.add(
            "shs-list",
            server,
            "s3:ListBucket",
            f"arn:aws:s3:::{bucket}",
            because=f"{lid} lists the event-log directory",
            context={"s3:prefix": f"{prefix}/"},
        )
        for action in ("s3:PutObject", "s3:DeleteObject"):
            self.add(
                "shs-no-write",
                server,
                action,
                s3_arn(f"{uri}/spark-0000"),
                because=f"{lid} must not write or delete event logs",
                must_allow=False,
            )
        self.add(
            "shs-outside",
            server,
            "s3:GetObject",
            f"arn:aws:s3:::{bucket}/other/x",
            because=f"{lid} reads outside the event-log directory",
            must_allow=False,
        )
        self.add(
            "shs-list-outside",
            server,
            "s3:ListBucket",
            f"arn:aws:s3:::{bucket}",
            because=f"{lid} lists outside the directory",
            context={"s3:prefix": "other/"},
            must_allow=False,
        )
        writers = self._bucket_accounts(bucket)
        for account in sorted(writers):
            writer: Who = (
                f"writer@{account}",
                Principal("AWS", f"arn:aws:iam::{account}:role/jobs"),
            )
            self.add(
                "shs-cross-account-write",
                writer,
                "s3:PutObject",
                s3_arn(f"{uri}/spark-0000.inprogress"),
                because=f"{lid}: account {account} is a writer",
            )
            self.add(
                "shs-cross-account-outside",
                writer,
                "s3:PutObject",
                f"arn:aws:s3:::{bucket}/other/x",
                because=f"{lid}: writer {account} outside the directory",
                must_allow=False,
            )
            key = self.bucket_key(s3_arn(f"{uri}/x"))
            if key:
                self.add(
                    "shs-cross-account-kms",
                    writer,
                    "kms:GenerateDataKey",
                    key,
                    because=f"{lid}: writer {account} encrypts through S3",
                    context={"kms:ViaService": f"s3.{self.region}.amazonaws.com"},
                )
        if OTHER_ACCOUNT not in writers:
            self.add(
                "shs-foreign-write",
                FOREIGN_ROLE,
                "s3:PutObject",
                s3_arn(f"{uri}/spark-0000.inprogress"),
                because=f"{lid}: an account that is not a writer",
                must_allow=False,
            )

    def _irsa_server(self, lid: str, server: Who, account: Mapping[str, Any]) -> None:
        issuer, federated = self._oidc(server)
        namespace = account["metadata"].get("namespace", "default")
        for name, allowed in ((account["metadata"]["name"], True), ("default", False)):
            self.add(
                "shs-irsa" if allowed else "shs-irsa-other-account",
                (f"sa/{namespace}/{name}", federated[1]),
                "sts:AssumeRoleWithWebIdentity",
                server[1].id,
                because=f"{lid} service account {name!r}",
                context={
                    f"{issuer}:sub": f"system:serviceaccount:{namespace}:{name}",
                    f"{issuer}:aud": "sts.amazonaws.com",
                },
                must_allow=allowed,
            )

    def _bucket_accounts(self, bucket: str) -> set[str]:
        """Accounts other than ours that the bucket's policy names as principals."""
        lid = self.find("AWS::S3::Bucket", bucket)
        found: set[str] = set()
        for _, props in self.of_type("AWS::S3::BucketPolicy"):
            if lid is None or str(props.get("Bucket")) not in (self.r.ref(lid), bucket):
                continue
            for statement in props["PolicyDocument"]["Statement"]:
                if statement.get("Effect") != "Allow" or not isinstance(
                    statement.get("Principal"), dict
                ):
                    continue
                for arn in _as_list(statement["Principal"].get("AWS", [])):
                    account = str(arn).split(":")[4] if ":" in str(arn) else str(arn)
                    if re.fullmatch(r"\d{12}", account) and account != ACCOUNT:
                        found.add(account)
        return found

    def _manifests(self) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        for lid, props in self.of_type("Custom::AWSCDK-EKS-KubernetesResource"):
            manifest = props.get("Manifest")
            if isinstance(manifest, str):
                yield lid, json.loads(manifest)

    # -- Hive Metastore (issue 11) -----------------------------------------------------------------
    def _secret_reads(self, kind: str, who: Who, secret: str, because: str) -> None:
        """Reading the database secret: the secret and its key through Secrets Manager."""
        self.add(kind, who, "secretsmanager:GetSecretValue", secret, because=because)
        lid = self.find("AWS::SecretsManager::Secret", secret)
        key = self.props[lid].get("KmsKeyId") if lid else None
        if key:
            via = {"kms:ViaService": f"secretsmanager.{self.region}.amazonaws.com"}
            self.add(f"{kind}-kms", who, "kms:Decrypt", str(key), because=because, context=via)

    def _warehouse(self, kind: str, who: Who, warehouse: str, because: str) -> None:
        """Table files under the warehouse are written and read; files beside it are not."""
        root = "s3://" + warehouse.split("://", 1)[1].rstrip("/")
        table = f"{root}/sales.db/orders/part-00000.parquet"
        for action in ("s3:PutObject", "s3:GetObject", "s3:DeleteObject"):
            self.s3(f"{kind}-warehouse", who, action, table, because)
        # S3A HEADs the prefix's own key (no trailing slash) before mkdirs and getFileStatus.
        self.s3(f"{kind}-warehouse-marker", who, "s3:GetObject", root, because)
        bucket = root.removeprefix("s3://").split("/")[0]
        self.add(
            f"{kind}-outside-warehouse",
            who,
            "s3:PutObject",
            f"arn:aws:s3:::{bucket}/not-the-warehouse/x",
            because=f"{because}: outside the warehouse prefix",
            must_allow=False,
        )

    def metastores(self) -> None:
        """The metastore's role reads the database secret and the warehouse; jobs of a team
        with a sidecar read the secret too; every job that uses a metastore reads and writes
        the warehouse, and a job of an in-cluster or external metastore never the secret."""
        objects = [obj for _, manifest in self._manifests() for obj in manifest]
        secrets: dict[str, str] = {}
        for obj in objects:
            if obj.get("kind") == "SecretProviderClass":
                entries = json.loads(obj["spec"]["parameters"]["objects"])
                secrets[obj["metadata"]["namespace"]] = str(entries[0]["objectName"])
        warehouses = {
            obj["metadata"]["namespace"]: obj["data"]["HIVE_METASTORE_WAREHOUSE_DIR"]
            for obj in objects
            if obj.get("kind") == "ConfigMap" and "HIVE_METASTORE_WAREHOUSE_DIR" in obj["data"]
        }
        for lid, props in self.of_type("AWS::EKS::PodIdentityAssociation"):
            namespace = str(props["Namespace"])
            if namespace not in secrets or props["ServiceAccount"] != "hive-metastore":
                continue
            role = self.role(props["RoleArn"])
            pods = service("pods.eks.amazonaws.com", lid)
            # The session tags EKS Pod Identity sets for this association, from this account.
            tags = {
                "aws:SourceAccount": ACCOUNT,
                "aws:RequestTag/eks-cluster-name": str(props["ClusterName"]),
                "aws:RequestTag/kubernetes-namespace": namespace,
                "aws:RequestTag/kubernetes-service-account": str(props["ServiceAccount"]),
            }
            for action in ("sts:AssumeRole", "sts:TagSession"):
                self.add(
                    "hms-pod-identity",
                    pods,
                    action,
                    role[1].id,
                    because=f"{lid} RoleArn",
                    context=tags,
                )
            # Another namespace's pods (another association) may not use the metastore's role.
            self.add(
                "hms-pod-identity-other-namespace",
                pods,
                "sts:AssumeRole",
                role[1].id,
                because=f"{lid} RoleArn, from namespace 'default'",
                context={**tags, "aws:RequestTag/kubernetes-namespace": "default"},
                must_allow=False,
            )
            because = f"metastore of namespace {namespace!r}"
            self._secret_reads("hms-role-secret", role, secrets[namespace], because)
            self._warehouse("hms-role", role, warehouses[namespace], because)
        namespaces = {
            self.r.arn(vc): str(p["ContainerProvider"]["Info"]["EksInfo"]["Namespace"])
            for vc, p in self.of_type("AWS::EMRContainers::VirtualCluster")
        }
        for lid, props in self.of_type("AWS::EMRContainers::JobTemplate"):
            data = props["JobTemplateData"]
            job = self.role(data["ExecutionRoleArn"])
            for item in data.get("ConfigurationOverrides", {}).get("ApplicationConfiguration", []):
                warehouse = item.get("Properties", {}).get("spark.sql.warehouse.dir")
                if item["Classification"] != "spark-defaults" or not warehouse:
                    continue
                self._warehouse("hms-job", job, str(warehouse), f"{lid} spark.sql.warehouse.dir")
                uri = item["Properties"].get("spark.hadoop.hive.metastore.uris", "")
                team = {
                    ns for vc, ns in namespaces.items() if vc == str(data.get("VirtualClusterId"))
                }
                sidecar = str(uri).startswith("thrift://localhost:")
                for secret in sorted(set(secrets.values())):
                    if sidecar:
                        self._secret_reads("hms-sidecar-secret", job, secret, f"{lid} sidecar")
                    else:
                        self.add(
                            "hms-job-secret",
                            job,
                            "secretsmanager:GetSecretValue",
                            secret,
                            because=f"{lid} jobs of an in-cluster or external metastore {team}",
                            must_allow=False,
                        )
        for secret in sorted(set(secrets.values())):
            self.add(
                "hms-secret-foreign",
                FOREIGN_ROLE,
                "secretsmanager:GetSecretValue",
                secret,
                because="a role of another account reads the metastore's database secret",
                must_allow=False,
            )


#: Service accounts of the Helm charts we install, by chart: (values key path, chart default).
_CHART_ACCOUNTS = {
    # The driver's account name is fixed by its chart; the AWS provider's is set by the library.
    "secrets-store-csi-driver": ((("rbac", "serviceAccountName"), "secrets-store-csi-driver"),),
    "secrets-store-csi-driver-provider-aws": (
        (("rbac", "serviceAccountName"), "csi-secrets-store-provider-aws"),
    ),
    "yunikorn": (
        (("serviceAccount",), "yunikorn-admin"),
        (("admissionController", "serviceAccount"), "yunikorn-admission-controller"),
    ),
}


#: ``aws s3 cp <source> <target>`` in a step's shell command.
_S3_COPY = re.compile(r"aws s3 cp (\S+) (\S+)")
#: SDK calls of AwsCustomResources we make: (service, action) -> (IAM action, resource ARN form).
_SDK_TARGETS = {
    ("emr", "listInstances"): (
        "elasticmapreduce:ListInstances",
        "arn:aws:elasticmapreduce:{region}:{account}:cluster/{ClusterId}",
    ),
}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _monitoring(job_template_data: Mapping[str, Any]) -> dict[str, Any]:
    overrides = job_template_data.get("ConfigurationOverrides", {})
    monitoring: dict[str, Any] = overrides.get("MonitoringConfiguration", {})
    return monitoring


def stack_access(
    stack: str,
    template: Mapping[str, Any],
    region: str,
    others: Mapping[str, Mapping[str, Any]] | None = None,
) -> StackAccess:
    """The access matrix of one synthesized template: its rows, policies and resolver.

    ``others``: the app's other templates by stack name, for values this one imports.
    """
    rows = _Rows(stack, template, region, others)
    _add_other_stacks_resource_policies(rows, region, others or {})
    rows.emr_clusters()
    rows.job_templates()
    rows.sdk_calls()
    rows.template_runs()
    rows.chart_accounts()
    rows.notifications()
    rows.state_machines()
    rows.flow_logs()
    rows.encrypted_log_groups()
    rows.access_logs()
    rows.lake_formation()
    rows.history_servers()
    rows.metastores()
    return StackAccess(stack, rows.r, rows.policies, rows.rows)


def _add_other_stacks_resource_policies(
    rows: _Rows, region: str, others: Mapping[str, Mapping[str, Any]]
) -> None:
    """Buckets, keys and topics of the app's other stacks keep their own policies here, so a
    request on an imported bucket is judged by its bucket policy too (and a foreign reader is
    refused), not by identity policies alone."""
    for name, other in others.items():
        if name == rows.stack:
            continue
        theirs = template_policies(Resolver(other, name, region))
        for arn in theirs.owned - theirs.roles - rows.policies.owned:
            rows.policies.owned.add(arn)
            rows.policies.resource[arn].extend(theirs.resource.get(arn, []))
            if arn in theirs.policy_required:
                rows.policies.policy_required.add(arn)
