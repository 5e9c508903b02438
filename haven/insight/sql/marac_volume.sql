-- MARAC cases heard in the period in each MARAC area of the force (repeats included, the
-- SafeLives volume measure), the repeat cases among them (the repeat rate's numerator) and
-- the children in those households. Areas with no case heard are listed with 0.
--
-- An area filter ($district, a postcode district) places each case by its victim: the
-- district of the victim's most recent DA incident (as victim) on or before the day it was
-- heard. A case whose victim has no such incident, or whose latest one was at a confidential
-- place ('withheld'), is counted for the whole force only (`unplaced`, over the force).
WITH cases AS (
  SELECT c.case_id, c.area, c.is_repeat, c.children, c.victim_key, c.heard_day
  FROM marac_cases c
  WHERE c.force_code = $force AND c.heard_day >= $start_day AND c.heard_day < $end_day
),
located AS (
  SELECT c.case_id, v.district,
         ROW_NUMBER() OVER (PARTITION BY c.case_id ORDER BY v.day DESC, v.event_id DESC) AS rn
  FROM cases c
  JOIN event_people v
    ON v.force_code = $force AND v.person_key = c.victim_key AND v.role = 'victim'
   AND v.is_da = 1 AND v.day <= c.heard_day
),
placed AS (
  SELECT c.*, l.district
  FROM cases c
  LEFT JOIN located l ON l.case_id = c.case_id AND l.rn = 1
),
heard AS (
  SELECT area,
         SUM(CASE WHEN $district IS NULL OR district = $district THEN 1 ELSE 0 END)
           AS cases_heard,
         SUM(CASE WHEN ($district IS NULL OR district = $district) AND is_repeat
                  THEN 1 ELSE 0 END) AS repeat_cases,
         SUM(CASE WHEN $district IS NULL OR district = $district THEN children ELSE 0 END)
           AS children,
         SUM(CASE WHEN district IS NULL OR district = 'withheld' THEN 1 ELSE 0 END)
           AS unplaced
  FROM placed
  GROUP BY area
),
areas AS (
  SELECT area FROM marac_areas WHERE force_code = $force
  UNION
  SELECT area FROM heard
)
SELECT a.area,
       COALESCE(h.cases_heard, 0) AS cases_heard,
       COALESCE(h.repeat_cases, 0) AS repeat_cases,
       COALESCE(h.children, 0) AS children,
       COALESCE(h.unplaced, 0) AS unplaced
FROM areas a
LEFT JOIN heard h ON h.area = a.area
ORDER BY a.area
