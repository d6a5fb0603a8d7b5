-- Re-tagged articles with a page (batch_text_matches): whether they match on their feed text and on
-- their page's body under the current topic rules (newsmon retag).
update article_texts as x
set teaser_match = b.teaser_match, body_match = b.body_match
from batch_text_matches as b
where x.article_id = b.article_id
