select condition_id, is_active from alert_conditions
