"""CloudFormation values resolved symbolically, and the policies a template puts on its resources.

Every resource gets one stable placeholder (``<LogicalId>``) and ARNs built from its type, so the
same bucket, key or role is the same string in an identity policy, a bucket policy and a job
template. Pseudo parameters become fixed values (account ``111111111111``, the stack's region).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.access.evaluator import ACCOUNT, Policy

DEFAULT_REGION = "us-east-1"
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class Resolver:
    """Resolves intrinsics of one template to plain strings, lists and dicts."""

    def __init__(
        self,
        template: Mapping[str, Any],
        stack_name: str,
        region: str,
        others: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.resources: Mapping[str, Any] = template.get("Resources", {})
        self.parameters: Mapping[str, Any] = template.get("Parameters", {})
        self.stack_name = stack_name
        self.region = region
        self.account = ACCOUNT
        #: Templates of the other stacks of the app, by stack name: a value one of them exports
        #: (``Fn::GetStackOutput``, ``Fn::ImportValue``) resolves to what it is there, so a bucket
        #: of another stack has the same name in a URI and in an ARN.
        self.others: Mapping[str, Mapping[str, Any]] = others or {}

    def _output(self, stack_name: str, output_name: str) -> Any:
        """The resolved value of another stack's output, or ``None`` when it is not known."""
        template = self.others.get(stack_name)
        output = (template or {}).get("Outputs", {}).get(output_name)
        if template is None or output is None:
            return None
        return Resolver(template, stack_name, self.region).resolve(output["Value"])

    def _export(self, export_name: str) -> Any:
        for stack_name, template in self.others.items():
            for output_name, output in template.get("Outputs", {}).items():
                if output.get("Export", {}).get("Name") == export_name:
                    return self._output(stack_name, output_name)
        return None

    # -- physical names and ARNs, by resource type --------------------------------------------
    def _props(self, logical_id: str) -> Mapping[str, Any]:
        props: Mapping[str, Any] = self.resources.get(logical_id, {}).get("Properties", {})
        return props

    def _type(self, logical_id: str) -> str:
        return str(self.resources.get(logical_id, {}).get("Type", ""))

    def name(self, logical_id: str) -> str:
        """The physical name: the template's explicit name property, else ``<LogicalId>``."""
        props = self._props(logical_id)
        for key in ("RoleName", "BucketName", "LogGroupName", "TopicName", "Name", "FunctionName"):
            if key in props and self._type(logical_id) != "AWS::EMR::Cluster":
                return str(self.resolve(props[key]))
        return f"<{logical_id}>"

    def ref(self, logical_id: str) -> str:
        pseudo = {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.stack_name,
        }
        if logical_id in pseudo:
            return pseudo[logical_id]
        if logical_id in self.parameters:
            return str(self.parameters[logical_id].get("Default", f"<{logical_id}>"))
        kind = self._type(logical_id)
        if kind in ("AWS::SNS::Topic", "AWS::IAM::ManagedPolicy", "AWS::IAM::OIDCProvider"):
            return self.arn(logical_id)
        if kind == "AWS::EMR::Cluster":
            return f"j-<{logical_id}>"
        return self.name(logical_id)

    def arn(self, logical_id: str) -> str:
        kind, name = self._type(logical_id), self.name(logical_id)
        if kind in ("AWS::IAM::Role", "AWS::IAM::InstanceProfile"):
            path = str(self._props(logical_id).get("Path", "/"))
            noun = "role" if kind == "AWS::IAM::Role" else "instance-profile"
            return f"arn:aws:iam::{self.account}:{noun}{path}{name}"
        if kind == "AWS::IAM::OIDCProvider":
            url = str(self.resolve(self._props(logical_id)["Url"]))
            return f"arn:aws:iam::{self.account}:oidc-provider/{url.removeprefix('https://')}"
        if kind == "AWS::EMR::Cluster":
            name = self.ref(logical_id)
        default = f"{kind.split('::')[1].lower()}:{{where}}:{kind.rsplit('::', 1)[-1].lower()}/"
        form = _ARN_FORMS.get(kind, f"arn:aws:{default}{{name}}")
        return form.format(where=f"{self.region}:{self.account}", account=self.account, name=name)

    def get_att(self, logical_id: str, attribute: str) -> str:
        kind = self._type(logical_id)
        if attribute == "Arn" or (kind == "AWS::SNS::Topic" and attribute == "TopicArn"):
            return self.arn(logical_id)
        if kind == "AWS::EKS::Cluster" and attribute == "OpenIdConnectIssuerUrl":
            return f"https://oidc.eks.{self.region}.amazonaws.com/id/<{logical_id}>"
        return f"<{logical_id}.{attribute}>"

    # -- intrinsics --------------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:  # noqa: PLR0911 - one branch per intrinsic
        if isinstance(value, list):
            return [r for r in (self.resolve(v) for v in value) if r is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {k: self.resolve(v) for k, v in value.items()}
        ((fn, arg),) = value.items()
        if fn == "Ref":
            return _NO_VALUE if arg == "AWS::NoValue" else self.ref(arg)
        if fn == "Fn::GetAtt":
            logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return self.get_att(logical_id, attribute)
        if fn == "Fn::Join":
            separator, parts = arg
            return str(separator).join(str(p) for p in self.resolve(parts))
        if fn == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else arg
            resolved = {k: str(self.resolve(v)) for k, v in variables.items()}
            return _SUB_VARIABLE.sub(lambda m: self._sub_variable(m.group(1), resolved), text)
        if fn == "Fn::Select":
            index, items = arg
            return self.resolve(items)[int(self.resolve(index))]
        if fn == "Fn::Split":
            separator, text = arg
            return str(self.resolve(text)).split(separator)
        if fn == "Fn::GetStackOutput":
            found = self._output(str(self.resolve(arg["StackName"])), arg["OutputName"])
            return found if found is not None else f"<{arg['StackName']}.{arg['OutputName']}>"
        if fn == "Fn::ImportValue":
            found = self._export(str(self.resolve(arg)))
            return found if found is not None else f"<import {self.resolve(arg)}>"
        if fn == "Fn::If":  # conditions are taken as true: the fuller policy is the one checked
            return self.resolve(arg[1])
        if fn == "Fn::Base64":
            return self.resolve(arg)
        if fn == "Fn::GetAZs":
            return [f"{self.region}a", f"{self.region}b"]
        return {fn: self.resolve(arg)}

    def _sub_variable(self, name: str, variables: Mapping[str, str]) -> str:
        if name in variables:
            return variables[name]
        if "." in name:
            logical_id, attribute = name.split(".", 1)
            return self.get_att(logical_id, attribute)
        return self.ref(name)


#: ARN forms by resource type; ``{where}`` is ``region:account``.
_ARN_FORMS = {
    "AWS::S3::Bucket": "arn:aws:s3:::{name}",
    "AWS::IAM::ManagedPolicy": "arn:aws:iam::{account}:policy/{name}",
    # CloudFormation's Arn attribute of a log group ends in ':*'
    "AWS::Logs::LogGroup": "arn:aws:logs:{where}:log-group:{name}:*",
    "AWS::SNS::Topic": "arn:aws:sns:{where}:{name}",
    "AWS::KMS::Key": "arn:aws:kms:{where}:key/{name}",
    "AWS::CloudWatch::Alarm": "arn:aws:cloudwatch:{where}:alarm:{name}",
    "AWS::Events::Rule": "arn:aws:events:{where}:rule/{name}",
    "AWS::EMR::Cluster": "arn:aws:elasticmapreduce:{where}:cluster/{name}",
    "AWS::EMRContainers::VirtualCluster": "arn:aws:emr-containers:{where}:/virtualclusters/{name}",
    "AWS::EMRContainers::JobTemplate": "arn:aws:emr-containers:{where}:/jobtemplates/{name}",
    "AWS::EC2::FlowLog": "arn:aws:ec2:{where}:vpc-flow-log/{name}",
    "AWS::StepFunctions::StateMachine": "arn:aws:states:{where}:stateMachine:{name}",
    "AWS::Lambda::Function": "arn:aws:lambda:{where}:function:{name}",
    "AWS::EKS::Cluster": "arn:aws:eks:{where}:cluster/{name}",
}


class _NoValue:
    pass


_NO_VALUE: Any = _NoValue()


# --- the policies of a template ----------------------------------------------------------------


@dataclass
class TemplatePolicies:
    """Identity policies by role ARN and resource policies by resource ARN, all resolved."""

    identity: dict[str, list[Policy]] = field(default_factory=lambda: defaultdict(list))
    resource: dict[str, list[Policy]] = field(default_factory=lambda: defaultdict(list))
    #: AWS managed policies attached to a role: outside the templates, so not evaluated.
    managed: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: Resources whose own policy decides even in the same account (keys, role trusts).
    policy_required: set[str] = field(default_factory=set)
    #: Every bucket, topic, key and role the template defines (their account is ours).
    owned: set[str] = field(default_factory=set)
    #: The roles among them (their resource policy is the trust policy).
    roles: set[str] = field(default_factory=set)

    def resource_policies(self, arn: str) -> list[Policy] | None:
        """The policies that govern ``arn``: its bucket's, topic's, key's or role's (trust).

        ``None`` when the resource is not defined in the template (public or bootstrap buckets).
        """
        owner = self.owner_of(arn)
        if owner is None:
            return None
        return self.resource.get(owner, [])

    def owner_of(self, arn: str) -> str | None:
        if arn in self.owned:
            return arn
        if arn.startswith("arn:aws:s3:::"):
            bucket = "arn:aws:s3:::" + arn.removeprefix("arn:aws:s3:::").split("/", 1)[0]
            return bucket if bucket in self.owned else None
        return None


def _policy_documents(logical_id: str, props: Mapping[str, Any]) -> Iterator[Policy]:
    for policy in props.get("Policies", []):
        yield Policy.from_document(
            f"{logical_id} inline {policy.get('PolicyName', '')}".strip(), policy["PolicyDocument"]
        )


def template_policies(resolver: Resolver) -> TemplatePolicies:
    """Every identity and resource policy of a template, resolved."""
    found = TemplatePolicies()
    role_arn_by_name: dict[str, str] = {}
    managed_by_arn: dict[str, Policy] = {}
    resources = resolver.resources
    for logical_id, resource in resources.items():
        kind = resource["Type"]
        if kind in ("AWS::S3::Bucket", "AWS::SNS::Topic", "AWS::KMS::Key", "AWS::IAM::Role"):
            found.owned.add(resolver.arn(logical_id))
        if kind in ("AWS::SecretsManager::Secret", "AWS::SecretsManager::SecretTargetAttachment"):
            # A secret of the template (an attachment's Ref is its secret's ARN): its resource
            # policy, when it has none, admits no other account.
            found.owned.add(resolver.ref(logical_id))
        if kind == "AWS::IAM::ManagedPolicy":
            props = resolver.resolve(resource.get("Properties", {}))
            managed_by_arn[resolver.arn(logical_id)] = Policy.from_document(
                logical_id, props["PolicyDocument"]
            )
    for logical_id, resource in resources.items():
        kind = resource["Type"]
        props = resolver.resolve(resource.get("Properties", {}))
        if kind == "AWS::IAM::Role":
            arn = resolver.arn(logical_id)
            role_arn_by_name[resolver.name(logical_id)] = arn
            found.identity[arn].extend(_policy_documents(logical_id, props))
            for policy_arn in props.get("ManagedPolicyArns", []):
                if policy_arn in managed_by_arn:
                    found.identity[arn].append(managed_by_arn[policy_arn])
                else:
                    found.managed[arn].append(str(policy_arn))
            found.resource[arn].append(
                Policy.from_document(f"{logical_id} trust", props["AssumeRolePolicyDocument"])
            )
            found.policy_required.add(arn)
            found.roles.add(arn)
        elif kind == "AWS::KMS::Key":
            arn = resolver.arn(logical_id)
            found.resource[arn].append(
                Policy.from_document(f"{logical_id} key policy", props["KeyPolicy"])
            )
            found.policy_required.add(arn)
        elif kind == "AWS::S3::BucketPolicy":
            found.resource[f"arn:aws:s3:::{props['Bucket']}"].append(
                Policy.from_document(logical_id, props["PolicyDocument"])
            )
        elif kind == "AWS::LakeFormation::PrincipalPermissions":
            arn = lake_formation_arn(resolver.region, props["Resource"])
            who = str(props["Principal"]["DataLakePrincipalIdentifier"])
            found.resource[arn].append(
                Policy.from_document(
                    logical_id,
                    {
                        "Statement": {
                            "Effect": "Allow",
                            "Principal": {"AWS": who},
                            "Action": [f"lakeformation:{p}" for p in props["Permissions"]],
                            "Resource": arn,
                        }
                    },
                )
            )
            found.owned.add(arn)
            found.policy_required.add(arn)
        elif kind == "AWS::SNS::TopicPolicy":
            for topic in props["Topics"]:
                found.resource[topic].append(
                    Policy.from_document(logical_id, props["PolicyDocument"])
                )
    for logical_id, resource in resources.items():
        kind = resource["Type"]
        if kind not in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            continue
        props = resolver.resolve(resource.get("Properties", {}))
        policy = (
            managed_by_arn[resolver.arn(logical_id)]
            if kind == "AWS::IAM::ManagedPolicy"
            else Policy.from_document(logical_id, props["PolicyDocument"])
        )
        for role_name in props.get("Roles", []):
            if role_name in role_arn_by_name:
                found.identity[role_arn_by_name[role_name]].append(policy)
    return found


def lake_formation_arn(region: str, resource: Mapping[str, Any]) -> str:
    """A Lake Formation grant target as an ARN-like string, so that grants are resource policies.

    Lake Formation has no ARNs for catalog objects; these strings only have to be the same for a
    grant and for a row that asks for the same database, table or data cell filter.
    """
    if "Database" in resource:
        db = resource["Database"]
        return f"arn:aws:lakeformation:{region}:{db['CatalogId']}:database/{db['Name']}"
    if "Table" in resource:
        table = resource["Table"]
        name = table.get("Name", "*")
        return (
            f"arn:aws:lakeformation:{region}:{table['CatalogId']}:table/"
            f"{table['DatabaseName']}/{name}"
        )
    if "DataCellsFilter" in resource:
        cells = resource["DataCellsFilter"]
        return (
            f"arn:aws:lakeformation:{region}:{cells['TableCatalogId']}:filter/"
            f"{cells['DatabaseName']}/{cells['TableName']}/{cells['Name']}"
        )
    raise NotImplementedError(f"Lake Formation resource {sorted(resource)} is not modelled")


def s3_arn(uri: str) -> str:
    """``s3://bucket/key`` as the object's ARN."""
    if not uri.startswith("s3://"):
        raise ValueError(f"not an S3 URI: {uri!r}")
    return "arn:aws:s3:::" + uri.removeprefix("s3://")


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
