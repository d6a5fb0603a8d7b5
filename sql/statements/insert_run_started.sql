-- A run's row while it works; finish_run replaces it (insert_run.sql). Written and committed before
-- the first chunk, so the chunks it commits always belong to a recorded run.
insert into runs (run_id, started_at, status)
values ($run_id, $started_at, 'running')
