"""The consumer side of a Lake Formation data share: resource links and the teams' grants."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_glue as glue
from aws_cdk import aws_lakeformation as lf
from constructs import Construct

from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.core.removal import data_removal_policy
from emr_burst.emr_eks.job_role import JobExecutionRole
from emr_burst.governance import grants as _grants
from emr_burst.governance.catalog import ProducerShare, check_share, construct_name
from emr_burst.governance.producer import REMOVAL_POLICY, check_cross_account
from emr_burst.governance.settings import (
    DEFAULT_SESSION_TAG_VALUE,
    LakeFormationSettings,
    SettingsMutation,
    governed_database,
)

DEFAULT_LINKS: Mapping[str, str] = {"rl_patients": "patients", "rl_claims": "claims"}
#: Patients Care (team1) reads both links; Claims Care (team2) only claims.
DEFAULT_TEAM_LINKS: Mapping[str, Sequence[str]] = {
    "team1": ("rl_patients", "rl_claims"),
    "team2": ("rl_claims",),
}


class LakeFormationConsumer(Construct):
    """A consumer account's view of a producer's share, and which team may read what.

    Creates the data lake settings (this account allowed to filter, the session tag authorized),
    the local database with one resource link per shared table, and per team: DESCRIBE on the
    database and on its links, and on each link's target either SELECT on the producer's data
    cell filter (a filtered share: the consumer can grant only what it holds) or SELECT and
    DESCRIBE on the producer's table.

    The producer's grants reach this account through an AWS RAM invitation when the two accounts
    are not in one organization; accept it before deploying this (docs/lake-formation.md).

    Example::

        LakeFormationConsumer(self, "Consumer", share=share, team_roles=fgac.job_roles)

    :param share: what the producer shares (``LakeFormationProducer.share``).
    :param team_roles: each team's job execution role.
    :param database_name: Default: - ``consumer_healthcare_db``.
    :param resource_links: link name to shared table name. Default: - ``rl_patients`` and
        ``rl_claims``.
    :param team_links: team name to the links it may read. Default: - team1 both, team2 claims.
    :param admins: further data lake administrators. Default: - none.
    :param session_tag_value: Default: - ``EMR on EKS Engine``.
    :param settings_mutation: Default: - ``SettingsMutation.APPEND``.
    :param removal_policy: of the database and its resource links. Default: - RETAIN.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        share: ProducerShare,
        team_roles: Mapping[str, JobExecutionRole],
        database_name: str = "consumer_healthcare_db",
        resource_links: Mapping[str, str] = DEFAULT_LINKS,
        team_links: Mapping[str, Sequence[str]] = DEFAULT_TEAM_LINKS,
        admins: Sequence[str] = (),
        session_tag_value: str = DEFAULT_SESSION_TAG_VALUE,
        settings_mutation: SettingsMutation | str = SettingsMutation.APPEND,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        check = Checker(scope, construct_id, "LakeFormationConsumer")
        own = cdk.Stack.of(scope).account
        share_ok = check_share(check, "share", share)
        if share_ok:
            check_cross_account(check, "share.account", share.account, own)
        check.rule("database_name", database_name, rules.glue_name)
        links_ok = _check_mapping(check, "resource_links", resource_links)
        if links_ok:
            for link, table in resource_links.items():
                check.rule(f"resource_links key {link!r}", link, rules.glue_name)
                if share_ok and table not in share.table_names:
                    check.add(
                        f"resource_links[{link!r}]",
                        table,
                        f"the producer does not share this table; link one of "
                        f"{', '.join(share.table_names) or '(none)'}",
                    )
        if _check_mapping(check, "team_roles", team_roles):
            for team, role in team_roles.items():
                if not isinstance(role, JobExecutionRole):
                    check.add(f"team_roles[{team!r}]", role, "pass the team's JobExecutionRole")
        if _check_mapping(check, "team_links", team_links):
            for team, links in team_links.items():
                if isinstance(team_roles, Mapping) and team not in team_roles:
                    check.add(
                        f"team_links[{team!r}]",
                        team,
                        "this team has no job execution role to grant to; add it to team_roles "
                        f"(known: {', '.join(map(str, team_roles)) or '(none)'})",
                    )
                if not isinstance(links, (list, tuple)):
                    check.add(f"team_links[{team!r}]", links, "pass a list of link names")
                    continue
                for index, link in enumerate(links):
                    if links_ok and link not in resource_links:
                        check.add(
                            f"team_links[{team!r}][{index}]",
                            link,
                            f"grant a resource link of this database: one of "
                            f"{', '.join(resource_links) or '(none)'}",
                        )
        check.rule("removal_policy", removal_policy, REMOVAL_POLICY)
        check.raise_if_any()
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.share = share
        self.database_name = database_name
        self.settings = LakeFormationSettings(
            self,
            "Settings",
            allowed_accounts=[stack.account],
            admins=admins,
            session_tag_value=session_tag_value,
            mutation=settings_mutation,
        )
        self.database = governed_database(
            self,
            "Database",
            self.settings,
            name=database_name,
            description=f"Resource links to {share.database} of account {share.account}",
            removal_policy=data_removal_policy(self, removal_policy),
        )
        self.links: dict[str, glue.CfnTable] = {}
        for link, table in resource_links.items():
            resource = glue.CfnTable(
                self,
                f"Link{construct_name(link)}",
                catalog_id=stack.account,
                database_name=database_name,
                table_input=glue.CfnTable.TableInputProperty(
                    name=link,
                    target_table=glue.CfnTable.TableIdentifierProperty(
                        catalog_id=share.account, database_name=share.database, name=table
                    ),
                ),
            )
            resource.node.add_dependency(self.database)
            resource.apply_removal_policy(data_removal_policy(self, removal_policy))
            self.links[link] = resource
        self.grants: dict[str, list[lf.CfnPrincipalPermissions]] = {}
        for team, links in team_links.items():
            self.grants[team] = self._team_grants(
                team, team_roles[team], links, resource_links, stack.account
            )

    def _team_grants(
        self,
        team: str,
        role: JobExecutionRole,
        links: Sequence[str],
        resource_links: Mapping[str, str],
        account: str,
    ) -> list[lf.CfnPrincipalPermissions]:
        principal = role.role_arn
        share = self.share
        grants = [
            self._grant(
                f"{construct_name(team)}Database",
                principal,
                _grants.database(account, self.database_name),
                ["DESCRIBE"],
                self.database,
            )
        ]
        for link in links:
            table = resource_links[link]
            grants.append(
                self._grant(
                    f"{construct_name(team)}{construct_name(link)}",
                    principal,
                    _grants.table(account, self.database_name, link),
                    ["DESCRIBE"],
                    self.links[link],
                )
            )
            if table in share.filters:
                target = _grants.data_cells_filter(
                    share.account, share.database, table, share.filters[table]
                )
                permissions = ["SELECT"]
            else:
                target = _grants.table(share.account, share.database, table)
                permissions = ["SELECT", "DESCRIBE"]
            grants.append(
                self._grant(
                    f"{construct_name(team)}{construct_name(link)}Target",
                    principal,
                    target,
                    permissions,
                    self.links[link],
                )
            )
        return grants

    def _grant(
        self,
        construct_id: str,
        principal: str,
        resource: lf.CfnPrincipalPermissions.ResourceProperty,
        permissions: list[str],
        after: Construct,
    ) -> lf.CfnPrincipalPermissions:
        grant = _grants.grant(self, construct_id, principal, resource, permissions, grantable=False)
        grant.node.add_dependency(after, self.settings)
        return grant


def _check_mapping(check: Checker, prop: str, value: Any) -> bool:
    if not isinstance(value, Mapping) or not value:
        check.add(prop, value, "pass a non-empty mapping")
        return False
    return True
