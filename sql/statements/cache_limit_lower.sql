-- Lowering the limit below what is held makes DuckDB evict cached blocks of stored tables (they are
-- on disk; nothing is lost) until it fits, or as far as it can. store.release_cache resets it at once.
set memory_limit = $limit
