"""Prefect automations that `newsmon serve` keeps: the operator hears about runs that fail or crash.

Each is created idempotently (deleted by name, then created): `Automation.create()` does not upsert.
"""

from __future__ import annotations

from urllib.parse import urlsplit

AUTOMATION_NAME = "newsmon: ingest run failed or crashed"
WEBHOOK_BLOCK = "newsmon-operator-webhook"
WEBHOOK_ENV = "NEWSMON_OPERATOR_WEBHOOK"


def ensure_failure_automation(flow_name: str, webhook_url: str | None) -> str:
    """Exactly one automation posting failed or crashed runs of `flow_name` to the webhook.

    Returns a status line for the operator.

    Automation.create() does not upsert, so any automation of that name is deleted first; without a
    webhook the automation is removed rather than left pointing at an old address.
    """
    from prefect import get_client

    with get_client(sync_client=True) as client:
        for old in client.read_automations_by_name(AUTOMATION_NAME):
            client.delete_automation(old.id)
    if not webhook_url:
        return f"off (set {WEBHOOK_ENV} to a webhook URL to be told about failed or crashed runs)"
    _failure_automation(flow_name, _save_webhook_block(webhook_url)).create()
    return f"failed or crashed runs are posted to {urlsplit(webhook_url).netloc or webhook_url}"


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
            body="Flow run {{ flow_run.name }} of {{ flow.name }} ended {{ flow_run.state.name }}: "
                 "{{ flow_run.state.message }}\n{{ flow_run|ui_url }}",
        )],
    )
