"""Operations around an EMR cluster: alarms, state-change events and an optional step runner."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from aws_cdk.interfaces import aws_events as events_refs
from constructs import Construct

from emr_burst.core import kms as _kms
from emr_burst.core import nag as _nag
from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.core.removal import data_removal_policy
from emr_burst.emr_ec2.base import METRIC_PERIOD, IEmrCluster, cluster_rule
from emr_burst.emr_ec2.bootstrap import emr_name

DEFAULT_IDLE_ALARM_AFTER = cdk.Duration.minutes(30)
#: An idle alarm waits a whole number of EMR's 5-minute periods, up to a day.
idle_alarm_after_rule = rules.duration(METRIC_PERIOD, cdk.Duration.days(1), step=METRIC_PERIOD)
#: HDFS fill level that alarms, in whole percent (0 would alarm on an empty HDFS).
hdfs_percent_rule = rules.integer(1, 100, unit="(percent)")
MAX_STEP_RETRIES = 10


class EmrEvent(enum.Enum):
    """EMR state-change events on EventBridge (source ``aws.emr``), grouped as one rule each."""

    CLUSTER_STATE = ("ClusterState", ("EMR Cluster State Change",))
    STEP_STATUS = ("StepStatus", ("EMR Step Status Change",))
    CAPACITY_STATE = (
        "CapacityState",
        ("EMR Instance Group State Change", "EMR Instance Fleet State Change"),
    )
    AUTO_SCALING_STATE = ("AutoScalingState", ("EMR Auto Scaling Policy State Change",))

    @property
    def construct_id(self) -> str:
        return self.value[0]

    @property
    def detail_types(self) -> tuple[str, ...]:
        return self.value[1]


@dataclass(frozen=True)
class EmrStep:
    """One step for the state machine: ``command-runner.jar`` with ``args``."""

    name: str
    args: tuple[str, ...]


class EmrOperations(Construct):
    """Alarms, state-change notifications and an optional step runner for one EMR cluster.

    * ``IsIdle`` alarm: the cluster ran no work for ``idle_alarm_after`` (EMR's idle signal);
    * ``HDFSUtilization`` alarm: HDFS is fuller than ``hdfs_utilization_percent`` (add core nodes);
    * EventBridge rules for cluster, step, instance group/fleet and auto-scaling state changes of
      this cluster, all to one KMS-encrypted SNS topic that also receives the alarms;
    * with ``steps``, a Step Functions state machine that adds them to the cluster one by one,
      waits for each, retries with backoff and notifies the topic on failure.

    Example::

        ops = EmrOperations(self, "Operations",
            cluster=cluster,
            idle_alarm_after=Duration.minutes(30),
            steps=[EmrStep("q44", ("presto-cli", "--catalog", "onprem", "-f", "/tmp/q44.sql"))],
        )
        ops.topic.add_subscription(subscriptions.EmailSubscription("ops@example.com"))

    :param cluster: the cluster to watch: an ``EmrCluster`` or any :class:`IEmrCluster`, e.g.
        ``EmrCluster.from_cluster_attributes(...)``.
    :param idle_alarm_after: how long idle before alarming, a multiple of 5 minutes up to a day.
        Default: - 30 minutes.
    :param hdfs_utilization_percent: HDFS fill level that alarms, 1-100. Default: - 80.
    :param topic: where alarms and events go. A topic made in this app gets policy statements that
        admit this account's CloudWatch alarms and exactly these rules; an imported topic's policy
        is its owner's and must admit ``cloudwatch.amazonaws.com`` and ``events.amazonaws.com``.
        Default: - a new KMS-encrypted topic.
    :param encryption_key: for the topic and the state machine's log group.
        Default: - a new key with rotation.
    :param steps: steps the state machine runs. Default: - no state machine.
    :param step_retries: retries per step, 0-10. Default: - 2.
    :param removal_policy: of the topic, key and log group it creates. Default: - RETAIN.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cluster: IEmrCluster,
        idle_alarm_after: cdk.Duration = DEFAULT_IDLE_ALARM_AFTER,
        hdfs_utilization_percent: int = 80,
        topic: sns.ITopic | None = None,
        encryption_key: kms.IKey | None = None,
        steps: Sequence[EmrStep] = (),
        step_retries: int = 2,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        check = Checker(scope, construct_id, "EmrOperations")
        check.rule("cluster", cluster, cluster_rule)
        check.rule("idle_alarm_after", idle_alarm_after, idle_alarm_after_rule)
        check.rule("hdfs_utilization_percent", hdfs_utilization_percent, hdfs_percent_rule)
        check.rule("step_retries", step_retries, rules.integer(0, MAX_STEP_RETRIES))
        check.rule("topic", topic, rules.optional(rules.interface("an sns.ITopic", "topic_arn")))
        check.rule(
            "encryption_key",
            encryption_key,
            rules.optional(rules.interface("a kms.IKey", "key_arn")),
        )
        check.rule(
            "removal_policy",
            removal_policy,
            rules.optional(rules.instance_of(cdk.RemovalPolicy, "cdk.RemovalPolicy.RETAIN")),
        )
        _check_steps(check, steps)
        check.raise_if_any()
        idle_minutes = idle_alarm_after.to_minutes()
        super().__init__(scope, construct_id)
        removal = data_removal_policy(self, removal_policy)
        stack = cdk.Stack.of(self)

        self.encryption_key: kms.IKey = encryption_key or _kms.new_key(
            self,
            "Key",
            description=f"Encrypts the notifications and logs of {self.node.path}",
            removal_policy=removal,
        )
        # Alarm actions publish as cloudwatch.amazonaws.com, rules as events.amazonaws.com; both
        # need data keys of an encrypted topic's key (and sns:Publish, below).
        alarms = alarm_arns(stack)
        self.encryption_key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(CLOUDWATCH)],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {"aws:SourceArn": alarms},
                },
            )
        )
        # The SNS developer guide (key management): aws:SourceAccount and aws:SourceArn in a key
        # policy are not supported for EventBridge-to-encrypted-topic delivery, so conditions here
        # would drop every event. The gate is the topic policy, which admits only these rules.
        self.encryption_key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(EVENTS)],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        if topic is None:
            created = sns.Topic(
                self,
                "Topic",
                display_name=f"EMR {cluster.node.id} notifications",
                master_key=self.encryption_key,
                enforce_ssl=True,
            )
            created.apply_removal_policy(removal)
            topic = created
        self.topic: sns.ITopic = topic
        action = cw_actions.SnsAction(topic)

        self.idle_alarm = cloudwatch.Alarm(
            self,
            "IdleAlarm",
            alarm_description=(
                f"EMR cluster {cluster.node.path} ran no work for {idle_minutes:g} minutes"
            ),
            metric=cluster.metric_is_idle(statistic="Minimum", period=METRIC_PERIOD),
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=int(idle_minutes // 5),
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.hdfs_alarm = cloudwatch.Alarm(
            self,
            "HdfsUtilizationAlarm",
            alarm_description=(
                f"HDFS of {cluster.node.path} is over {hdfs_utilization_percent:g}% full: "
                "add core nodes or move data out"
            ),
            metric=cluster.metric_hdfs_utilization(statistic="Average", period=METRIC_PERIOD),
            threshold=hdfs_utilization_percent,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        for alarm in (self.idle_alarm, self.hdfs_alarm):
            alarm.add_alarm_action(action)

        event_rules = Construct(self, "Events")
        self.rules: dict[EmrEvent, events.Rule] = {}
        for event in EmrEvent:
            rule = events.Rule(
                event_rules,
                event.construct_id,
                description=f"{', '.join(event.detail_types)} of {cluster.node.path}",
                event_pattern=events.EventPattern(
                    source=["aws.emr"],
                    detail_type=list(event.detail_types),
                    detail={"clusterId": [cluster.cluster_id]},
                ),
            )
            rule.add_target(_TopicTarget(topic))
            self.rules[event] = rule
        self._admit_publishers(topic, alarms)

        self.state_machine: sfn.StateMachine | None = None
        if steps:
            self.state_machine = self._state_machine(cluster, steps, step_retries, removal)

    def _admit_publishers(self, topic: sns.ITopic, alarms: str) -> None:
        """Let this account's alarms and exactly these rules publish (no-op on an imported topic,
        whose policy is its owner's)."""
        account = cdk.Stack.of(self).account
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                principals=[iam.ServicePrincipal(CLOUDWATCH)],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": account},
                    "ArnLike": {"aws:SourceArn": alarms},
                },
            )
        )
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="EmrStateChangeRulesPublish",
                principals=[iam.ServicePrincipal(EVENTS)],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": account},
                    "ArnEquals": {"aws:SourceArn": [r.rule_arn for r in self.rules.values()]},
                },
            )
        )

    def _state_machine(
        self,
        cluster: IEmrCluster,
        steps: Sequence[EmrStep],
        retries: int,
        removal: cdk.RemovalPolicy,
    ) -> sfn.StateMachine:
        stack = cdk.Stack.of(self)
        _kms.allow_cloudwatch_logs(self.encryption_key)
        log_group = logs.LogGroup(
            self,
            "StateMachineLogs",
            encryption_key=self.encryption_key,
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=removal,
        )
        notify = tasks.SnsPublish(
            self,
            "NotifyFailure",
            topic=self.topic,
            message=sfn.TaskInput.from_json_path_at("$"),
            subject=f"EMR steps failed on {cluster.node.id}",
            result_path=sfn.JsonPath.DISCARD,
        ).next(sfn.Fail(self, "StepsFailed", cause="An EMR step failed after its retries"))
        chain: sfn.IChainable | None = None
        tail: sfn.INextable | None = None
        for index, step in enumerate(steps, start=1):
            task = tasks.EmrAddStep(
                self,
                f"Step{index}",
                state_name=_state_name(index, step.name),
                cluster_id=cluster.cluster_id,
                name=step.name,
                jar="command-runner.jar",
                args=list(step.args),
                action_on_failure=tasks.ActionOnFailure.CONTINUE,
                integration_pattern=sfn.IntegrationPattern.RUN_JOB,
                result_path=sfn.JsonPath.DISCARD,
            )
            if retries:
                task.add_retry(
                    errors=["States.ALL"],
                    max_attempts=retries,
                    interval=cdk.Duration.seconds(30),
                    backoff_rate=2,
                )
            task.add_catch(notify, result_path="$.error")
            if tail is None:
                chain = task
            else:
                tail.next(task)
            tail = task
        assert chain is not None
        machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(chain),
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL),
            tracing_enabled=True,
        )
        # SnsPublish grants sns:Publish only; publishing to a KMS-encrypted topic also needs the
        # key, through SNS only (the access matrix found the failure notice would be refused).
        machine.add_to_role_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=[self.encryption_key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"sns.{stack.region}.amazonaws.com"}
                },
            )
        )
        _nag.acknowledge(
            machine,
            "Step Functions' EMR integration writes this role's policy and grants "
            "AddJobFlowSteps, DescribeStep and CancelSteps on cluster/* of this account and "
            "region; the definition only ever passes this one cluster's id.",
            "AwsSolutions-IAM5",
            applies_to=[
                _nag.resource_target(
                    self,
                    stack.format_arn(
                        service="elasticmapreduce", resource="cluster", resource_name="*"
                    ),
                )
            ],
        )
        _nag.acknowledge(
            machine,
            "Vended log delivery (logs:CreateLogDelivery and related) and X-Ray tracing APIs "
            "have no resource-level permissions, so Step Functions grants them on '*'.",
            "AwsSolutions-IAM5",
            applies_to=["Resource::*"],
        )
        _nag.acknowledge(
            machine,
            "The state machine role's policy is generated by the Step Functions integrations "
            "from the task definitions and changes with them; it belongs to this one role.",
            *_nag.across_packs("IAMNoInlinePolicy"),
        )
        return machine


CLOUDWATCH = "cloudwatch.amazonaws.com"
EVENTS = "events.amazonaws.com"


def alarm_arns(stack: cdk.Stack) -> str:
    """Every CloudWatch alarm of the stack's account and region."""
    return stack.format_arn(
        service="cloudwatch",
        resource="alarm",
        resource_name="*",
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )


@jsii.implements(events.IRuleTarget)
class _TopicTarget:
    """The topic as a rule target, without ``targets.SnsTopic``'s unconditioned topic grant: the
    operations construct admits its own rules by ARN."""

    def __init__(self, topic: sns.ITopic) -> None:
        self._topic = topic

    def bind(
        self,
        rule: events_refs.IRuleRef,
        id: str | None = None,
    ) -> events.RuleTargetConfig:
        return events.RuleTargetConfig(arn=self._topic.topic_arn)


def _check_steps(check: Checker, steps: Any) -> None:
    """Steps: distinct names that fit a Step Functions state name, each with a command."""
    if not check.rule("steps", steps, rules.sequence("EmrStep('Load', ('hive', '-f', 'x.sql'))")):
        return
    example = "EmrStep('Load', ('hive', '-f', '/tmp/load.sql'))"
    names = []
    for index, step in enumerate(steps, start=1):
        prop = f"steps[{index - 1}]"
        if not check.rule(prop, step, rules.instance_of(EmrStep, example)):
            continue
        if check.rule(f"{prop}.name", step.name, emr_name):
            names.append(step.name)
            # The state is named "<n>: <name>", which Step Functions caps at 80 characters.
            fix = rules.state_name(_state_name(index, step.name))
            if fix is not None:
                check.add(f"{prop}.name", step.name, f"'{index}: <name>' is the state name; {fix}")
        if check.rule(f"{prop}.args", step.args, rules.string_list("hive")) and not step.args:
            check.add(
                f"{prop}.args", step.args, "give the command to run, e.g. ('hive', '-f', 'x.sql')"
            )
    check.rule("steps", names, rules.distinct)


def _state_name(index: int, name: str) -> str:
    return f"{index}: {name}"
