-- Stored robots.txt still fresh: a day for a file or its absence, an hour for an unreachable one.
select origin, status, body
from robots_txt
where fetched_at >= $now - case when status = 'unreachable' then interval 1 hour else interval 1 day end
