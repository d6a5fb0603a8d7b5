-- Turn this run's pending story alerts to one destination into one summary message: rows without
-- a batch are grouped into a single message when delivered (deliver.group_messages). Rows an
-- earlier chunk of the run summarised are left as they are (a run's reason never changes: whether
-- it is a first run is decided by what was stored before it), so each chunk rewrites only its own
-- rows, not the whole run's again.
update alert_outbox
set batch_id = null,
    payload = json_merge_patch(payload, json_object('summary', $reason))
where kind = 'story' and created_at = $now and channel = $channel and status = 'pending'
  and json_extract_string(payload, '$.summary') is null
