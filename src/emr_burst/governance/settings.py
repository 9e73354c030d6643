"""Lake Formation data lake settings for EMR on EKS fine-grained access control, in one account."""

from __future__ import annotations

import enum
from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_glue as glue
from aws_cdk import aws_lakeformation as lf
from constructs import Construct

from emr_burst.core import rules
from emr_burst.core.errors import Checker

#: The session tag value the post (and EMR's documentation) uses for EMR on EKS.
DEFAULT_SESSION_TAG_VALUE = "EMR on EKS Engine"


class SettingsMutation(enum.Enum):
    """How ``AWS::LakeFormation::DataLakeSettings`` treats what the account already has."""

    #: Add our admins and allow-list entries to the account's; nothing is dropped.
    APPEND = "APPEND"
    #: Replace the account's settings with exactly these (drops admins added elsewhere).
    REPLACE = "REPLACE"


class LakeFormationSettings(Construct):
    """Let EMR on EKS filter Lake Formation data in this account, keeping its other settings.

    Turns on "allow external engines to filter data", authorizes the EMR on EKS session tag
    value and allows the consumer account(s). The CloudFormation execution role of the stack is
    made a data lake administrator (it creates the databases, filters and grants that follow); the
    settings are appended by default, so administrators and allow-list entries made elsewhere
    stay.

    Example::

        LakeFormationSettings(self, "Settings", allowed_accounts=["222222222222"])

    :param allowed_accounts: accounts whose engines may filter data (the consumer account).
    :param admins: further data lake administrators (IAM role or user ARNs). Default: - none.
    :param session_tag_value: Default: - ``EMR on EKS Engine``.
    :param mutation: ``SettingsMutation.APPEND`` or ``REPLACE``. Default: - ``APPEND``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        allowed_accounts: Sequence[str],
        admins: Sequence[str] = (),
        session_tag_value: str = DEFAULT_SESSION_TAG_VALUE,
        mutation: SettingsMutation | str = SettingsMutation.APPEND,
    ) -> None:
        check = Checker(scope, construct_id, "LakeFormationSettings")
        if check.rule("allowed_accounts", allowed_accounts, rules.string_list("222222222222")):
            if not allowed_accounts:
                check.add("allowed_accounts", allowed_accounts, "list the consumer account")
            check.each("allowed_accounts", allowed_accounts, rules.account)
        if check.rule("admins", admins, rules.string_list("arn:aws:iam::111111111111:role/x")):
            check.each("admins", admins, rules.role_arn)
        check.rule("session_tag_value", session_tag_value, rules.session_tag_value)
        parsed = rules.choice(SettingsMutation, mutation)
        if isinstance(parsed, str):
            check.add("mutation", mutation, parsed)
        check.raise_if_any()
        assert isinstance(parsed, SettingsMutation)
        super().__init__(scope, construct_id)
        self.session_tag_value = session_tag_value
        self.allowed_accounts = tuple(allowed_accounts)
        principals = [deployment_role_arn(self), *admins]
        self.resource = lf.CfnDataLakeSettings(
            self,
            "Resource",
            mutation_type=parsed.value,
            admins=[
                lf.CfnDataLakeSettings.DataLakePrincipalProperty(data_lake_principal_identifier=p)
                for p in principals
            ],
            allow_external_data_filtering=True,
            authorized_session_tag_value_list=[session_tag_value],
            external_data_filtering_allow_list=[
                lf.CfnDataLakeSettings.DataLakePrincipalProperty(data_lake_principal_identifier=a)
                for a in allowed_accounts
            ],
        )


def governed_database(
    scope: Construct,
    construct_id: str,
    settings: LakeFormationSettings,
    *,
    name: str,
    description: str,
    location_uri: str | None = None,
    removal_policy: cdk.RemovalPolicy,
) -> glue.CfnDatabase:
    """A Glue database Lake Formation alone governs, created after ``settings``.

    Its tables get no default grant (``CreateTableDefaultPermissions`` empty, so no
    ``IAMAllowedPrincipals``), which a cross-account share needs; it waits for the settings that
    make the stack's role a data lake administrator.
    """
    database = glue.CfnDatabase(
        scope,
        construct_id,
        catalog_id=cdk.Stack.of(scope).account,
        database_input=glue.CfnDatabase.DatabaseInputProperty(
            name=name,
            description=description,
            location_uri=location_uri,
            create_table_default_permissions=[],
        ),
    )
    database.node.add_dependency(settings)
    database.apply_removal_policy(removal_policy)
    return database


def deployment_role_arn(scope: Construct) -> str:
    """The role CloudFormation deploys ``scope``'s stack with (it must administer the data lake)."""
    synthesizer = cdk.Stack.of(scope).synthesizer
    if isinstance(synthesizer, cdk.DefaultStackSynthesizer):
        # The synthesizer writes ``${AWS::Partition}``-style placeholders for its asset manifest;
        # in a template they need Fn::Sub.
        return cdk.Fn.sub(synthesizer.cloud_formation_execution_role_arn)
    return cdk.Stack.of(scope).format_arn(
        service="iam",
        region="",
        resource="role",
        resource_name=f"cdk-{cdk.DefaultStackSynthesizer.DEFAULT_QUALIFIER}-cfn-exec-role-"
        f"{cdk.Aws.ACCOUNT_ID}-{cdk.Aws.REGION}",
    )
