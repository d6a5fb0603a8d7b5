-- Tags of re-processed articles are replaced, not merged.
delete from article_topics
where article_id in (select article_id from batch_ids)
