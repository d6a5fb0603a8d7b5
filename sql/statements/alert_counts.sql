select status, count(*) as alerts from alert_outbox group by status order by status
