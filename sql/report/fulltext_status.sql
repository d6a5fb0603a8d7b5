-- How the full-text stage did over the report window: the article pages it last tried since
-- $since (article_texts.fetched_at, the latest attempt), by status. outcome groups them as the
-- report shows them: ok, the walls (paywall, consent, antibot), robots_disallowed, and error for
-- everything else (the fetcher's error classes, not_html, empty). retrying: pages a later run will
-- try again (a transient failure with attempts left).
with pages as (
    select status, next_attempt_at
    from article_texts
    where fetched_at >= $since
),

final as (
    select
        case
            when status in ('ok', 'paywall', 'consent', 'antibot', 'robots_disallowed') then status
            else 'error'
        end as outcome,
        status,
        count(*) as pages,
        count(next_attempt_at) as retrying
    from pages
    group by all
)

select * from final
order by outcome, pages desc, status
