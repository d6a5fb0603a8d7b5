insert into robots_txt
select origin, fetched_at, status, body from batch_robots
on conflict (origin) do update set
    fetched_at = excluded.fetched_at,
    status = excluded.status,
    body = excluded.body
