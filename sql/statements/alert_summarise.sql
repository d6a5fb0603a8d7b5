-- Turn this run's pending story alerts to one destination into one summary message: rows without
-- a batch are grouped into a single message when delivered (deliver.group_messages).
update alert_outbox
set batch_id = null,
    payload = json_merge_patch(payload, json_object('summary', $reason))
where kind = 'story' and created_at = $now and channel = $channel and status = 'pending'
