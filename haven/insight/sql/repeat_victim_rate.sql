-- Repeat victim rate: of the people who were the victim in a DA event in the period, the
-- share who were the victim in another DA event within $window days before it (the
-- earlier event may fall before the period). Events are reconciled: one real incident
-- recorded by three systems is one event.
WITH victim_events AS (
  SELECT person_id, event_id, day, district
  FROM event_people
  WHERE force_code = $force AND role = 'victim' AND is_da = 1
    AND day >= $start_day - $window AND day < $end_day
),
in_period AS (
  SELECT * FROM victim_events
  WHERE day >= $start_day
    AND ($district IS NULL OR district = $district)
),
repeats AS (
  SELECT DISTINCT p.person_id
  FROM in_period p
  JOIN victim_events q
    ON q.person_id = p.person_id AND q.event_id <> p.event_id
   AND q.day <= p.day AND q.day >= p.day - $window
)
SELECT
  (SELECT COUNT(*) FROM repeats) AS numerator,
  (SELECT COUNT(DISTINCT person_id) FROM in_period) AS denominator
