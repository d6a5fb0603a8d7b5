-- Index rows older than every lookup window ($before = the run's time minus the longest window and a
-- margin): no statement reads them again, so the story index holds about one window of articles
-- however long the store runs (stories.index.prune_index). articles.story_id keeps each story.
delete from story_title_keys where seen_at < $before
