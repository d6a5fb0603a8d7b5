-- Memory DuckDB holds for this database: cached blocks of stored tables, indexes, in-flight data.
select coalesce(sum(memory_usage_bytes), 0) as bytes from duckdb_memory()
