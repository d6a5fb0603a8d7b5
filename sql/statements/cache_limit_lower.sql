-- Lowering the limit below what is held makes DuckDB evict cached blocks of stored tables (they are
-- on disk; nothing is lost) until it fits, or as far as it can. store._memory_limit resets it after.
set memory_limit = $limit
