"""Lake Formation grant targets, typed for ``AWS::LakeFormation::PrincipalPermissions``."""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_lakeformation as lf
from constructs import Construct

_P = lf.CfnPrincipalPermissions
#: The last grant created in each stack: the next one waits for it (one chain per stack).
_LAST_GRANT: weakref.WeakKeyDictionary[cdk.Stack, _P] = weakref.WeakKeyDictionary()


def principal(identifier: str) -> _P.DataLakePrincipalProperty:
    """An account id or an IAM role ARN."""
    return _P.DataLakePrincipalProperty(data_lake_principal_identifier=identifier)


def database(catalog: str, name: str) -> _P.ResourceProperty:
    return _P.ResourceProperty(database=_P.DatabaseResourceProperty(catalog_id=catalog, name=name))


def table(catalog: str, database_name: str, name: str) -> _P.ResourceProperty:
    return _P.ResourceProperty(
        table=_P.TableResourceProperty(catalog_id=catalog, database_name=database_name, name=name)
    )


def data_cells_filter(
    catalog: str, database_name: str, table_name: str, name: str
) -> _P.ResourceProperty:
    return _P.ResourceProperty(
        data_cells_filter=_P.DataCellsFilterResourceProperty(
            table_catalog_id=catalog, database_name=database_name, table_name=table_name, name=name
        )
    )


def grant(
    scope: Construct,
    construct_id: str,
    principal_id: str,
    resource: _P.ResourceProperty,
    permissions: Sequence[str],
    *,
    grantable: bool,
) -> lf.CfnPrincipalPermissions:
    """``permissions`` on ``resource`` to ``principal_id``; ``grantable`` gives them with grant
    option (what a cross-account share needs: the consumer grants them on).

    Every grant of a stack depends on the one created before it: Lake Formation can fail
    ``PrincipalPermissions`` created in parallel with ``AlreadyExists``, so CloudFormation creates
    them one at a time.
    """
    grant_ = lf.CfnPrincipalPermissions(
        scope,
        construct_id,
        principal=principal(principal_id),
        resource=resource,
        permissions=list(permissions),
        permissions_with_grant_option=list(permissions) if grantable else [],
    )
    stack = cdk.Stack.of(scope)
    previous = _LAST_GRANT.get(stack)
    if previous is not None:
        grant_.node.add_dependency(previous)
    _LAST_GRANT[stack] = grant_
    return grant_
