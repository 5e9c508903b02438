-- Repeat locations: places (keyed, never an address) with two or more DA events in the
-- period, with their district. Confidential places are never listed ('withheld' has no
-- place number).
SELECT place_id, MIN(district) AS district, COUNT(*) AS da_events
FROM events
WHERE force_code = $force AND is_da = 1 AND day >= $start_day AND day < $end_day
  AND ($district IS NULL OR district = $district)
  AND place_id IS NOT NULL
GROUP BY place_id
HAVING COUNT(*) >= 2
ORDER BY da_events DESC, place_id
