-- The primary key makes this idempotent: a (rule, story, destination) that already has a row,
-- from this run or any earlier one, never gets another.
insert into alert_outbox (alert_id, kind, rule_id, subject_id, channel, destination, payload, status,
                          next_attempt_at, batch_id, created_at)
select alert_id, kind, rule_id, subject_id, channel, destination, payload::json, 'pending',
       not_before, batch_id, $now
from alert_batch_rows
on conflict do nothing
