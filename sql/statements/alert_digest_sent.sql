-- When each (rule, destination) last delivered a story alert: a digest row whose period was
-- already sent moves to the next period instead of sending a second digest.
select rule_id, channel, max(sent_at) as last_sent_at
from alert_outbox
where kind = 'story' and status = 'sent'
group by rule_id, channel
