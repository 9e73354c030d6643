"""The event-log store, the History Server and its private access, on one synthesized stack."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template

from emr_burst.core import rules, versions
from emr_burst.core.errors import EmrBurstError
from emr_burst.emr_eks import AutoModeCompute, EmrEksPlatform, NodeGroupCompute, SparkTeam
from emr_burst.observability import (
    AlbProvider,
    ClientVpn,
    PrivateAccess,
    SparkEventLogs,
    SparkHistoryServer,
)
from emr_burst.observability import manifests as m
from emr_burst.observability.event_logs import normalised
from tests.harness.checks import NAG_PACKS, flatten_named, manifest_errors, nag_findings
from tests.unit.emr_eks.eks_app import imported_platform, layer, new_stack, vpc
from tests.unit.observability.shs_app import OTHER_ACCOUNT, VPC_CIDR, ShsApp, shs_app


@pytest.fixture(scope="module")
def app() -> ShsApp:
    return shs_app()


def _deployment(app: ShsApp) -> dict[str, Any]:
    return next(o for o in app.manifests() if o["kind"] == "Deployment")


def _history_opts(app: ShsApp) -> dict[str, str]:
    env = {
        e["name"]: e["value"]
        for e in _deployment(app)["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    opts = {}
    for item in env["SPARK_HISTORY_OPTS"].split(" "):
        key, _, value = item.removeprefix("-D").partition("=")
        opts[key] = value
    return opts


def _job_spark_conf(app: ShsApp) -> list[dict[str, str]]:
    confs = []
    for resource in app.resources("AWS::EMRContainers::JobTemplate").values():
        overrides = resource["Properties"]["JobTemplateData"]["ConfigurationOverrides"]
        for item in overrides["ApplicationConfiguration"]:
            if item["Classification"] == "spark-defaults":
                confs.append({k: flatten_named(v) for k, v in item["Properties"].items()})
    return confs


def _statements(app: ShsApp, role_logical_id_part: str) -> list[dict[str, Any]]:
    found = []
    for policy in app.resources("AWS::IAM::ManagedPolicy").values():
        roles = json.dumps(policy["Properties"].get("Roles", []))
        if role_logical_id_part in roles:
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


# --- the path the server reads is the path jobs write ---------------------------------------


def test_jobs_write_exactly_where_the_server_reads(app: ShsApp) -> None:
    reader = _history_opts(app)["spark.history.fs.logDirectory"]
    assert reader.startswith("s3a://")
    confs = _job_spark_conf(app)
    assert len(confs) == 2  # one default job template per producer
    for conf in confs:
        assert conf["spark.eventLog.enabled"] == "true"
        writer = conf["spark.eventLog.dir"]
        assert writer.startswith("s3://")
        assert normalised(writer) == normalised(reader)
        bucket, key = normalised(writer)
        assert bucket == "<EventLogsBucketEA9BF684>"
        assert key == "spark-events/"


def test_normalised_drops_only_the_scheme() -> None:
    assert normalised("s3://b/spark-events/") == normalised("s3a://b/spark-events/")
    assert normalised("s3://b/spark-events/") != normalised("s3a://b/spark-events/x/")
    with pytest.raises(ValueError, match="not an s3"):
        normalised("hdfs://b/spark-events/")


def test_container_logs_stay_out_of_the_event_log_directory(app: ShsApp) -> None:
    for resource in app.resources("AWS::EMRContainers::JobTemplate").values():
        monitoring = resource["Properties"]["JobTemplateData"]["ConfigurationOverrides"][
            "MonitoringConfiguration"
        ]
        log_uri = flatten_named(monitoring["S3MonitoringConfiguration"]["LogUri"])
        assert "EventLogsBucket" not in log_uri
        assert "spark-events" not in log_uri


def test_emr_on_ec2_gets_the_same_spark_defaults(app: ShsApp) -> None:
    conf = app.logs.emr_ec2_configurations()["spark-defaults"]
    resolved = app.stack.resolve(conf["spark.eventLog.dir"])
    assert normalised(flatten_named(resolved)) == normalised(
        _history_opts(app)["spark.history.fs.logDirectory"]
    )


# --- the store -------------------------------------------------------------------------------


def test_store_is_encrypted_private_owner_enforced_and_retained(app: ShsApp) -> None:
    app.template.has_resource(
        "AWS::S3::Bucket",
        {
            "Properties": Match.object_like(
                {
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            Match.object_like(
                                {
                                    "ServerSideEncryptionByDefault": {
                                        "SSEAlgorithm": "aws:kms",
                                        "KMSMasterKeyID": Match.any_value(),
                                    }
                                }
                            )
                        ]
                    },
                    "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                    "PublicAccessBlockConfiguration": Match.object_like(
                        {"BlockPublicAcls": True, "RestrictPublicBuckets": True}
                    ),
                    "LifecycleConfiguration": {
                        "Rules": [
                            Match.object_like(
                                {
                                    "Prefix": "spark-events/",
                                    "ExpirationInDays": 90,
                                    "ObjectSizeGreaterThan": "0",
                                    "Status": "Enabled",
                                }
                            )
                        ]
                    },
                }
            ),
            "DeletionPolicy": "Retain",
        },
    )


def test_directory_marker_is_written_once(app: ShsApp) -> None:
    (marker,) = app.resources("Custom::AWS").values()
    create = json.loads(flatten_named(marker["Properties"]["Create"]))
    assert create["action"] == "putObject"
    assert create["parameters"]["Key"] == "spark-events/"


def test_other_account_writes_only_through_bucket_and_key_policies(app: ShsApp) -> None:
    (policy,) = [
        p
        for p in app.resources("AWS::S3::BucketPolicy").values()
        if "EventLogsBucketEA9BF684" in json.dumps(p["Properties"]["Bucket"])
    ]
    statements = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if OTHER_ACCOUNT in json.dumps(s.get("Principal", {}))
    ]
    by_resource = {flatten_named(s["Resource"]): sorted(_list(s["Action"])) for s in statements}
    bucket = "<EventLogsBucketEA9BF684.Arn>"
    assert by_resource == {
        f"{bucket}/spark-events/*": sorted(
            ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
        ),
        f"{bucket}/spark-events": ["s3:GetObject"],
        bucket: ["s3:ListBucket"],
    }
    key = next(r for k, r in app.resources("AWS::KMS::Key").items() if k.startswith("EventLogsKey"))
    grants = [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if OTHER_ACCOUNT in json.dumps(s.get("Principal", {}))
    ]
    assert len(grants) == 1
    assert sorted(_list(grants[0]["Action"])) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert "kms:ViaService" in json.dumps(grants[0]["Condition"])


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_writers_may_write_and_rename_in_the_directory_only(app: ShsApp) -> None:
    for part in ("DatascienceClusterV", "Ec2Nodes"):
        statements = _statements(app, part) if part != "Ec2Nodes" else _inline(app, part)
        writes = [
            s
            for s in statements
            if "s3:PutObject" in _list(s["Action"]) and "EventLogsBucket" in json.dumps(s)
        ]
        assert writes, part
        for s in writes:
            assert flatten_named(s["Resource"]).endswith("/spark-events/*")
            assert "s3:DeleteObject" in _list(s["Action"])


def _inline(app: ShsApp, part: str) -> list[dict[str, Any]]:
    found = []
    for policy in app.resources("AWS::IAM::Policy").values():
        if part in json.dumps(policy["Properties"].get("Roles", [])):
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


# --- the server ------------------------------------------------------------------------------


def test_server_role_is_read_only(app: ShsApp) -> None:
    statements = _statements(app, "HistoryServerRole")
    actions = sorted({a for s in statements for a in _list(s["Action"])})
    assert actions == ["kms:Decrypt", "s3:GetObject", "s3:ListBucket"]
    listing = next(s for s in statements if s["Action"] == "s3:ListBucket")
    assert listing["Condition"] == {
        "StringLike": {"s3:prefix": ["spark-events/", "spark-events/*"]}
    }


def _object_resources(statements: list[dict[str, Any]], action: str) -> list[str]:
    return sorted(
        flatten_named(resource)
        for s in statements
        if action in _list(s["Action"]) and "EventLogsBucket" in json.dumps(s["Resource"])
        for resource in _list(s["Resource"])
    )


def test_readers_and_writers_may_read_the_directory_key_s3a_looks_up(app: ShsApp) -> None:
    bucket = "<EventLogsBucketEA9BF684.Arn>"
    expected = [f"{bucket}/spark-events", f"{bucket}/spark-events/*"]
    server = _statements(app, "HistoryServerRole")
    assert _object_resources(server, "s3:GetObject") == expected
    writer = _statements(app, "DatascienceClusterV")
    assert _object_resources(writer, "s3:GetObject") == expected
    # Only a read on the exact key: no write or delete of the directory itself.
    assert _object_resources(writer, "s3:PutObject") == [f"{bucket}/spark-events/*"]
    assert _object_resources(writer, "s3:DeleteObject") == [f"{bucket}/spark-events/*"]


def test_server_role_trusts_only_its_service_account(app: ShsApp) -> None:
    role = next(
        r for k, r in app.resources("AWS::IAM::Role").items() if k.startswith("HistoryServerRole")
    )
    trust = json.loads(flatten_named(role["Properties"]["AssumeRolePolicyDocument"]))
    (statement,) = trust["Statement"]
    condition = statement["Condition"]["StringEquals"]
    subjects = [v for k, v in condition.items() if k.endswith(":sub")]
    audiences = [v for k, v in condition.items() if k.endswith(":aud")]
    assert subjects == ["system:serviceaccount:spark-history:spark-history-server"]
    assert audiences == ["sts.amazonaws.com"]


def test_deployment_is_pinned_non_root_read_only_and_schema_valid(app: ShsApp) -> None:
    deployment = _deployment(app)
    pod = deployment["spec"]["template"]["spec"]
    assert deployment["metadata"]["namespace"] == "spark-history"
    assert pod["securityContext"]["runAsNonRoot"] is True
    for container in pod["containers"] + pod["initContainers"]:
        assert container["image"] == versions.SPARK_HISTORY_IMAGE
        assert "@sha256:" in container["image"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    server = pod["containers"][0]
    assert server["readinessProbe"]["httpGet"]["port"] == "http"
    assert server["resources"]["limits"] == server["resources"]["requests"]
    script = pod["initContainers"][0]["command"][2]
    assert versions.HADOOP_AWS_SHA1 in script
    assert versions.AWS_JAVA_SDK_BUNDLE_SHA1 in script
    for obj in app.manifests():
        assert manifest_errors(obj, versions.DEFAULT_KUBERNETES_VERSION) == [], obj["kind"]


def test_jar_download_streams_and_checks_every_jar(tmp_path: Any) -> None:
    """The init container's script, run here against local files: it hashes while it writes,
    never reads a whole jar at once, and removes a jar whose checksum is wrong."""
    good = tmp_path / "src" / "good.jar"
    bad = tmp_path / "src" / "bad.jar"
    good.parent.mkdir()
    payload = b"x" * (3 * m.DOWNLOAD_CHUNK + 17)
    good.write_bytes(payload)
    bad.write_bytes(b"tampered")
    out = tmp_path / "jars"
    out.mkdir()
    script = m.fetch_jars_script([(good.as_uri(), hashlib.sha1(payload).hexdigest())], str(out))
    assert ".read()" not in script
    assert f".read({m.DOWNLOAD_CHUNK})" in script
    exec(compile(script, "fetch", "exec"), {})
    assert (out / "good.jar").read_bytes() == payload
    script = m.fetch_jars_script([(bad.as_uri(), "0" * 40)], str(out))
    with pytest.raises(SystemExit, match="checksum mismatch"):
        exec(compile(script, "fetch", "exec"), {})
    assert not (out / "bad.jar").exists()
    volumes = {v["name"]: v for v in _deployment_spec()["volumes"]}
    assert volumes["jars"]["emptyDir"]["sizeLimit"] == "1Gi"


def _deployment_spec() -> dict[str, Any]:
    settings = m.ServerSettings("s3a://b/spark-events/", "us-east-1", (), None, False)
    spec: dict[str, Any] = m.deployment(settings)["spec"]["template"]["spec"]
    return spec


def test_server_reads_with_web_identity_compaction_and_cleaner_off_no_acls(app: ShsApp) -> None:
    opts = _history_opts(app)
    assert (
        opts["spark.hadoop.fs.s3a.aws.credentials.provider"] == versions.S3A_WEB_IDENTITY_PROVIDER
    )
    assert opts["spark.history.fs.cleaner.enabled"] == "false"
    assert "spark.history.fs.eventLog.rolling.maxFilesToRetain" not in opts
    # No authentication filter, so no ACLs that would claim a protection they do not give.
    assert not any(key.startswith("spark.history.ui.acls") for key in opts)
    assert "spark.ui.filters" not in opts
    account = next(o for o in app.manifests() if o["kind"] == "ServiceAccount")
    assert "HistoryServerRole" in account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]


# --- private access --------------------------------------------------------------------------


def test_ingress_is_internal_https_443_only_with_the_private_certificate(app: ShsApp) -> None:
    ingress = next(o for o in app.manifests() if o["kind"] == "Ingress")
    notes = ingress["metadata"]["annotations"]
    assert json.loads(notes["alb.ingress.kubernetes.io/listen-ports"]) == [{"HTTPS": 443}]
    assert notes["alb.ingress.kubernetes.io/scheme"] == "internal"
    assert notes["alb.ingress.kubernetes.io/inbound-cidrs"] == VPC_CIDR
    assert "HistoryServerCertificate" in notes["alb.ingress.kubernetes.io/certificate-arn"]
    assert ingress["spec"]["rules"][0]["host"] == "spark-history-server.example.internal"
    classes = {o["kind"]: o for o in app.manifests() if o["kind"].startswith("IngressClass")}
    assert classes["IngressClass"]["spec"]["controller"] == "eks.amazonaws.com/alb"
    assert classes["IngressClassParams"]["spec"]["scheme"] == "internal"
    (certificate,) = classes["IngressClassParams"]["spec"]["certificateARNs"]
    assert "HistoryServerCertificate" in certificate
    subnets = classes["IngressClassParams"]["spec"]["subnets"]["ids"]
    assert subnets == ["<VpcPrivateSubnet1Subnet536B997A>", "<VpcPrivateSubnet2Subnet3788AAA1>"]


def test_certificate_comes_from_an_activated_private_ca(app: ShsApp) -> None:
    app.template.has_resource_properties(
        "AWS::CertificateManager::Certificate",
        {
            "DomainName": "spark-history-server.example.internal",
            "CertificateAuthorityArn": {"Fn::GetAtt": [Match.string_like_regexp("RootCa"), "Arn"]},
        },
    )
    app.template.has_resource_properties(
        "AWS::ACMPCA::CertificateAuthorityActivation", {"Status": "ACTIVE"}
    )
    app.template.has_resource_properties(
        "AWS::ACMPCA::CertificateAuthority", {"Type": "ROOT", "UsageMode": "GENERAL_PURPOSE"}
    )


def test_acm_may_renew_certificates_of_the_created_ca(app: ShsApp) -> None:
    (permission,) = app.resources("AWS::ACMPCA::Permission").values()
    props = permission["Properties"]
    assert props["Principal"] == "acm.amazonaws.com"
    assert sorted(props["Actions"]) == ["GetCertificate", "IssueCertificate", "ListPermissions"]
    (ca,) = app.resources("AWS::ACMPCA::CertificateAuthority")
    assert props["CertificateAuthorityArn"] == {"Fn::GetAtt": [ca, "Arn"]}


def test_ca_subject_does_not_depend_on_the_domain() -> None:
    """A new subject would replace the retained CA and leave the old one billing."""
    subjects = []
    for domain in ("example.internal", "other.internal"):
        server = _server(access=PrivateAccess(domain=domain))
        template = Template.from_stack(cdk.Stack.of(server))
        (ca,) = template.find_resources("AWS::ACMPCA::CertificateAuthority").values()
        subjects.append(ca["Properties"]["Subject"])
    assert subjects[0] == subjects[1]
    assert subjects[0]["CommonName"] == "Spark History Server CA"


def test_dns_record_points_at_the_alb_read_from_the_ingress(app: ShsApp) -> None:
    value = next(iter(app.resources("Custom::AWSCDK-EKS-KubernetesObjectValue").values()))
    assert value["Properties"]["ObjectType"] == "ingress"
    assert value["Properties"]["JsonPath"] == ".status.loadBalancer.ingress[0].hostname"
    app.template.has_resource_properties(
        "AWS::Route53::HostedZone", {"Name": "example.internal.", "VPCs": Match.any_value()}
    )
    app.template.has_resource_properties(
        "AWS::Route53::RecordSet",
        {
            "Name": "spark-history-server.example.internal.",
            "Type": "CNAME",
            "ResourceRecords": [
                {"Fn::GetAtt": [Match.string_like_regexp("LoadBalancerDns"), "Value"]}
            ],
        },
    )


def test_client_vpn_is_mutual_tls_logged_and_scoped_to_the_vpc(app: ShsApp) -> None:
    (endpoint,) = app.resources("AWS::EC2::ClientVpnEndpoint").values()
    (server_certificate,) = [
        k for k in app.resources("AWS::CertificateManager::Certificate") if "VpnServer" in k
    ]
    assert app.json["Resources"][server_certificate]["Properties"]["DomainName"] == (
        "vpn.example.internal"
    )
    # Without an own client CA, clients present certificates of the same Private CA: the client
    # root chain is the VPN server certificate (issued by that CA), and so is the server side.
    props = endpoint["Properties"]
    assert props["ServerCertificateArn"] == {"Ref": server_certificate}
    assert props["AuthenticationOptions"] == [
        {
            "Type": "certificate-authentication",
            "MutualAuthentication": {"ClientRootCertificateChainArn": {"Ref": server_certificate}},
        }
    ]
    app.template.has_resource_properties(
        "AWS::EC2::ClientVpnEndpoint",
        {
            "ClientCidrBlock": "172.16.0.0/22",
            "ConnectionLogOptions": Match.object_like({"Enabled": True}),
            "SplitTunnel": True,
            "VpnPort": 443,
            "DnsServers": ["10.0.0.2"],
        },
    )
    authorizations = app.resources("AWS::EC2::ClientVpnAuthorizationRule")
    assert [r["Properties"]["TargetNetworkCidr"] for r in authorizations.values()] == [VPC_CIDR]


# --- bad input -------------------------------------------------------------------------------


def test_client_vpn_users_reach_only_https_in_the_vpc_and_its_resolver(app: ShsApp) -> None:
    (endpoint,) = app.resources("AWS::EC2::ClientVpnEndpoint").values()
    (group_ref,) = endpoint["Properties"]["SecurityGroupIds"]
    group_id = group_ref["Fn::GetAtt"][0]
    group = app.json["Resources"][group_id]
    assert group["Type"] == "AWS::EC2::SecurityGroup"
    assert "SecurityGroupIngress" not in group["Properties"]
    egress = sorted(
        (r["IpProtocol"], r["CidrIp"], r["FromPort"], r["ToPort"])
        for r in group["Properties"]["SecurityGroupEgress"]
    )
    assert egress == [
        ("tcp", "10.0.0.0/16", 443, 443),
        ("tcp", "10.0.0.2/32", 53, 53),
        ("udp", "10.0.0.2/32", 53, 53),
    ]


def test_fails_when_log_directory_has_no_trailing_slash() -> None:
    stack = new_stack("Bad")
    with pytest.raises(EmrBurstError, match=r"log_directory = 'spark-events': end the directory"):
        SparkEventLogs(stack, "Logs", log_directory="spark-events")


def test_fails_when_a_producer_is_registered_twice(app: ShsApp) -> None:
    with pytest.raises(EmrBurstError, match="writes here already; bind it once"):
        app.teams[0].add_extension(app.logs)


def test_fails_when_a_writer_account_is_added_twice(app: ShsApp) -> None:
    with pytest.raises(EmrBurstError, match="writer already"):
        app.logs.add_writer_account(OTHER_ACCOUNT)


def _server(**overrides: Any) -> SparkHistoryServer:
    stack = new_stack("BadServer")
    props: dict[str, Any] = {
        "platform": imported_platform(stack),
        "event_logs": SparkEventLogs(stack, "Logs"),
        "vpc": vpc(stack),
        "vpc_cidr": VPC_CIDR,
        "access": PrivateAccess(domain="example.internal"),
    }
    props.update(overrides)
    return SparkHistoryServer(stack, "Server", **props)


def test_fails_when_https_has_no_domain() -> None:
    with pytest.raises(EmrBurstError, match=r"access.domain = None: HTTPS needs a domain"):
        _server(access=PrivateAccess())


def test_fails_when_the_certificate_name_exceeds_acms_64_characters() -> None:
    # spark-history-server. is 21 characters: a 43-character domain fits, 44 does not.
    fits = "a" * 34 + ".internal"
    assert len(f"spark-history-server.{fits}") == 64
    _server(access=PrivateAccess(domain=fits))
    too_long = "a" * 35 + ".internal"
    with pytest.raises(
        EmrBurstError,
        match=r"access.domain = 'a{35}.internal': the certificate name "
        r"'spark-history-server.a{35}.internal' is 65 characters; ACM takes at most 64, so use a "
        r"domain of at most 43 characters",
    ):
        _server(access=PrivateAccess(domain=too_long))


def test_certificate_domain_rule_checks_every_label() -> None:
    rule = rules.certificate_domain("spark-history-server", "vpn")
    assert rule("example.internal") is None
    assert "65 characters" in str(rule("a" * 35 + ".internal"))
    # "vpn." is 4 characters: a 60-character domain fits, 61 does not.
    assert rules.certificate_domain("vpn")("a" * 51 + ".internal") is None
    assert rules.certificate_domain("vpn")("a" * 52 + ".internal") is not None


def test_fails_when_vpn_clients_overlap_the_vpc() -> None:
    with pytest.raises(EmrBurstError, match=r"client_cidr = '10.0.128.0/22': overlaps the VPC"):
        _server(
            access=PrivateAccess(
                domain="example.internal", client_vpn=ClientVpn(client_cidr="10.0.128.0/22")
            )
        )


@pytest.mark.parametrize(("prop", "value"), [("cleaner", True), ("compaction_files_to_retain", 5)])
def test_fails_when_compaction_or_cleaner_is_on_with_a_read_only_role(
    prop: str, value: Any
) -> None:
    with pytest.raises(EmrBurstError, match=rf"{prop} = {value!r}: rewrites and deletes"):
        _server(**{prop: value})


def test_fails_when_vpn_range_is_not_a_12_to_22() -> None:
    with pytest.raises(EmrBurstError, match=r"client_cidr = '172.16.0.0/24': Client VPN takes"):
        _server(
            access=PrivateAccess(
                domain="example.internal", client_vpn=ClientVpn(client_cidr="172.16.0.0/24")
            )
        )


def test_reports_every_problem_at_once() -> None:
    with pytest.raises(EmrBurstError) as err:
        _server(
            access=PrivateAccess(client_vpn=ClientVpn(client_cidr="10.0.0.0/24")),
            cleaner=True,
            alb="nginx",
            admin_groups="admins",
        )
    props = [p.prop for p in err.value.problems]
    assert props == [
        "access.domain",
        "access.client_vpn.client_cidr",
        "alb",
        "admin_groups",
        "cleaner",
    ]


def test_fails_when_admin_groups_are_given_without_an_authentication_filter() -> None:
    with pytest.raises(
        EmrBurstError,
        match=r"admin_groups = \['spark-admins'\]: Spark's UI ACLs only act on an authenticated "
        r"user.*Spark lets every request through",
    ):
        _server(admin_groups=["spark-admins"])


@pytest.mark.parametrize(
    "arn", [5, ["arn:aws:acm:us-east-1:123456789012:certificate/x"], "not-an-arn"]
)
@pytest.mark.parametrize("field", ["server_certificate_arn", "client_root_certificate_arn"])
def test_fails_on_a_vpn_certificate_that_is_not_an_acm_arn(field: str, arn: Any) -> None:
    vpn = ClientVpn(**{field: arn})
    with pytest.raises(EmrBurstError) as err:
        _server(access=PrivateAccess(domain="example.internal", client_vpn=vpn))
    (problem,) = err.value.problems
    assert problem.prop == f"access.client_vpn.{field}"
    assert problem.value == arn
    assert "ACM certificate ARN" in problem.fix or "expected a string" in problem.fix


def test_vpn_takes_imported_acm_certificates() -> None:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    server = _server(
        access=PrivateAccess(
            domain="example.internal",
            client_vpn=ClientVpn(server_certificate_arn=arn, client_root_certificate_arn=arn),
        )
    )
    assert server.client_vpn is not None
    template = Template.from_stack(cdk.Stack.of(server))
    template.has_resource_properties(
        "AWS::EC2::ClientVpnEndpoint",
        {
            "ServerCertificateArn": arn,
            "AuthenticationOptions": [
                {
                    "Type": "certificate-authentication",
                    "MutualAuthentication": {"ClientRootCertificateChainArn": arn},
                }
            ],
        },
    )
    # The given server certificate replaces the one the Private CA would issue.
    assert not [
        k
        for k in template.find_resources("AWS::CertificateManager::Certificate")
        if "VpnServer" in k
    ]


def test_fails_when_the_vpc_has_no_private_subnets_with_egress() -> None:
    stack = new_stack("NoEgress")
    isolated = ec2.Vpc(
        stack,
        "Isolated",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC),
            ec2.SubnetConfiguration(name="Private", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        ],
    )
    with pytest.raises(EmrBurstError) as err:
        SparkHistoryServer(
            stack,
            "Server",
            platform=imported_platform(stack),
            event_logs=SparkEventLogs(stack, "Logs"),
            vpc=isolated,
            vpc_cidr=VPC_CIDR,
            access=PrivateAccess(domain="example.internal"),
        )
    (problem,) = err.value.problems
    assert problem.prop == "vpc"
    assert "no PRIVATE_WITH_EGRESS subnets" in problem.fix
    assert "Maven Central" in problem.fix


@pytest.mark.parametrize("target", [None, "x"])
def test_bind_fails_on_a_target_that_is_not_a_team(target: Any) -> None:
    logs = SparkEventLogs(new_stack("Bind"), "Logs")
    with pytest.raises(
        EmrBurstError, match=r"bind\(target\) = .*: pass a SparkTeam or JobTemplate"
    ):
        logs.bind(target)
    assert logs.producers == {}


def test_fails_when_removal_policy_is_a_string() -> None:
    with pytest.raises(
        EmrBurstError, match=r"removal_policy = 'destroy': pass a cdk.RemovalPolicy"
    ):
        SparkEventLogs(new_stack("Removal"), "Logs", removal_policy="destroy")  # type: ignore[arg-type]
    with pytest.raises(
        EmrBurstError, match=r"removal_policy = 'destroy': pass a cdk.RemovalPolicy"
    ):
        _server(removal_policy="destroy")


def test_writable_role_allows_compaction() -> None:
    server = _server(read_only=False, cleaner=True, compaction_files_to_retain=5)
    template = Template.from_stack(cdk.Stack.of(server))
    role_id = cdk.Stack.of(server).get_logical_id(server.role.node.default_child)  # type: ignore[arg-type]
    statements = [
        s
        for p in template.find_resources("AWS::IAM::ManagedPolicy").values()
        if role_id in json.dumps(p["Properties"].get("Roles", []))
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    objects = [s for s in statements if "s3:PutObject" in _list(s["Action"])]
    assert len(objects) == 1
    assert {"s3:PutObject", "s3:DeleteObject", "s3:GetObject"} <= set(_list(objects[0]["Action"]))
    assert flatten_named(objects[0]["Resource"]).endswith("/spark-events/*")
    kms = {a for s in statements for a in _list(s["Action"]) if a.startswith("kms:")}
    assert kms == {"kms:GenerateDataKey", "kms:Decrypt"}
    manifests = [
        o
        for r in template.find_resources("Custom::AWSCDK-EKS-KubernetesResource").values()
        for o in json.loads(flatten_named(r["Properties"]["Manifest"]))
    ]
    (deployment,) = [o for o in manifests if o["kind"] == "Deployment"]
    env = {
        e["name"]: e["value"]
        for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    opts = env["SPARK_HISTORY_OPTS"].split(" ")
    assert "-Dspark.history.fs.cleaner.enabled=true" in opts
    assert "-Dspark.history.fs.eventLog.rolling.maxFilesToRetain=5" in opts


def test_existing_ca_is_used_and_no_ca_is_created() -> None:
    arn = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/1234"
    server = _server(access=PrivateAccess(domain="example.internal", certificate_authority_arn=arn))
    resources = cdk.Stack.of(server).resolve(server.certificate_authority_arn)
    assert resources == arn
    template = Template.from_stack(cdk.Stack.of(server))
    template.resource_count_is("AWS::ACMPCA::CertificateAuthority", 0)
    # An existing CA's permissions are its owner's (documented); none is created here.
    template.resource_count_is("AWS::ACMPCA::Permission", 0)
    template.has_resource_properties(
        "AWS::CertificateManager::Certificate", {"CertificateAuthorityArn": arn}
    )


def test_fails_on_wrong_types_before_cdk_sees_them() -> None:
    stack = new_stack("Types")
    with pytest.raises(EmrBurstError) as err:
        SparkEventLogs(stack, "Logs", expiration=90, writer_accounts="111122223333")  # type: ignore[arg-type]
    assert [p.prop for p in err.value.problems] == ["expiration", "writer_accounts"]
    with pytest.raises(EmrBurstError, match="grant_write"):
        SparkEventLogs(stack, "Logs2").grant_write("role")  # type: ignore[arg-type]


def test_grant_write_adds_to_an_emr_ec2_instance_role() -> None:
    stack = new_stack("Ec2")
    logs = SparkEventLogs(stack, "Logs")
    role = iam.Role(stack, "Nodes", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    assert logs.grant_write(role).success
    policies = Template.from_stack(stack).find_resources("AWS::IAM::Policy")
    statements = [
        s
        for p in policies.values()
        if "Nodes" in json.dumps(p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    writes = [s for s in statements if "s3:PutObject" in s["Action"]]
    bucket = stack.get_logical_id(logs.bucket.node.default_child)  # type: ignore[arg-type]
    assert [flatten_named(s["Resource"]) for s in writes] == [f"<{bucket}.Arn>/spark-events/*"]
    assert logs.emr_ec2_configurations()["spark-defaults"]["spark.eventLog.enabled"] == "true"


def test_node_group_platform_gets_the_pinned_load_balancer_controller() -> None:
    stack = new_stack("NodeGroupShs")
    network = vpc(stack)
    platform = EmrEksPlatform(
        stack, "Platform", vpc=network, kubectl_layer=layer(stack), compute=NodeGroupCompute()
    )
    server = SparkHistoryServer(
        stack,
        "Server",
        platform=platform,
        event_logs=SparkEventLogs(stack, "Logs"),
        vpc=network,
        vpc_cidr=VPC_CIDR,
        access=PrivateAccess(domain="example.internal"),
    )
    assert server.alb is AlbProvider.CONTROLLER
    template = Template.from_stack(stack)
    charts = template.find_resources("Custom::AWSCDK-EKS-HelmChart")
    lbc = [c for c in charts.values() if c["Properties"]["Chart"] == "aws-load-balancer-controller"]
    assert len(lbc) == 1
    pinned = getattr(eks.AlbControllerVersion, versions.AWS_LOAD_BALANCER_CONTROLLER_VERSION)
    assert lbc[0]["Properties"]["Version"] == pinned.helm_chart_version
    objects = [
        o
        for r in template.find_resources("Custom::AWSCDK-EKS-KubernetesResource").values()
        for o in json.loads(flatten_named(r["Properties"]["Manifest"]))
    ]
    kinds = {o["kind"]: o for o in objects}
    assert kinds["IngressClass"]["spec"]["controller"] == "ingress.k8s.aws/alb"
    assert kinds["IngressClassParams"]["apiVersion"] == "elbv2.k8s.aws/v1beta1"
    assert "certificateArn" in kinds["IngressClassParams"]["spec"]
    # The controller's upstream policy is acknowledged where it is made, in every pack.
    app = stack.node.root
    assert isinstance(app, cdk.App)
    for pack in NAG_PACKS:
        assert [f for f in nag_findings(app, pack) if "/Server/AlbController/" in f] == [], pack


@pytest.mark.parametrize(
    ("compute", "alb", "fix"),
    [
        (AutoModeCompute(), "controller", "the platform runs EKS Auto Mode"),
        (NodeGroupCompute(), AlbProvider.AUTO_MODE, "the platform runs node groups"),
    ],
)
def test_fails_when_the_alb_provider_does_not_fit_the_platforms_compute(
    compute: Any, alb: Any, fix: str
) -> None:
    stack = new_stack("AlbMismatch")
    network = vpc(stack)
    platform = EmrEksPlatform(
        stack, "Platform", vpc=network, kubectl_layer=layer(stack), compute=compute
    )
    with pytest.raises(EmrBurstError, match=rf"alb = .*: {fix}") as err:
        SparkHistoryServer(
            stack,
            "Server",
            platform=platform,
            event_logs=SparkEventLogs(stack, "Logs"),
            vpc=network,
            vpc_cidr=VPC_CIDR,
            access=PrivateAccess(domain="example.internal"),
            alb=alb,
        )
    assert [p.prop for p in err.value.problems] == ["alb"]


def test_imported_platform_takes_either_alb_provider() -> None:
    assert _server(alb="controller").alb is AlbProvider.CONTROLLER


def test_fails_when_a_team_would_put_container_logs_inside_the_directory() -> None:
    stack = new_stack("ContainerLogs")
    platform = imported_platform(stack)
    logs = SparkEventLogs(stack, "Logs", log_directory="analytics/")
    team = SparkTeam(
        stack,
        "Analytics",
        platform=platform,
        namespace="analytics",
        role_name="shs-test-analytics-job",
        bucket=logs.bucket,
    )
    with pytest.raises(EmrBurstError, match=r"'analytics/logs/': the target's container logs"):
        team.add_extension(logs)
    assert logs.producers == {}
