-- MARAC cases heard in the period in each MARAC area of the force (repeats included, the
-- SafeLives volume measure), the repeat cases among them (the repeat rate's numerator) and
-- the children in those households. Areas with no case heard are listed with 0.
WITH heard AS (
  SELECT area,
         COUNT(*) AS cases_heard,
         SUM(CASE WHEN is_repeat THEN 1 ELSE 0 END) AS repeat_cases,
         SUM(children) AS children
  FROM marac_cases
  WHERE force_code = $force AND heard_day >= $start_day AND heard_day < $end_day
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
       COALESCE(h.children, 0) AS children
FROM areas a
LEFT JOIN heard h ON h.area = a.area
ORDER BY a.area
