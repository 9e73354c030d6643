"""EmrSecurityConfiguration: encryption at rest and in transit, Kerberos, authorization."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Template

from emr_burst.core.errors import EmrBurstError
from emr_burst.emr_ec2.security import (
    EmrSecurityConfiguration,
    KerberosOptions,
    LakeFormationAuthorization,
    RangerAuthorization,
    TlsCertificates,
)
from tests.unit.emr_ec2.helpers import problem

PEM_ZIP = "s3://certs-bucket/emr/certs.zip"


def _document(**props: Any) -> dict[str, Any]:
    stack = cdk.Stack(cdk.App(), "Test")
    security = EmrSecurityConfiguration(stack, "Security", **props)
    resolved: dict[str, Any] = stack.resolve(security.render())
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::EMR::SecurityConfiguration", 1)
    return resolved


def test_encrypts_s3_local_disks_and_ebs_with_kms_by_default() -> None:
    encryption = _document()["EncryptionConfiguration"]
    assert encryption["EnableAtRestEncryption"] is True
    at_rest = encryption["AtRestEncryptionConfiguration"]
    assert at_rest["S3EncryptionConfiguration"]["EncryptionMode"] == "SSE-KMS"
    disks = at_rest["LocalDiskEncryptionConfiguration"]
    assert disks["EncryptionKeyProviderType"] == "AwsKms"
    assert disks["EnableEbsEncryption"] is True
    assert disks["AwsKmsKey"] == at_rest["S3EncryptionConfiguration"]["AwsKmsKey"]
    assert encryption["EnableInTransitEncryption"] is False


def test_turns_on_tls_with_pem_certificates() -> None:
    encryption = _document(tls_certificates=TlsCertificates.from_pem_zip(PEM_ZIP))[
        "EncryptionConfiguration"
    ]
    assert encryption["EnableInTransitEncryption"] is True
    assert encryption["InTransitEncryptionConfiguration"] == {
        "TLSCertificateConfiguration": {"CertificateProviderType": "PEM", "S3Object": PEM_ZIP}
    }


def test_takes_a_custom_certificate_provider() -> None:
    tls = TlsCertificates.from_custom_provider("s3://certs/provider.jar", "com.example.Provider")
    config = _document(tls_certificates=tls)["EncryptionConfiguration"]
    assert config["InTransitEncryptionConfiguration"]["TLSCertificateConfiguration"] == {
        "CertificateProviderType": "Custom",
        "S3Object": "s3://certs/provider.jar",
        "CertificateProviderClass": "com.example.Provider",
    }


def test_adds_a_cluster_dedicated_kdc() -> None:
    stack = cdk.Stack(cdk.App(), "Kdc")
    secret = secretsmanager.Secret(stack, "KdcPassword")
    security = EmrSecurityConfiguration(
        stack, "Security", kerberos=KerberosOptions(kdc_admin_password=secret)
    )
    assert security.render()["AuthenticationConfiguration"] == {
        "KerberosConfiguration": {
            "Provider": "ClusterDedicatedKdc",
            "ClusterDedicatedKdcConfiguration": {"TicketLifetimeInHours": 24},
        }
    }


def test_renders_ranger_and_lake_formation_authorization() -> None:
    stack = cdk.Stack(cdk.App(), "Auth")
    role = iam.Role(stack, "Role", assumed_by=iam.AccountRootPrincipal())
    secret = secretsmanager.Secret(stack, "RangerSecret")
    ranger = EmrSecurityConfiguration(
        stack,
        "Ranger",
        authorization=RangerAuthorization(
            admin_server_url="https://ranger.example.internal:6182",
            admin_server_secret=secret,
            ranger_plugins_role=role,
            other_services_role=role,
            plugins={"Spark": "spark-policies"},
        ),
    )
    rendered = stack.resolve(ranger.render())["AuthorizationConfiguration"]["RangerConfiguration"]
    assert rendered["AdminServerURL"] == "https://ranger.example.internal:6182"
    assert rendered["RangerPluginConfigurations"][0]["App"] == "Spark"
    lake = EmrSecurityConfiguration(
        stack,
        "LakeFormation",
        authorization=LakeFormationAuthorization(
            idp_metadata_s3_path="s3://idp/metadata.xml",
            lake_formation_role=role,
            other_services_role=role,
        ),
    )
    config = lake.render()["AuthorizationConfiguration"]["LakeFormationConfiguration"]
    assert config["IdpMetadataS3Path"] == "s3://idp/metadata.xml"


def test_fails_when_certificates_and_ranger_url_are_wrong() -> None:
    stack = cdk.Stack(cdk.App(), "Bad")
    role = iam.Role(stack, "Role", assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(ValueError, match=r"^EmrSecurityConfiguration 'Bad/Security': ") as err:
        EmrSecurityConfiguration(
            stack,
            "Security",
            tls_certificates=TlsCertificates.from_pem_zip("https://certs/certs.zip"),
            authorization=RangerAuthorization(
                admin_server_url="http://ranger:6080",
                admin_server_secret=secretsmanager.Secret(stack, "S"),
                ranger_plugins_role=role,
                other_services_role=role,
            ),
        )
    assert "pem_zip = 'https://certs/certs.zip': use an S3 object URI" in str(err.value)
    assert "admin_server_url = 'http://ranger:6080': use an https:// URL" in str(err.value)


@pytest.mark.parametrize(
    ("props", "prop", "fix"),
    [
        (
            {"tls_certificates": TlsCertificates.from_custom_provider("s3://b/p.jar", "Provider")},
            "tls_certificates.provider_class",
            "fully qualified Java class",
        ),
        ({"tls_certificates": "s3://b/certs.zip"}, "tls_certificates", "TlsCertificates"),
        ({"encryption_key": "alias/emr"}, "encryption_key", "kms.IKey"),
        ({"removal_policy": "destroy"}, "removal_policy", "RemovalPolicy"),
    ],
)
def test_fails_when_security_props_are_wrong(props: dict[str, Any], prop: str, fix: str) -> None:
    stack = cdk.Stack(cdk.App(), "Bad")
    with pytest.raises(EmrBurstError) as err:
        EmrSecurityConfiguration(stack, "Security", **props)
    assert fix in problem(err, prop).fix


def test_fails_when_kerberos_realm_is_lower_case_and_lifetime_too_long() -> None:
    stack = cdk.Stack(cdk.App(), "Bad")
    secret = secretsmanager.Secret(stack, "Kdc")
    with pytest.raises(EmrBurstError) as err:
        EmrSecurityConfiguration(
            stack,
            "Security",
            kerberos=KerberosOptions(secret, realm="ec2.internal", ticket_lifetime_hours=1000),
        )
    assert "upper-case" in problem(err, "kerberos.realm").fix
    assert "1 to 720 hours" in problem(err, "kerberos.ticket_lifetime_hours").fix
