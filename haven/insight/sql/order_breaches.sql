-- Breaches of notices and orders that happened in the period.
--
-- An area filter ($district) places each breach by the person the order protects: the
-- district of their most recent DA incident (as victim) on or before the day of the breach;
-- none, or a confidential ('withheld') one, counts for the whole force only (`unplaced`).
WITH broken AS (
  SELECT b.breach_id, b.occurred_day, o.protected_key
  FROM order_breaches b
  LEFT JOIN orders o ON o.order_id = b.order_id
  WHERE b.force_code = $force AND b.occurred_day >= $start_day AND b.occurred_day < $end_day
),
located AS (
  SELECT b.breach_id, v.district,
         ROW_NUMBER() OVER (PARTITION BY b.breach_id ORDER BY v.day DESC, v.event_id DESC)
           AS rn
  FROM broken b
  JOIN event_people v
    ON v.force_code = $force AND v.person_key = b.protected_key AND v.role = 'victim'
   AND v.is_da = 1 AND v.day <= b.occurred_day
),
placed AS (
  SELECT b.breach_id, l.district
  FROM broken b
  LEFT JOIN located l ON l.breach_id = b.breach_id AND l.rn = 1
)
SELECT
  SUM(CASE WHEN $district IS NULL OR district = $district THEN 1 ELSE 0 END) AS breaches,
  SUM(CASE WHEN district IS NULL OR district = 'withheld' THEN 1 ELSE 0 END) AS unplaced
FROM placed
