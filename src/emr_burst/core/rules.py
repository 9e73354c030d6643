"""Every validation rule of the library, written once.

A rule takes a value and returns the fix (a sentence telling the user what to pass) when the value
is bad, or ``None`` when it is fine. Constructs apply rules through
:class:`emr_burst.core.errors.Checker` under their prop names; the configuration reader applies the
very same functions under context keys, so the two can never disagree. Values that are CDK tokens
(unknown until deploy) pass every rule: they cannot be judged at synth time.

Rules check the type first, so a wrong type gets a fix instead of a crash deeper in the library or
a jsii stack trace from aws-cdk-lib.
"""

from __future__ import annotations

import difflib
import enum
import ipaddress
import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import aws_cdk as cdk

from emr_burst.core import versions
from emr_burst.core.errors import Rule

E = TypeVar("E", bound=enum.Enum)


def unresolved(value: Any) -> bool:
    """True for a CDK token (a string, number or list only known at deploy time)."""
    if isinstance(value, list):
        # A list token is a list of encoded strings; other lists cannot be handed to jsii.
        return all(isinstance(item, str) for item in value) and cdk.Token.is_unresolved(value)
    return isinstance(value, (str, int, float)) and cdk.Token.is_unresolved(value)


def _text(value: Any, example: str) -> str | None:
    if isinstance(value, str):
        return None
    return f"expected a string such as {example!r}, got {type(value).__name__}"


# --- numbers ------------------------------------------------------------------------------------


def integer(low: int, high: int, *, unit: str = "") -> Rule:
    """A whole number in ``[low, high]`` (a bool is not a number)."""
    suffix = f" {unit}" if unit else ""

    def rule(value: Any) -> str | None:
        if unresolved(value):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return f"use a whole number from {low} to {high}{suffix}"
        if not low <= value <= high:
            return f"use a whole number from {low} to {high}{suffix}"
        return None

    return rule


def percent(value: Any) -> str | None:
    """A whole percentage, 0 to 100."""
    return integer(0, 100, unit="(percent)")(value)


#: Availability zones a VPC of the library spans: EMR and EKS need two, CDK's subnet maths four.
AZ_COUNT_RANGE = (2, 4)
az_count = integer(*AZ_COUNT_RANGE, unit="availability zones (EMR and EKS need two)")


# --- networks -----------------------------------------------------------------------------------


def cidr(value: Any) -> str | None:
    """Any IPv4 network in strict CIDR form (host bits zero)."""
    if unresolved(value):
        return None
    if (fix := _text(value, "10.0.0.0/16")) is not None:
        return fix
    try:
        ipaddress.IPv4Network(value, strict=True)
    except ValueError as err:
        return f"use an IPv4 network in CIDR form such as '10.0.0.0/16' ({err})"
    return None


#: A VPC of the library: /16 to /22 so every AZ gets public, private and isolated subnets.
VPC_PREFIX_RANGE = (16, 22)


def vpc_cidr(value: Any) -> str | None:
    """A private IPv4 range of /16 to /22."""
    if (fix := cidr(value)) is not None or unresolved(value):
        return fix
    network = ipaddress.IPv4Network(value)
    low, high = VPC_PREFIX_RANGE
    if not low <= network.prefixlen <= high:
        return (
            f"use a prefix from /{low} to /{high} so every AZ gets public, private and isolated "
            "subnets"
        )
    if not network.is_private:
        return "use a private (RFC 1918) range such as '10.0.0.0/16'"
    return None


#: The widest public network an allow-list (web UIs, a public API endpoint) may name.
ALLOW_LIST_MIN_PREFIX = 16


def allow_list_cidr(value: Any) -> str | None:
    """A network allowed to reach a UI or endpoint: private, or public and at most a /16.

    ``0.0.0.0/1`` is as open as ``0.0.0.0/0`` to anyone who scans, so the width is judged, not the
    literal ``/0``.
    """
    if (fix := cidr(value)) is not None or unresolved(value):
        return fix
    network = ipaddress.IPv4Network(value)
    if network.is_private:
        return None
    if network.prefixlen < ALLOW_LIST_MIN_PREFIX:
        return (
            f"a public /{network.prefixlen} opens this to a large part of the internet; list the "
            f"networks that need it, each /{ALLOW_LIST_MIN_PREFIX} or narrower (e.g. "
            "'203.0.113.0/24')"
        )
    return None


def disjoint_cidrs(first: str, second: str) -> bool:
    """True when two literal CIDRs do not overlap (tokens count as disjoint: not judged)."""
    if unresolved(first) or unresolved(second):
        return True
    return not ipaddress.IPv4Network(first).overlaps(ipaddress.IPv4Network(second))


# --- AWS names ----------------------------------------------------------------------------------

_ACCOUNT_RE = re.compile(r"^\d{12}$")


def account(value: Any) -> str | None:
    if unresolved(value):
        return None
    if not isinstance(value, str) or not _ACCOUNT_RE.match(value):
        return "an AWS account id is exactly 12 digits, e.g. '123456789012'"
    return None


#: Commercial, GovCloud and China regions as of November 2026. A region missing here is a typo far
#: more often than a brand-new region; a new one is one line to add.
KNOWN_REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-central-1",
        "ca-west-1",
        "cn-north-1",
        "cn-northwest-1",
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-gov-east-1",
        "us-gov-west-1",
        "us-west-1",
        "us-west-2",
    }
)


def region(value: Any) -> str | None:
    if unresolved(value):
        return None
    if not isinstance(value, str) or value not in KNOWN_REGIONS:
        hint = did_you_mean(str(value), KNOWN_REGIONS)
        return f"use an AWS region code such as 'us-east-1'{hint}"
    return None


_ROLE_NAME_RE = re.compile(r"^[A-Za-z0-9_+=,.@-]{1,64}$")
ROLE_NAME_MAX = 64


def role_name(value: Any) -> str | None:
    """A literal IAM role name (job roles need it literal: their trust encodes it)."""
    if isinstance(value, str) and cdk.Token.is_unresolved(value):
        return (
            "this role name is a CDK token; the trust policy needs the literal name at synth time "
            "to compute its base36 form, so pass a plain string"
        )
    if (fix := _text(value, "emr-burst-analytics-job")) is not None:
        return fix
    if len(value) > ROLE_NAME_MAX:
        return (
            f"IAM allows at most {ROLE_NAME_MAX} characters, this has {len(value)}; shorten the "
            "prefix or the team name"
        )
    if not _ROLE_NAME_RE.match(value):
        return "use letters, digits and '+=,.@_-' only (1-64 characters)"
    return None


_ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")


def role_arn(value: Any) -> str | None:
    if unresolved(value):
        return None
    if not isinstance(value, str) or not _ROLE_ARN_RE.match(value):
        return "use an IAM role ARN such as 'arn:aws:iam::123456789012:role/Admin'"
    return None


_BUCKET = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
_S3_OBJECT_RE = re.compile(rf"^s3://(?P<bucket>{_BUCKET})/(?P<key>\S+)$")
_S3_PREFIX_RE = re.compile(rf"^s3://(?P<bucket>{_BUCKET})(/\S*)?$")


def s3_object_uri(value: Any) -> str | None:
    """``s3://bucket/key`` naming one object."""
    if unresolved(value):
        return None
    if (
        not isinstance(value, str)
        or not (match := _S3_OBJECT_RE.match(value))
        or ".." in match["bucket"]
        or value.endswith("/")
    ):
        return "use an S3 object URI such as 's3://my-bucket/path/file'"
    return None


def s3_prefix_uri(value: Any) -> str | None:
    """``s3://bucket`` or ``s3://bucket/prefix/``."""
    if unresolved(value):
        return None
    if not isinstance(value, str) or not (match := _S3_PREFIX_RE.match(value)):
        return "use an S3 URI such as 's3://my-bucket/prefix/'"
    if ".." in match["bucket"]:
        return "a bucket name has no '..'; use an S3 URI such as 's3://my-bucket/prefix/'"
    return None


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """``(bucket, key)`` of a URI that passed :func:`s3_prefix_uri` or :func:`s3_object_uri`."""
    rest = uri[len("s3://") :]
    bucket, _, key = rest.partition("/")
    return bucket, key


_EKS_CLUSTER_RE = re.compile(r"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$")


def eks_cluster_name(value: Any) -> str | None:
    if unresolved(value):
        return None
    if not isinstance(value, str) or not _EKS_CLUSTER_RE.match(value):
        return (
            "use 1-100 letters, digits, '-' and '_', starting with a letter or digit "
            "(EKS cluster names)"
        )
    return None


_VC_NAME_RE = re.compile(r"^[.\-_/#A-Za-z0-9]{1,64}$")


def virtual_cluster_name(value: Any) -> str | None:
    if unresolved(value):
        return None
    if not isinstance(value, str) or not _VC_NAME_RE.match(value):
        return "use 1-64 letters, digits and '.-_/#' (EMR virtual cluster names)"
    return None


#: Step Functions state names are at most 80 characters.
STATE_NAME_MAX = 80


def state_name(value: Any) -> str | None:
    if (fix := _text(value, "Run nightly ETL")) is not None:
        return fix
    if not 1 <= len(value) <= STATE_NAME_MAX:
        return f"Step Functions state names have 1 to {STATE_NAME_MAX} characters; shorten it"
    return None


# --- EMR ----------------------------------------------------------------------------------------

_EMR_RELEASE_RE = re.compile(r"^emr-(?P<major>\d+)\.(?P<minor>\d+)\.(?P<patch>\d+)$")
_EMR_EKS_RELEASE_RE = re.compile(
    r"^emr-(?P<major>\d+)\.(?P<minor>\d+)\.(?P<patch>\d+)-(latest|\d{8})$"
)


def emr_release(value: Any) -> str | None:
    """An EMR on EC2 release label such as ``emr-6.15.0``."""
    if unresolved(value):
        return None
    if not isinstance(value, str) or not _EMR_RELEASE_RE.match(value):
        return "use an EMR release label such as 'emr-6.15.0'"
    return None


def emr_release_version(label: str) -> tuple[int, int, int] | None:
    match = _EMR_RELEASE_RE.match(label)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def emr_eks_release(value: Any) -> str | None:
    """An EMR on EKS 7.x release label such as ``emr-7.9.0-latest``."""
    if unresolved(value):
        return None
    match = _EMR_EKS_RELEASE_RE.match(value) if isinstance(value, str) else None
    if match is None or int(match["major"]) != versions.EMR_EKS_MAJOR:
        return (
            f"pin an EMR on EKS {versions.EMR_EKS_MAJOR}.x release label such as "
            f"'{versions.DEFAULT_EMR_EKS_RELEASE}' (or '-<yyyymmdd>' instead of '-latest')"
        )
    return None


def emr_eks_release_version(label: str) -> tuple[int, int] | None:
    match = _EMR_EKS_RELEASE_RE.match(label) if isinstance(label, str) else None
    return (int(match["major"]), int(match["minor"])) if match else None


# --- Kubernetes ---------------------------------------------------------------------------------


def kubernetes_version(value: Any) -> str | None:
    if unresolved(value):
        return None
    if not isinstance(value, str) or value not in versions.KUBERNETES_VERSIONS:
        return (
            f"use one of {', '.join(versions.KUBERNETES_VERSIONS)} (EKS-supported and within one "
            f"minor of the pinned kubectl {versions.KUBECTL_LAYER_VERSION} layer)"
        )
    return None


_DNS1123_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def dns_label(value: Any) -> str | None:
    """A DNS-1123 label (Kubernetes object names such as namespaces, services)."""
    if unresolved(value):
        return "use a literal name: Kubernetes names must be known at synth time"
    if (fix := _text(value, "analytics")) is not None:
        return fix
    if not _DNS1123_LABEL_RE.match(value):
        return (
            "use at most 63 lowercase letters, digits and '-', starting and ending with a letter "
            "or digit (a DNS-1123 label)"
        )
    return None


def namespace(value: Any) -> str | None:
    """A namespace a team or capability may own: a DNS-1123 label, not reserved."""
    if (fix := dns_label(value)) is not None:
        return fix
    if value == "default" or value.startswith("kube-"):
        return "'default' and 'kube-*' belong to Kubernetes itself; use a namespace of your own"
    return None


_QUANTITY_RE = re.compile(r"^\d+(\.\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")


def quantity(value: Any) -> str | None:
    """A Kubernetes quantity such as ``24``, ``500m`` or ``96Gi`` (given as a string)."""
    if (fix := _text(value, "96Gi")) is not None:
        return fix
    if not _QUANTITY_RE.match(value):
        return "use a Kubernetes quantity such as '24', '500m' or '96Gi'"
    return None


_SUFFIXES = {
    "": 1, "m": 0.001, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
}  # fmt: skip


def parse_quantity(text: str) -> float:
    """The number a valid Kubernetes quantity stands for: ``"500m"`` -> 0.5, ``"2Gi"`` -> 2**31."""
    number = re.match(r"^\d+(\.\d+)?", text)
    assert number is not None, text  # callers check rules.quantity first
    return float(number.group(0)) * _SUFFIXES[text[number.end() :]]


def memory_quantity(value: Any) -> str | None:
    """An amount of memory with an explicit unit: ``"38Gi"`` (GiB) or ``"38G"`` (10^9 bytes)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"give memory a unit: {value}Gi (GiB) or {value}G (10^9 bytes), not a bare number"
    if (fix := quantity(value)) is not None:
        return "use a memory amount with a unit such as '38Gi' or '512Mi'"
    if not re.search(r"(k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)$", value):
        return "give memory a unit such as '38Gi' or '512Mi'; a bare number is bytes"
    return fix


def cpu_quantity(value: Any) -> str | None:
    """An amount of CPU: vCPU (``10``, ``"10"``, ``"1.5"``) or millicores (``"500m"``)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return None
    if isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?m?", value):
        return None
    return "use a number of vCPU such as 10 or '1.5', or millicores such as '500m'"


_WHOLE_QUANTITY_RE = re.compile(r"^\d+([mkKMGTPE]i?)?$")


def whole_quantity(value: Any) -> str | None:
    """A quantity YuniKorn's parser takes: a whole number with an optional suffix (``10``,
    ``1500m``, ``1536Mi``), no fraction."""
    if isinstance(value, bool):
        return "use a whole number such as 10, '1500m' or '1536Mi'"
    if isinstance(value, int) or (isinstance(value, str) and _WHOLE_QUANTITY_RE.match(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return None
    return "use a whole number such as 10, '1500m' (1.5 vCPU) or '1536Mi' (1.5 GiB): no fractions"


def cpu_amount(value: float | str) -> float:
    """vCPU of a value that passed :func:`cpu_quantity`."""
    return float(value) if isinstance(value, (int, float)) else parse_quantity(value)


_SPARK_MEMORY_RE = re.compile(r"^(\d+)([kmgtp]b?)?$", re.IGNORECASE)
_SPARK_UNITS = {"k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "p": 2**50}


def spark_memory(value: Any) -> str | None:
    """A Spark memory size such as ``4g``, ``512m`` or ``2048`` (MiB, as Spark reads a bare
    number for driver and executor memory)."""
    if (fix := _text(value, "4g")) is not None:
        return fix
    if not _SPARK_MEMORY_RE.match(value.strip()):
        return "use a Spark memory size such as '4g', '512m' or '2048' (MiB)"
    return None


def spark_memory_bytes(value: str) -> int:
    """Bytes of a Spark memory size that passed :func:`spark_memory`."""
    match = _SPARK_MEMORY_RE.match(value.strip())
    assert match is not None, value
    unit = (match.group(2) or "m")[0].lower()
    return int(match.group(1)) * _SPARK_UNITS[unit]


_GO_DURATION_RE = re.compile(r"^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$")


def go_duration(value: Any) -> str | None:
    """A positive Go duration string such as ``30s``, ``1m30s`` or ``2h``."""
    if (fix := _text(value, "30s")) is not None:
        return fix
    if not _GO_DURATION_RE.match(value) or not re.search(r"[1-9]", value):
        return "use a positive Go duration such as '30s', '1m30s' or '2h'"
    return None


_DURATION_RE = re.compile(r"^\d+(ms|s|m|h)$")


def spark_duration(value: Any) -> str | None:
    """A Spark/Kubernetes duration string such as ``60s``, ``5m`` or ``1h``."""
    if (fix := _text(value, "60s")) is not None:
        return fix
    if not _DURATION_RE.match(value):
        return "use a duration such as '60s', '5m' or '1h'"
    return None


def cdk_duration(value: Any) -> str | None:
    """An ``aws_cdk.Duration`` (not a number of seconds)."""
    if isinstance(value, cdk.Duration):
        return None
    return f"expected an aws_cdk.Duration such as Duration.minutes(5), got {type(value).__name__}"


_LABEL_NAME_RE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$")
_LABEL_PREFIX_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def label_key(value: Any) -> str | None:
    """A Kubernetes label or annotation key: ``[prefix/]name``."""
    if (fix := _text(value, "team")) is not None:
        return fix
    prefix, _, name = value.rpartition("/")
    if prefix and (len(prefix) > 253 or not _LABEL_PREFIX_RE.match(prefix)):
        return "the prefix before '/' must be a DNS subdomain such as 'example.com'"
    if not _LABEL_NAME_RE.match(name):
        return (
            "use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter "
            "or digit (optionally after a 'dns.prefix/')"
        )
    return None


def label_value(value: Any) -> str | None:
    """A Kubernetes label value: empty, or a label name."""
    if (fix := _text(value, "analytics")) is not None:
        return fix
    if value and not _LABEL_NAME_RE.match(value):
        return (
            "use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter "
            "or digit"
        )
    return None


# --- shapes and choices -------------------------------------------------------------------------


def string_list(example: str) -> Rule:
    """A list (or tuple) of strings; a bare string is rejected rather than split into letters."""

    def rule(value: Any) -> str | None:
        if unresolved(value):
            return None
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            return f"expected a list of strings such as [{example!r}], got {type(value).__name__}"
        bad = [item for item in value if not isinstance(item, str)]
        if bad:
            return f"every entry must be a string such as {example!r}; got {bad!r}"
        return None

    return rule


def distinct(value: Sequence[Any]) -> str | None:
    seen: set[Any] = set()
    twice = []
    for item in value:
        if item in seen:
            twice.append(item)
        seen.add(item)
    if twice:
        return f"list each entry once; repeated: {sorted(set(map(str, twice)))}"
    return None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def choice(enum_type: type[E], value: Any) -> E | str:
    """Parse ``value`` into a member of ``enum_type``; return the fix when it cannot be parsed.

    A member passes as is; a string passes when it equals a member's value or name (any case).
    """
    if isinstance(value, enum_type):
        return value
    if isinstance(value, str):
        text = value.strip()
        for member in enum_type:
            if text == str(member.value) or text.lower() in (
                str(member.value).lower(),
                member.name.lower(),
            ):
                return member
    names = [str(m.value) for m in enum_type]
    hint = ""
    if isinstance(value, str):
        by_lower = {n.lower(): n for n in names}
        close = difflib.get_close_matches(value.strip().lower(), list(by_lower), n=1, cutoff=0.6)
        hint = f" (did you mean {by_lower[close[0]]!r}?)" if close else ""
    return (
        f"choose one of {', '.join(repr(n) for n in names)} (or {enum_type.__name__}.<NAME>){hint}"
    )


def instance_of(expected: type | tuple[type, ...], example: str) -> Rule:
    """The value is an instance of a concrete class (or one of several)."""

    def rule(value: Any) -> str | None:
        if isinstance(value, expected):
            return None
        return f"expected {example}, got {type(value).__name__}"

    return rule


def interface(example: str, *members: str) -> Rule:
    """The value implements a jsii interface such as ``ec2.IVpc``: it has all of ``members``.

    jsii interfaces are typing protocols that ``isinstance`` cannot check, so the members the
    library uses are checked instead.
    """

    def rule(value: Any) -> str | None:
        if value is not None and all(hasattr(value, m) for m in members):
            return None
        return f"expected {example}, got {type(value).__name__}"

    return rule


# --- config / network ---------------------------------------------------------------------------


def sequence(example: str) -> Rule:
    """A list or tuple; a bare string or a number is rejected rather than iterated."""

    def rule(value: Any) -> str | None:
        # A list token is a list of one encoded string; other lists (of enum members, say) must
        # not reach jsii's token check, which cannot serialize them.
        if isinstance(value, list) and all(isinstance(i, str) for i in value) and unresolved(value):
            return None
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            return f"expected a list such as [{example}], got {type(value).__name__}"
        return None

    return rule


def one_of(enum_type: type[E]) -> Rule:
    """The rule form of :func:`choice`: a member, or a string naming one, passes."""

    def rule(value: Any) -> str | None:
        parsed = choice(enum_type, value)
        return parsed if isinstance(parsed, str) else None

    return rule


def nat_gateway_count(max_azs: Any) -> Rule:
    """1 to ``max_azs`` NAT gateways (at most one per AZ); with a bad ``max_azs``, 1 to the most
    AZs a VPC may span, so a NAT problem is still reported next to the AZ one."""
    high = max_azs if az_count(max_azs) is None and isinstance(max_azs, int) else AZ_COUNT_RANGE[1]
    return integer(1, high, unit="NAT gateways (at most one per AZ the VPC spans)")


#: The retention periods CloudWatch Logs accepts, in days.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
)  # fmt: skip


def log_retention_days(value: Any) -> str | None:
    """A number of days CloudWatch Logs accepts as a log group's retention."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in LOG_RETENTION_DAYS:
        return "CloudWatch Logs accepts only " + ", ".join(map(str, LOG_RETENTION_DAYS)) + " days"
    return None


# --- emr_ec2 / hybrid ---------------------------------------------------------------------------


def at_least(low: int, *, unit: str = "") -> Rule:
    """A whole number of at least ``low`` (a bool is not a number)."""
    suffix = f" {unit}" if unit else ""

    def rule(value: Any) -> str | None:
        if unresolved(value):
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            return f"use a whole number of at least {low}{suffix}"
        return None

    return rule


def duration(low: cdk.Duration, high: cdk.Duration, *, step: cdk.Duration | None = None) -> Rule:
    """An ``aws_cdk.Duration`` from ``low`` to ``high``, a whole multiple of ``step`` if given."""
    low_ms, high_ms = low.to_milliseconds(), high.to_milliseconds()
    step_ms = step.to_milliseconds() if step is not None else 1
    steps = f" in steps of {step.to_human_string()}" if step is not None else ""

    def rule(value: Any) -> str | None:
        if (fix := cdk_duration(value)) is not None:
            return fix
        millis = value.to_milliseconds(integral=False)
        if millis % step_ms or not low_ms <= millis <= high_ms:
            return (
                f"use a Duration from {low.to_human_string()} to {high.to_human_string()}{steps}; "
                f"got {value.to_human_string()}"
            )
        return None

    return rule


def string_map(example: str) -> Rule:
    """A mapping of strings to strings, e.g. Hadoop or Alluxio properties."""

    def rule(value: Any) -> str | None:
        if isinstance(value, str) or not callable(getattr(value, "items", None)):
            return f"expected a dict of strings such as {example}, got {type(value).__name__}"
        bad = [k for k, v in value.items() if not isinstance(k, str) or not isinstance(v, str)]
        if bad:
            return f"keys and values must be strings such as {example}; check {bad!r}"
        return None

    return rule


def boolean(value: Any) -> str | None:
    """``True`` or ``False`` (a string such as ``'false'`` would count as true)."""
    if isinstance(value, bool):
        return None
    return f"expected True or False, got {type(value).__name__}"


def optional(rule: Rule) -> Rule:
    """``rule``, or ``None``."""

    def check(value: Any) -> str | None:
        return None if value is None else rule(value)

    return check


# --- Lake Formation -----------------------------------------------------------------------------

_GLUE_NAME_RE = re.compile(r"^[a-z0-9_]{1,255}$")


def glue_name(value: Any) -> str | None:
    """A Glue database, table, column or data cell filter name as Lake Formation stores it."""
    if (fix := _text(value, "healthcare_db")) is not None:
        return fix
    if not _GLUE_NAME_RE.match(value):
        return (
            "use 1-255 lowercase letters, digits and '_' (Lake Formation lowercases names, so a "
            "mixed-case name would not match its own grants)"
        )
    return None


_SESSION_TAG_RE = re.compile(r"^[.\-_/#A-Za-z0-9 ]{1,256}$")


def session_tag_value(value: Any) -> str | None:
    """The session tag value EMR on EKS presents to Lake Formation (``EMR on EKS Engine``)."""
    if (fix := _text(value, "EMR on EKS Engine")) is not None:
        return fix
    if not _SESSION_TAG_RE.match(value) or not value.strip():
        return "use 1-256 letters, digits, spaces and '.-_/#', e.g. 'EMR on EKS Engine'"
    return None


def row_filter(value: Any) -> str | None:
    """A Lake Formation row filter expression (PartiQL), e.g. ``state in ('Texas')``."""
    if (fix := _text(value, "state in ('Texas', 'New York')")) is not None:
        return fix
    if not value.strip():
        return (
            "an empty row filter is not 'all rows': write the condition, e.g. "
            "\"state in ('Texas', 'New York')\", or 'TRUE' to keep every row"
        )
    return None


#: Iceberg primitive types a table column of the library may have.
ICEBERG_TYPES = frozenset(
    {
        "boolean",
        "int",
        "long",
        "float",
        "double",
        "date",
        "time",
        "timestamp",
        "timestamptz",
        "string",
        "uuid",
        "binary",
    }
)
_DECIMAL_RE = re.compile(r"^decimal\((?P<p>\d{1,2}),\s*(?P<s>\d{1,2})\)$")


def iceberg_type(value: Any) -> str | None:
    """An Iceberg primitive type such as ``long``, ``string`` or ``decimal(10,2)``."""
    if (fix := _text(value, "long")) is not None:
        return fix
    match = _DECIMAL_RE.match(value)
    if value in ICEBERG_TYPES or (match and int(match["s"]) <= int(match["p"]) <= 38):
        return None
    return (
        f"use an Iceberg primitive type: one of {', '.join(sorted(ICEBERG_TYPES))}, or "
        "'decimal(P,S)' with S <= P <= 38"
    )


def fgac_release(value: Any) -> str | None:
    """An EMR on EKS release with Lake Formation fine-grained access control (7.7 or later)."""
    if (fix := emr_eks_release(value)) is not None or unresolved(value):
        return fix
    version = emr_eks_release_version(value)
    low = versions.LAKE_FORMATION_FGAC_MIN_RELEASE
    if version is None or version < low:
        return (
            f"Lake Formation fine-grained access control needs EMR {low[0]}.{low[1]} or later; "
            f"use e.g. '{versions.DEFAULT_EMR_EKS_RELEASE}'"
        )
    return None


# --- observability ------------------------------------------------------------------------------

_PREFIX_RE = re.compile(r"^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$")


def s3_directory(value: Any) -> str | None:
    """A key prefix that names one directory: ``spark-events/`` (no leading '/', a trailing '/').

    Without the trailing slash, ``spark-events`` also matches ``spark-events-old/...`` in IAM and
    lifecycle prefixes, and readers and writers may disagree on the directory.
    """
    if unresolved(value):
        return "use a literal prefix: readers and writers must agree on it at synth time"
    if (fix := _text(value, "spark-events/")) is not None:
        return fix
    if not value.endswith("/"):
        return f"end the directory with '/', e.g. {value.rstrip('/') + '/'!r}"
    if not _PREFIX_RE.match(value):
        return (
            "use path segments of letters, digits and !_.*'()- separated by '/', no leading '/', "
            "e.g. 'spark-events/'"
        )
    return None


_DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$"
)


def domain_name(value: Any) -> str | None:
    """A lowercase DNS domain of at least two labels, e.g. ``example.internal``."""
    if unresolved(value):
        return "use a literal domain: the certificate and the hosted zone are named at synth time"
    if (fix := _text(value, "example.internal")) is not None:
        return fix
    if not _DOMAIN_RE.match(value):
        return "use a lowercase domain of two or more labels such as 'example.internal'"
    return None


#: ACM takes a certificate's first domain name (its subject common name) of at most 64 octets,
#: periods included (RFC 5280's limit on the common name).
ACM_DOMAIN_MAX = 64


def certificate_domain(*labels: str) -> Rule:
    """A domain whose ``<label>.<domain>`` names, for every label, fit ACM's 64-octet limit.

    The domain itself is judged by :func:`domain_name`; this rule only adds the length of the
    certificate names built from it (``spark-history-server.<domain>``, ``vpn.<domain>``).
    """

    def rule(value: Any) -> str | None:
        if not isinstance(value, str) or unresolved(value):
            return None
        longest = max((f"{label}.{value}" for label in labels), key=len)
        if len(longest) > ACM_DOMAIN_MAX:
            room = ACM_DOMAIN_MAX - (len(longest) - len(value))
            return (
                f"the certificate name {longest!r} is {len(longest)} characters; ACM takes at "
                f"most {ACM_DOMAIN_MAX}, so use a domain of at most {room} characters"
            )
        return None

    return rule


def disjoint_from(other: str, what: str) -> Rule:
    """A CIDR that does not overlap ``other`` (``what`` names it in the fix)."""

    def rule(value: Any) -> str | None:
        if (fix := cidr(value)) is not None or unresolved(value):
            return fix
        if not disjoint_cidrs(value, other):
            return f"overlaps {what} {other}; pick a range outside it, e.g. '172.16.0.0/22'"
        return None

    return rule


#: AWS Client VPN gives clients addresses from a block of /12 to /22.
CLIENT_VPN_PREFIX_RANGE = (12, 22)


def client_vpn_cidr(value: Any) -> str | None:
    """A Client VPN client range: a CIDR of /12 to /22 (what the Client VPN API accepts)."""
    if (fix := cidr(value)) is not None or unresolved(value):
        return fix
    low, high = CLIENT_VPN_PREFIX_RANGE
    if not low <= ipaddress.IPv4Network(value).prefixlen <= high:
        return f"Client VPN takes a client range of /{low} to /{high}, e.g. '172.16.0.0/22'"
    return None


def private_ca_arn(value: Any) -> str | None:
    """An AWS Private CA ARN: ``arn:aws:acm-pca:<region>:<account>:certificate-authority/<id>``."""
    if unresolved(value):
        return None
    if not isinstance(value, str) or not re.match(
        r"^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority/[\w-]+$", value
    ):
        return (
            "use an AWS Private CA ARN such as "
            "'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/<id>'"
        )
    return None


_ACM_CERTIFICATE_ARN_RE = re.compile(
    r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$"
)


def acm_certificate_arn(value: Any) -> str | None:
    """An ACM certificate ARN: ``arn:aws:acm:<region>:<account>:certificate/<uuid>``."""
    if unresolved(value):
        return None
    if (fix := _text(value, "arn:aws:acm:us-east-1:123456789012:certificate/<id>")) is not None:
        return fix
    if not _ACM_CERTIFICATE_ARN_RE.match(value):
        return (
            "use an ACM certificate ARN such as 'arn:aws:acm:us-east-1:123456789012:certificate/"
            "11111111-2222-3333-4444-555555555555' (import the certificate into ACM first)"
        )
    return None


def ui_group(value: Any) -> str | None:
    """A group name in a comma-separated Spark ACL list: no commas, no surrounding spaces."""
    if (fix := _text(value, "spark-admins")) is not None:
        return fix
    if not value or "," in value or value.strip() != value:
        return "use a group name without commas or surrounding spaces"
    return None


# --- Hive Metastore -----------------------------------------------------------------------------

_WAREHOUSE_RE = re.compile(rf"^s3a?://(?P<bucket>{_BUCKET})(/\S*)?$")


def warehouse_location(value: Any) -> str | None:
    """A Hive warehouse location: ``s3://bucket/prefix/`` (EMRFS) or ``s3a://bucket/prefix/``."""
    if unresolved(value):
        return None
    if not isinstance(value, str) or not (match := _WAREHOUSE_RE.match(value)):
        return "use an s3:// or s3a:// URI such as 's3://my-warehouse/warehouse/'"
    if ".." in match["bucket"]:
        return "a bucket name has no '..'; use a URI such as 's3://my-warehouse/warehouse/'"
    return None


_IMAGE_REPOSITORY_RE = re.compile(
    r"^(?P<registry>[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?)/(?P<path>[a-z0-9]+([._/-][a-z0-9]+)*)$"
)
_IMAGE_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def image_repository(value: Any) -> str | None:
    """A container image repository with its registry (``<account>.dkr.ecr.<region>.amazonaws.com/
    hive-metastore``), without a tag: pod templates are files written at synth time, so literal."""
    if unresolved(value):
        return (
            "use a literal repository URI: the image is written into Kubernetes objects and pod "
            "template files at synth time"
        )
    if (
        fix := _text(value, "123456789012.dkr.ecr.us-east-1.amazonaws.com/hive-metastore")
    ) is not None:
        return fix
    if ":" in value.rsplit("/", 1)[-1] or "@" in value:
        return "pass the repository without a tag or digest; give the tag separately"
    if not _IMAGE_REPOSITORY_RE.match(value):
        return (
            "use '<registry>/<repository>' such as "
            "'123456789012.dkr.ecr.us-east-1.amazonaws.com/hive-metastore'"
        )
    return None


def image_tag(value: Any) -> str | None:
    """An image tag that names one build: not empty and not ``latest`` (which moves)."""
    if (fix := _text(value, "4.0.1-1")) is not None:
        return fix
    if not _IMAGE_TAG_RE.match(value):
        return "use a tag of letters, digits, '_', '.' and '-' (at most 128) such as '4.0.1-1'"
    if value == "latest":
        return "'latest' moves with every push; pin the tag of one build such as '4.0.1-1'"
    return None
