select count(*) from alert_outbox where status = 'dead_letter' and kind = 'story'
