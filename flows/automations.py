"""Prefect automations that `newsmon serve` keeps, so the operator hears about runs that fail or
crash, and about runs that do not happen at all (a dead scheduler, a stopped machine): a proactive
trigger expects a Completed ingest run within the schedule's period plus a margin.

Each is created idempotently (deleted by name, then created): `Automation.create()` does not upsert.
Without an operator webhook both are removed rather than left pointing at an old address.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

AUTOMATION_NAME = "newsmon: ingest run failed or crashed"
SILENCE_AUTOMATION_NAME = "newsmon: no ingest run completed"
WEBHOOK_BLOCK = "newsmon-operator-webhook"
WEBHOOK_ENV = "NEWSMON_OPERATOR_WEBHOOK"


def ensure_failure_automation(flow_name: str, webhook_url: str | None) -> str:
    """Exactly one automation posting failed or crashed runs of `flow_name` to the webhook; returns
    a status line for the operator."""
    _delete(AUTOMATION_NAME)
    if not webhook_url:
        return f"off (set {WEBHOOK_ENV} to a webhook URL to be told about failed or crashed runs)"
    _failure_automation(flow_name, _save_webhook_block(webhook_url)).create()
    return f"failed or crashed runs are posted to {urlsplit(webhook_url).netloc or webhook_url}"


def ensure_silence_automation(flow_name: str, webhook_url: str | None, within: timedelta) -> str:
    """Exactly one automation posting when no run of `flow_name` has completed for `within`."""
    _delete(SILENCE_AUTOMATION_NAME)
    if not webhook_url:
        return "off"
    _silence_automation(flow_name, _save_webhook_block(webhook_url), within).create()
    return f"posted when no run completes for {_duration(within)}"


def _delete(name: str) -> None:
    from prefect import get_client

    with get_client(sync_client=True) as client:
        for old in client.read_automations_by_name(name):
            client.delete_automation(old.id)


def _duration(within: timedelta) -> str:
    hours = within.total_seconds() / 3600
    return f"{hours:.0f} h" if hours >= 2 else f"{within.total_seconds() / 60:.0f} min"


def _save_webhook_block(url: str):
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    block = CustomWebhookNotificationBlock(
        name="newsmon operator", url=url,
        json_data={"subject": "{{subject}}", "body": "{{body}}", "source": "newsmon"})
    return block.save(WEBHOOK_BLOCK, overwrite=True)


def _failure_automation(flow_name: str, block_document_id):
    from datetime import timedelta

    from prefect.automations import Automation, EventTrigger, Posture, SendNotification

    return Automation(
        name=AUTOMATION_NAME,
        description=f"Created by `newsmon serve`: tell the operator when a {flow_name} run fails or crashes.",
        trigger=EventTrigger(
            expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.role": "flow", "prefect.resource.name": flow_name},
            posture=Posture.Reactive, threshold=1, within=timedelta(0),
        ),
        actions=[SendNotification(
            block_document_id=block_document_id,
            subject="newsmon: {{ flow.name }} run {{ flow_run.name }} {{ flow_run.state.name }}",
            body="Flow run {{ flow_run.name }} of {{ flow.name }} ended {{ flow_run.state.name }}"
                 "{% if flow_run.state.message %}: {{ flow_run.state.message }}{% endif %}"
                 "{% set url = flow_run|ui_url %}{% if url %}\n{{ url }}{% endif %}",
        )],
    )


def _silence_automation(flow_name: str, block_document_id, within: timedelta):
    from prefect.automations import Automation, EventTrigger, Posture, SendNotification

    return Automation(
        name=SILENCE_AUTOMATION_NAME,
        description=f"Created by `newsmon serve`: tell the operator when no {flow_name} run completes in time.",
        trigger=EventTrigger(
            expect={"prefect.flow-run.Completed"},
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.role": "flow", "prefect.resource.name": flow_name},
            posture=Posture.Proactive, threshold=1, within=within,
        ),
        actions=[SendNotification(
            block_document_id=block_document_id,
            subject=f"newsmon: no {flow_name} run completed in the last {_duration(within)}",
            body=f"No {flow_name} run has completed for {_duration(within)}: is `newsmon serve` (or the "
                 "Prefect worker) running, and the machine up? Failed runs are reported separately.",
        )],
    )
