-- Time to attend DA incidents in the period by response grade, against the force's target
-- minutes per grade ($immediate, $priority, $scheduled): attended, within target.
SELECT
  grade,
  COUNT(*) AS incidents,
  SUM(CASE WHEN attend_minutes IS NOT NULL THEN 1 ELSE 0 END) AS attended,
  SUM(CASE WHEN attend_minutes IS NOT NULL AND attend_minutes <= CASE grade
        WHEN 'immediate' THEN $immediate WHEN 'priority' THEN $priority
        ELSE $scheduled END THEN 1 ELSE 0 END) AS within_target
FROM incidents
WHERE force_code = $force AND domestic_abuse AND grade IS NOT NULL
  AND occurred_day >= $start_day AND occurred_day < $end_day
  AND ($district IS NULL OR district = $district)
GROUP BY grade
ORDER BY grade
