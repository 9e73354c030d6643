"""Release rules: supported lines, Hadoop major, instance families and applications per release."""

from __future__ import annotations

import pytest

from emr_burst.core.errors import EmrBurstError
from emr_burst.emr_ec2 import releases
from tests.unit.emr_ec2.helpers import problem


def test_hadoop_line_follows_the_emr_line() -> None:
    assert releases.hadoop_major("emr-5.36.0") == 2
    assert releases.hadoop_major("emr-6.15.0") == 3
    assert releases.hadoop_major("emr-7.2.0") == 3


def test_fails_when_hadoop_major_gets_a_malformed_label() -> None:
    with pytest.raises(EmrBurstError) as err:
        releases.hadoop_major("6.15")
    assert "'emr-6.15.0'" in problem(err, "release_label").fix


def test_fails_when_release_line_is_unsupported() -> None:
    assert "EMR 5, 6 or 7" in str(releases.supported_release("emr-4.9.0"))
    assert releases.supported_release("emr-7.2.0") is None


def test_graviton2_needs_its_first_release_per_line() -> None:
    rule = releases.instance_type("emr-6.0.0")
    assert "use emr-6.1.0 or later" in str(rule("r6g.xlarge"))
    assert releases.instance_type("emr-6.1.0")("r6g.xlarge") is None
    assert releases.instance_type("emr-5.31.0")("m6g.xlarge") is None
    assert releases.instance_type("emr-6.15.0")("m5.xlarge") is None


def test_fails_when_instance_type_is_malformed() -> None:
    assert "'r5d.4xlarge'" in str(releases.instance_type("emr-6.15.0")("r5d-4xlarge"))
    assert "'r5d.4xlarge'" in str(releases.instance_type("emr-6.15.0")(4))


def test_trino_and_prestosql_follow_their_release_ranges() -> None:
    assert releases.application("emr-6.4.0")("Trino") is None
    assert "emr-6.4.0 or later" in str(releases.application("emr-6.3.0")("Trino"))
    assert releases.application("emr-6.2.0")("PrestoSQL") is None
    assert "does not ship PrestoSQL" in str(releases.application("emr-6.5.0")("PrestoSQL"))
    assert releases.application("emr-6.15.0")("Spark") is None


def test_fails_when_two_engines_share_a_cluster() -> None:
    assert "choose one" in str(releases.one_engine(["Hadoop", "Presto", "Trino"]))
    assert releases.one_engine(["Hadoop", "Trino"]) is None


def test_idle_termination_needs_its_first_release() -> None:
    assert "emr-5.30.0 or later" in str(releases.idle_timeout("emr-5.29.0")(60))
    assert releases.idle_timeout("emr-5.29.0")(None) is None
    assert releases.idle_timeout("emr-7.0.0")(60) is None
