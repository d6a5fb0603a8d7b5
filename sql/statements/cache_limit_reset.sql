-- Back to DuckDB's default limit (80% of the machine's memory); newsmon never sets another.
reset memory_limit
