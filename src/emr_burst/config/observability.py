"""The Spark History Server's keys: private domain, CA, Client VPN, UI admins, event-log writers.

Each value is judged by the rule the construct it feeds applies (``SparkHistoryServer``,
``SparkEventLogs``).
"""

from __future__ import annotations

from dataclasses import dataclass

from emr_burst.config.reader import ContextReader, as_boolean, boolean
from emr_burst.core import rules

KEYS = (
    "shsDomain",
    "shsCertificateAuthorityArn",
    "shsClientVpn",
    "shsClientVpnCidr",
    "shsAdminGroups",
    "eventLogWriterAccounts",
    "eventLogExpirationDays",
)

#: How long the bucket keeps event logs, in days (a lifecycle rule expires them).
EXPIRATION_DAYS = (1, 36500)


@dataclass(frozen=True)
class ObservabilityConfig:
    """The History Server of ``EmrBurstSparkHistory`` and the event-log store it reads."""

    domain: str = "example.internal"
    certificate_authority_arn: str | None = None
    client_vpn: bool = True
    client_vpn_cidr: str = "172.16.0.0/22"
    #: Empty: the History Server has no authentication filter, so UI ACLs would protect nothing
    #: (SparkHistoryServer refuses admin groups).
    admin_groups: tuple[str, ...] = ()
    writer_accounts: tuple[str, ...] = ()
    expiration_days: int = 90


def read_observability(reader: ContextReader) -> ObservabilityConfig:
    defaults = ObservabilityConfig()
    return ObservabilityConfig(
        domain=reader.read("shsDomain", defaults.domain, rules.domain_name),
        certificate_authority_arn=reader.read(
            "shsCertificateAuthorityArn",
            defaults.certificate_authority_arn,
            rules.private_ca_arn,
            optional=True,
        ),
        client_vpn=reader.read("shsClientVpn", defaults.client_vpn, boolean, parse=as_boolean),
        client_vpn_cidr=reader.read(
            "shsClientVpnCidr", defaults.client_vpn_cidr, rules.client_vpn_cidr
        ),
        admin_groups=reader.read_list(
            "shsAdminGroups", defaults.admin_groups, rules.ui_group, example="'spark-admins'"
        ),
        writer_accounts=reader.read_list(
            "eventLogWriterAccounts",
            defaults.writer_accounts,
            rules.account,
            example="'111122223333'",
        ),
        expiration_days=reader.read(
            "eventLogExpirationDays",
            defaults.expiration_days,
            rules.integer(*EXPIRATION_DAYS, unit="days"),
        ),
    )
