-- The re-tag's list of stories to link, once they are linked.
drop table if exists temp.event_retag_pending
