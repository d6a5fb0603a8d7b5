-- Events (one happening, every language) whose first report was published at or after $since,
-- most languages first: event id, first and last publication, languages, outlets, stories,
-- articles, and the headline in each language.
-- Parameters: $since, a UTC date or timestamp (2026-11-01, 2026-11-01T06:00:00Z; an offset is honoured).
with bounds as (
    select case
        when regexp_matches($since, ':[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then cast($since as timestamptz)
        else timezone('UTC', cast($since as timestamp))
    end as since
),

final as (
    select event_id, first_published, last_published, languages, outlets, stories, articles, headlines
    from events
    where first_published >= (select since from bounds)
    order by len(languages) desc, articles desc, first_published desc, event_id
)

select * from final
