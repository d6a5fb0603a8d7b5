insert or replace into alert_conditions (condition_id, is_active, changed_at, detail)
values ($condition_id, $is_active, $now, $detail)
