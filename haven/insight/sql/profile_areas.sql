-- Areas (postcode districts) ranked by DA events in the period, with the victims there.
-- Confidential places are 'withheld' and never ranked; unknown places are NULL.
WITH da AS (
  SELECT district, COUNT(*) AS da_events
  FROM events
  WHERE force_code = $force AND is_da = 1 AND day >= $start_day AND day < $end_day
    AND ($district IS NULL OR district = $district)
  GROUP BY district
),
victims AS (
  SELECT district, COUNT(DISTINCT person_id) AS victims
  FROM event_people
  WHERE force_code = $force AND role = 'victim' AND is_da = 1
    AND day >= $start_day AND day < $end_day
    AND ($district IS NULL OR district = $district)
  GROUP BY district
)
SELECT da.district AS district, da.da_events, COALESCE(v.victims, 0) AS victims
FROM da
LEFT JOIN victims v ON v.district = da.district
   OR (v.district IS NULL AND da.district IS NULL)
ORDER BY da.da_events DESC, da.district
