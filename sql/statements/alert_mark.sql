-- The outcome of one send: sent, pending (retry later) or dead_letter.
update alert_outbox
set status = $status,
    sent_at = case when $status = 'sent' then $now else sent_at end,
    next_attempt_at = $next_attempt_at,
    last_error = $error,
    lease_until = null,
    lease_owner = null
where alert_id in (select unnest($alert_ids::varchar[])) and lease_owner = $owner
