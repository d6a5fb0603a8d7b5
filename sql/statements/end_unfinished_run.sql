-- A run that stopped before its last transaction (Ctrl-C, SIGTERM, a failed store step) says how it
-- ended; its committed chunks stay. Only a row still 'running' changes: a finished run keeps its own.
update runs
set status = $status,
    finished_at = $finished_at,
    summary = json_object('message', $message)
where run_id = $run_id
  and status = 'running'
