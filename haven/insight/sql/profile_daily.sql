-- DA events per day in the period (days with none are absent: the caller fills zeros).
SELECT day, COUNT(*) AS da_events
FROM events
WHERE force_code = $force AND is_da = 1 AND day >= $start_day AND day < $end_day
  AND ($district IS NULL OR district = $district)
GROUP BY day
ORDER BY day
