"""Pure naming rules of EMR on EKS: base36 role-name encoding, service accounts, name checks.

EMR on EKS runs each job's pods under service accounts named
``emr-containers-sa-<component>-<account>-<base36 of the job execution role name>``; a job
execution role's trust policy must name that pattern exactly, so the encoding here is the AWS CLI's
(``aws emr-containers update-role-trust-policy``): the role name's characters read as one
big-endian base-256 number, written in base 36 with the digits ``0-9a-z``.
"""

from __future__ import annotations

import aws_cdk as cdk

from emr_burst.core.errors import EmrBurstError, Problem

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


#: Spark components EMR on EKS creates service accounts for (EKS Pod Identity needs each one).
SERVICE_ACCOUNT_COMPONENTS = ("client", "driver", "executor")


class UnresolvedNameError(EmrBurstError):
    """base36 was asked of a value that is a CDK token, i.e. unknown until deploy time."""

    def __init__(self, message: str) -> None:
        super().__init__([Problem("base36 encoding", "", None, message)])


def base36_encode(text: str) -> str:
    """The EMR on EKS base36 form of ``text``.

    Example::

        base36_encode("EMRContainers-JobExecutionRole")
        # '189nnyj7mn9w2lqiewgg1u0l3jhmo0z69yjkj9u6qhosj8l'

    Raises :class:`UnresolvedNameError` for a CDK token: the encoding of a token's placeholder
    text would be a valid-looking string that matches no service account at deploy time.
    """
    if cdk.Token.is_unresolved(text):
        raise UnresolvedNameError(
            f"cannot compute the base36 form of {text!r}: it is a CDK token resolved only at "
            "deploy time; give the job execution role an explicit, literal role name"
        )
    if not text:
        raise ValueError("cannot compute the base36 form of an empty string")
    number = 0
    for char in text:
        code = ord(char)
        if code > 0xFF:
            raise ValueError(f"{text!r}: character {char!r} is outside the base-256 alphabet")
        number = number * 256 + code
    digits = []
    while number:
        number, rest = divmod(number, 36)
        digits.append(_DIGITS[rest])
    return "".join(reversed(digits)) or "0"


def base36_decode(encoded: str) -> str:
    """The inverse of :func:`base36_encode` (for checks and tooling)."""
    number = int(encoded, 36)
    chars = []
    while number:
        number, code = divmod(number, 256)
        chars.append(chr(code))
    return "".join(reversed(chars))


def service_account_pattern(namespace: str, account: str, role_name: str) -> str:
    """The ``sub`` an IRSA trust allows: every EMR service account of the role in ``namespace``.

    ``account`` may be a token (``Aws.ACCOUNT_ID``); ``role_name`` may not.
    """
    return (
        f"system:serviceaccount:{namespace}:emr-containers-sa-*-*-{account}-"
        f"{base36_encode(role_name)}"
    )


def service_account_names(account: str, role_name: str) -> dict[str, str]:
    """The service-account name of each Spark component (client, driver, executor) for a role."""
    suffix = f"{account}-{base36_encode(role_name)}"
    return {
        component: f"emr-containers-sa-spark-{component}-{suffix}"
        for component in SERVICE_ACCOUNT_COMPONENTS
    }
