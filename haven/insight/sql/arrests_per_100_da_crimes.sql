-- Arrests per 100 DA crimes: DA crimes recorded in the period with an arrest, per 100 DA
-- crimes recorded in the period (the inspection's positive-action figure).
SELECT
  SUM(CASE WHEN c.arrested THEN 1 ELSE 0 END) AS numerator,
  COUNT(*) AS denominator
FROM crimes c
WHERE c.force_code = $force AND c.domestic_abuse
  AND c.recorded_day >= $start_day AND c.recorded_day < $end_day
  AND ($district IS NULL OR c.incident_id IN (
    SELECT incident_id FROM incidents WHERE district = $district))
