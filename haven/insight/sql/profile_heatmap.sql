-- DA events by day of week (0 = Monday) and hour of day.
SELECT dow, hour, COUNT(*) AS da_events
FROM events
WHERE force_code = $force AND is_da = 1 AND day >= $start_day AND day < $end_day
  AND ($district IS NULL OR district = $district)
GROUP BY dow, hour
ORDER BY dow, hour
