-- Children affected: DA events in the period with children present (flag or a child
-- recorded), and the children recorded in them.
WITH da AS (
  SELECT event_id, children_present
  FROM events
  WHERE force_code = $force AND is_da = 1 AND day >= $start_day AND day < $end_day
    AND ($district IS NULL OR district = $district)
),
kids AS (
  SELECT event_id, person_id
  FROM event_people
  WHERE force_code = $force AND role = 'child' AND is_da = 1
    AND day >= $start_day AND day < $end_day
    AND ($district IS NULL OR district = $district)
)
SELECT
  (SELECT COUNT(*) FROM da) AS da_events,
  (SELECT COUNT(*) FROM da WHERE children_present = 1
      OR event_id IN (SELECT event_id FROM kids)) AS events_with_children,
  (SELECT COUNT(DISTINCT person_id) FROM kids) AS children
