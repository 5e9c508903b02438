-- Volume by month: real events (all and DA) in the period.
SELECT year, month, SUM(is_da) AS da_events, COUNT(*) AS events
FROM events
WHERE force_code = $force AND day >= $start_day AND day < $end_day
  AND ($district IS NULL OR district = $district)
GROUP BY year, month
ORDER BY year, month
