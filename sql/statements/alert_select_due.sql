select alert_id, kind, rule_id, subject_id, channel, payload, attempts, batch_id, created_at
from alert_outbox
where status = 'pending' and next_attempt_at <= $now
order by created_at, subject_id, alert_id
