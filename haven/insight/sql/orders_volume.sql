-- Notices and orders that started in the period, by kind.
--
-- An area filter ($district) places each by the person it protects: the district of their
-- most recent DA incident (as victim) on or before the day it started; one with no such
-- incident, or a confidential ('withheld') one, counts for the whole force only (`unplaced`).
WITH made AS (
  SELECT o.order_id, o.kind, o.protected_key, o.starts_day
  FROM orders o
  WHERE o.force_code = $force AND o.starts_day >= $start_day AND o.starts_day < $end_day
),
located AS (
  SELECT m.order_id, v.district,
         ROW_NUMBER() OVER (PARTITION BY m.order_id ORDER BY v.day DESC, v.event_id DESC) AS rn
  FROM made m
  JOIN event_people v
    ON v.force_code = $force AND v.person_key = m.protected_key AND v.role = 'victim'
   AND v.is_da = 1 AND v.day <= m.starts_day
),
placed AS (
  SELECT m.kind, l.district
  FROM made m
  LEFT JOIN located l ON l.order_id = m.order_id AND l.rn = 1
)
SELECT kind,
       SUM(CASE WHEN $district IS NULL OR district = $district THEN 1 ELSE 0 END) AS orders,
       SUM(CASE WHEN district IS NULL OR district = 'withheld' THEN 1 ELSE 0 END) AS unplaced
FROM placed
GROUP BY kind
ORDER BY kind
