-- Identity for unstable feeds (issue #16). Existing rows and their article_ids are left as they are.
-- url now holds the link as the outlet published it (rows stored before this migration hold the
-- canonical form); canonical_url is the identity form of that link (urls.canonical_url), null on
-- older rows. identity_key is the fallback identity of an item whose GUID or cache-buster changes
-- on every fetch: feed, link shape, normalised title and content (articles.identity_key), null on
-- older rows. The run looks it up for its batch in one hash join (no index: DuckDB joins a batch
-- with a scan, which the first_seen_at window keeps short).
alter table articles add column canonical_url varchar;
alter table articles add column identity_key varchar;
