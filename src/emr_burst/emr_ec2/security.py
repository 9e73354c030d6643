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
from emr_burst.core import nag as _nag
from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.core.removal import data_removal_policy

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

    def check(self, check: Checker, prop: str) -> None:
        """Record the problems of this certificate source under ``prop``."""
        if self.pem_zip is not None:
            if self.provider_jar or self.provider_class:
                check.add(prop, self, "give either pem_zip or a custom provider, not both")
            check.rule(f"{prop}.pem_zip", self.pem_zip, rules.s3_object_uri)
            return
        check.rule(f"{prop}.provider_jar", self.provider_jar, rules.s3_object_uri)
        check.rule(f"{prop}.provider_class", self.provider_class, java_class)

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
        check = Checker(scope, construct_id, "EmrSecurityConfiguration")
        check.rule("encryption_key", encryption_key, rules.optional(_KEY))
        if tls_certificates is not None and check.rule(
            "tls_certificates",
            tls_certificates,
            rules.instance_of(TlsCertificates, "TlsCertificates.from_pem_zip('s3://b/certs.zip')"),
        ):
            tls_certificates.check(check, "tls_certificates")
        if kerberos is not None and check.rule(
            "kerberos", kerberos, rules.instance_of(KerberosOptions, "KerberosOptions(secret)")
        ):
            _check_kerberos(check, kerberos)
        if authorization is not None and check.rule(
            "authorization",
            authorization,
            rules.instance_of(
                (LakeFormationAuthorization, RangerAuthorization),
                "LakeFormationAuthorization(...) or RangerAuthorization(...)",
            ),
        ):
            _check_authorization(check, authorization)
        check.rule(
            "removal_policy",
            removal_policy,
            rules.optional(rules.instance_of(cdk.RemovalPolicy, "cdk.RemovalPolicy.RETAIN")),
        )
        check.raise_if_any()
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


_KEY = rules.interface("a kms.IKey", "key_arn", "grant")
_ROLE = rules.interface("an iam.IRole such as iam.Role(...)", "role_arn", "role_name")
_SECRET = rules.interface("a secretsmanager.ISecret", "secret_arn", "secret_value")


def java_class(value: Any) -> str | None:
    """A fully qualified Java class name such as ``com.example.TlsProvider``."""
    if isinstance(value, str) and _JAVA_CLASS.match(value):
        return None
    return "use a fully qualified Java class name such as 'com.example.TlsProvider'"


def realm(value: Any) -> str | None:
    """A Kerberos realm: upper case, e.g. ``EC2.INTERNAL``."""
    if isinstance(value, str) and _REALM.match(value):
        return None
    return "use an upper-case Kerberos realm such as 'EC2.INTERNAL'"


def https_url(value: Any) -> str | None:
    """An ``https://`` URL (the Ranger plugins send credentials to it)."""
    if rules.unresolved(value) or (isinstance(value, str) and value.startswith("https://")):
        return None
    return (
        "use an https:// URL such as 'https://ranger.example.internal:6182' (the plugins send "
        "credentials to it)"
    )


def _check_kerberos(check: Checker, kerberos: KerberosOptions) -> None:
    check.rule("kerberos.kdc_admin_password", kerberos.kdc_admin_password, _SECRET)
    check.rule("kerberos.realm", kerberos.realm, realm)
    check.rule(
        "kerberos.ticket_lifetime_hours",
        kerberos.ticket_lifetime_hours,
        rules.integer(1, 720, unit="hours"),
    )


def _check_authorization(
    check: Checker, authorization: LakeFormationAuthorization | RangerAuthorization
) -> None:
    check.rule("authorization.other_services_role", authorization.other_services_role, _ROLE)
    if isinstance(authorization, LakeFormationAuthorization):
        check.rule(
            "authorization.idp_metadata_s3_path",
            authorization.idp_metadata_s3_path,
            rules.s3_object_uri,
        )
        check.rule("authorization.lake_formation_role", authorization.lake_formation_role, _ROLE)
        return
    check.rule("authorization.admin_server_url", authorization.admin_server_url, https_url)
    check.rule("authorization.admin_server_secret", authorization.admin_server_secret, _SECRET)
    check.rule("authorization.ranger_plugins_role", authorization.ranger_plugins_role, _ROLE)
    check.rule(
        "authorization.plugins",
        authorization.plugins,
        rules.optional(rules.string_map("{'Spark': 'spark-repo'}")),
    )


def kerberos_attributes(
    configuration: EmrSecurityConfiguration,
) -> emr.CfnCluster.KerberosAttributesProperty | None:
    """What the cluster needs of a cluster-dedicated KDC: the realm and the admin password."""
    kerberos = configuration.kerberos
    if kerberos is None:
        return None
    return emr.CfnCluster.KerberosAttributesProperty(
        realm=kerberos.realm,
        # A dynamic reference: CloudFormation resolves it at deploy time, the template holds
        # only the secret's ARN.
        kdc_admin_password=kerberos.kdc_admin_password.secret_value.unsafe_unwrap(),
    )


def acknowledge_cluster(cluster: Construct, configuration: EmrSecurityConfiguration) -> None:
    """The cdk-nag findings on a cluster that this configuration answers."""
    _nag.acknowledge(
        cluster,
        "Local disk and EBS encryption are on: EncryptionConfiguration.AtRestEncryption"
        "Configuration.LocalDiskEncryptionConfiguration uses AwsKms with EnableEbsEncryption, "
        "as the EMR API defines it; cdk-nag's EMR4 looks for EnableAtRestEncryption at the top "
        "of the document instead of under EncryptionConfiguration, so it cannot see it.",
        "AwsSolutions-EMR4",
    )
    if configuration.kerberos is None:
        _nag.acknowledge(
            cluster,
            "Nodes run in private subnets with no EC2 key pair; operators reach them only "
            "through SSM Session Manager (IAM-authenticated), and Kerberos is available by "
            "passing KerberosOptions to the security configuration.",
            "AwsSolutions-EMR5",
            "AwsSolutions-EMR6",
            "HIPAA.Security-EMRKerberosEnabled",
        )
