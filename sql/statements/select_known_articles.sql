-- Stored content hashes of the candidate articles of this run (batch_ids registered by store.py).
select a.article_id, a.content_hash
from articles as a
join batch_ids as b on a.article_id = b.article_id
