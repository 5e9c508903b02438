-- The victims with the most DA events in the period (pseudonymous keys only), for the
-- repeat-victim table; a role with need may open the person from the key (logged).
SELECT MIN(person_key) AS person_key, COUNT(DISTINCT event_id) AS da_events,
       MAX(day) AS last_day
FROM event_people
WHERE force_code = $force AND role = 'victim' AND is_da = 1
  AND day >= $start_day AND day < $end_day
  AND ($district IS NULL OR district = $district)
GROUP BY person_id
HAVING COUNT(DISTINCT event_id) >= 2
ORDER BY da_events DESC, last_day DESC, person_key
LIMIT 20
