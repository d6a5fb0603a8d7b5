insert into fetch_events (run_id, feed_id, fetched_at, url, final_url, http_status, error_class,
                          error_message, bytes, duration_ms, entries, new_articles)
select $run_id, feed_id, fetched_at, url, final_url, http_status, error_class,
       error_message, bytes, duration_ms, entries, new_articles
from batch_fetch_events
