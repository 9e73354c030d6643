"""EMR on EC2 security configuration: encryption at rest and in transit, Kerberos, authorization."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from emr_burst.core import kms as _kms
from emr_burst.core.removal import data_removal_policy

_S3_OBJECT = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\S+$")
_JAVA_CLASS = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$")
_REALM = re.compile(r"^[A-Z0-9][A-Z0-9.-]*$")


@dataclass(frozen=True)
class TlsCertificates:
    """Where in-transit encryption gets its certificates.

    ``pem_zip`` is an S3 object holding ``privateKey.pem``, ``certificateChain.pem`` and
    ``trustedCertificates.pem`` (EMR's PEM provider); alternatively ``provider_jar`` and
    ``provider_class`` name a custom ``TLSArtifactsProvider``.
    """

    pem_zip: str | None = None
    provider_jar: str | None = None
    provider_class: str | None = None

    @classmethod
    def from_pem_zip(cls, s3_object: str) -> TlsCertificates:
        return cls(pem_zip=s3_object)

    @classmethod
    def from_custom_provider(cls, s3_jar: str, provider_class: str) -> TlsCertificates:
        return cls(provider_jar=s3_jar, provider_class=provider_class)

    def problems(self) -> list[str]:
        if self.pem_zip is not None:
            if self.provider_jar or self.provider_class:
                return ["tls_certificates: give either pem_zip or a custom provider, not both"]
            if not _S3_OBJECT.match(self.pem_zip):
                return [f"tls_certificates.pem_zip {self.pem_zip!r} is not an s3://bucket/key URI"]
            return []
        problems = []
        if not self.provider_jar or not _S3_OBJECT.match(self.provider_jar):
            problems.append(
                f"tls_certificates.provider_jar {self.provider_jar!r} is not an s3://bucket/key URI"
            )
        if not self.provider_class or not _JAVA_CLASS.match(self.provider_class):
            problems.append(
                f"tls_certificates.provider_class {self.provider_class!r} is not a Java class name "
                "such as 'com.example.TlsProvider'"
            )
        return problems

    def render(self) -> dict[str, str]:
        if self.pem_zip is not None:
            return {"CertificateProviderType": "PEM", "S3Object": self.pem_zip}
        return {
            "CertificateProviderType": "Custom",
            "S3Object": str(self.provider_jar),
            "CertificateProviderClass": str(self.provider_class),
        }

    @property
    def s3_object(self) -> str:
        return str(self.pem_zip or self.provider_jar)


@dataclass(frozen=True)
class KerberosOptions:
    """A cluster-dedicated KDC on the primary node (EMR 5.10.0 and later).

    ``kdc_admin_password`` is read by the cluster through a CloudFormation dynamic reference, so the
    password never appears in the template.
    """

    kdc_admin_password: secretsmanager.ISecret
    realm: str = "EC2.INTERNAL"
    ticket_lifetime_hours: int = 24


@dataclass(frozen=True)
class LakeFormationAuthorization:
    """Lake Formation fine-grained access with SAML federation, as in the EMR console."""

    idp_metadata_s3_path: str
    lake_formation_role: iam.IRole
    other_services_role: iam.IRole


@dataclass(frozen=True)
class RangerAuthorization:
    """Apache Ranger plugins with separate roles for Ranger-governed and other access."""

    admin_server_url: str
    admin_server_secret: secretsmanager.ISecret
    ranger_plugins_role: iam.IRole
    other_services_role: iam.IRole
    #: Ranger plugins to enable, e.g. ``{"Spark": "spark-repo"}`` (app name to policy repository).
    plugins: Mapping[str, str] | None = None


class EmrSecurityConfiguration(Construct):
    """An ``AWS::EMR::SecurityConfiguration`` with encryption on by default.

    At rest: EMRFS writes to S3 with SSE-KMS, and local disks (instance store and EBS, including
    the root volume) are encrypted with the same KMS key. In transit: TLS for the open-source
    components when certificates are given. Optionally a cluster-dedicated Kerberos KDC and Lake
    Formation or Apache Ranger authorization.

    Example::

        security = EmrSecurityConfiguration(self, "Security",
            tls_certificates=TlsCertificates.from_pem_zip("s3://certs-bucket/emr/certs.zip"),
        )
        EmrCluster(self, "Cluster", ..., security_configuration=security)

    :param encryption_key: KMS key for S3, local-disk and EBS encryption.
        Default: - a new key with rotation, retained with the stack.
    :param tls_certificates: certificate source for in-transit TLS.
        Default: - no in-transit encryption (a warning says so).
    :param kerberos: cluster-dedicated KDC. Default: - no Kerberos.
    :param authorization: Lake Formation or Ranger settings. Default: - IAM and storage-based only.
    :param removal_policy: of the key it creates. Default: - RETAIN.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        encryption_key: kms.IKey | None = None,
        tls_certificates: TlsCertificates | None = None,
        kerberos: KerberosOptions | None = None,
        authorization: LakeFormationAuthorization | RangerAuthorization | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        problems: list[str] = []
        if tls_certificates is not None:
            problems += tls_certificates.problems()
        if kerberos is not None:
            if not _REALM.match(kerberos.realm):
                problems.append(
                    f"kerberos.realm {kerberos.realm!r} must be upper case, e.g. 'EC2.INTERNAL'"
                )
            if not 1 <= kerberos.ticket_lifetime_hours <= 720:
                problems.append(
                    f"kerberos.ticket_lifetime_hours {kerberos.ticket_lifetime_hours} is outside "
                    "1-720"
                )
        if isinstance(authorization, LakeFormationAuthorization):
            if not _S3_OBJECT.match(authorization.idp_metadata_s3_path):
                problems.append(
                    f"authorization.idp_metadata_s3_path {authorization.idp_metadata_s3_path!r} "
                    "is not an s3://bucket/key URI"
                )
        elif isinstance(
            authorization, RangerAuthorization
        ) and not authorization.admin_server_url.startswith("https://"):
            problems.append(
                f"authorization.admin_server_url {authorization.admin_server_url!r} must be "
                "an https:// URL (the plugins send credentials to it)"
            )
        if problems:
            raise ValueError(f"EmrSecurityConfiguration '{construct_id}': " + "; ".join(problems))
        super().__init__(scope, construct_id)
        self.encryption_key: kms.IKey = encryption_key or _kms.new_key(
            self,
            "Key",
            description=f"Encrypts EMR data at rest for {self.node.path}",
            removal_policy=data_removal_policy(self, removal_policy),
        )
        self.tls_certificates = tls_certificates
        self.kerberos = kerberos
        self.authorization = authorization
        if tls_certificates is None:
            cdk.Annotations.of(self).add_warning_v2(
                "emr-burst:no-in-transit-encryption",
                "no tls_certificates given: traffic between cluster nodes and to the peer is not "
                "TLS-encrypted by EMR; pass TlsCertificates to turn it on",
            )
        self.resource = emr.CfnSecurityConfiguration(
            self, "Resource", security_configuration=self.render()
        )
        #: The configuration's name, which ``AWS::EMR::Cluster`` takes.
        self.security_configuration_name: str = self.resource.ref

    def render(self) -> dict[str, Any]:
        """The security configuration document."""
        key_arn = self.encryption_key.key_arn
        encryption: dict[str, Any] = {
            "EnableAtRestEncryption": True,
            "EnableInTransitEncryption": self.tls_certificates is not None,
            "AtRestEncryptionConfiguration": {
                "S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": key_arn},
                "LocalDiskEncryptionConfiguration": {
                    "EncryptionKeyProviderType": "AwsKms",
                    "AwsKmsKey": key_arn,
                    "EnableEbsEncryption": True,
                },
            },
        }
        if self.tls_certificates is not None:
            encryption["InTransitEncryptionConfiguration"] = {
                "TLSCertificateConfiguration": self.tls_certificates.render()
            }
        document: dict[str, Any] = {"EncryptionConfiguration": encryption}
        if self.kerberos is not None:
            document["AuthenticationConfiguration"] = {
                "KerberosConfiguration": {
                    "Provider": "ClusterDedicatedKdc",
                    "ClusterDedicatedKdcConfiguration": {
                        "TicketLifetimeInHours": self.kerberos.ticket_lifetime_hours
                    },
                }
            }
        if isinstance(self.authorization, LakeFormationAuthorization):
            document["AuthorizationConfiguration"] = {
                "LakeFormationConfiguration": {
                    "IdpMetadataS3Path": self.authorization.idp_metadata_s3_path,
                    "EmrRoleForUsersARN": self.authorization.other_services_role.role_arn,
                    "LakeFormationRoleForSAMLPrincipalArn": (
                        self.authorization.lake_formation_role.role_arn
                    ),
                }
            }
        elif isinstance(self.authorization, RangerAuthorization):
            ranger: dict[str, Any] = {
                "AdminServerURL": self.authorization.admin_server_url,
                "RoleForRangerPluginsARN": self.authorization.ranger_plugins_role.role_arn,
                "RoleForOtherAWSServicesARN": self.authorization.other_services_role.role_arn,
                "AdminServerSecretARN": self.authorization.admin_server_secret.secret_arn,
            }
            if self.authorization.plugins:
                ranger["RangerPluginConfigurations"] = [
                    {
                        "App": app,
                        "ClientSecretARN": self.authorization.admin_server_secret.secret_arn,
                        "PolicyRepositoryName": repository,
                    }
                    for app, repository in sorted(self.authorization.plugins.items())
                ]
            document["AuthorizationConfiguration"] = {"RangerConfiguration": ranger}
        return document
