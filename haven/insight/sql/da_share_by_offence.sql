-- DA share by offence: of the crimes recorded in the period whose principal offence is X,
-- the share carrying the DA flag. One row per offence present.
SELECT
  c.offence AS offence,
  SUM(CASE WHEN c.domestic_abuse THEN 1 ELSE 0 END) AS numerator,
  COUNT(*) AS denominator
FROM crimes c
WHERE c.force_code = $force
  AND c.recorded_day >= $start_day AND c.recorded_day < $end_day
  AND ($district IS NULL OR c.incident_id IN (
    SELECT incident_id FROM incidents WHERE district = $district))
GROUP BY c.offence
ORDER BY c.offence
