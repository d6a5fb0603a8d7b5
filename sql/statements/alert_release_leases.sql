-- Leases of another owner are void: delivery runs under the writer lock, so their holder died.
update alert_outbox
set status = 'pending', lease_until = null, lease_owner = null
where status = 'sending' and (lease_until < $now or lease_owner <> $owner)
