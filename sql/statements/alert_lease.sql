update alert_outbox
set status = 'sending', lease_until = $lease_until, lease_owner = $owner, batch_id = $batch_id,
    attempts = attempts + 1
where alert_id in (select unnest($alert_ids::varchar[])) and status = 'pending'
