-- A finished run's row; it replaces the 'running' row of insert_run_started.sql.
insert or replace into runs (run_id, started_at, finished_at, status, feeds_total, feeds_ok, feeds_failed,
                  feeds_not_modified, entries_seen, articles_new, articles_updated, summary)
values ($run_id, $started_at, $finished_at, $status, $feeds_total, $feeds_ok, $feeds_failed,
        $feeds_not_modified, $entries_seen, $articles_new, $articles_updated, $summary::json)
