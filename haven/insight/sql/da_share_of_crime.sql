-- DA share of all recorded crime: crimes carrying the Home Office DA flag / all crimes
-- recorded in the period (by recorded date). A crime is one record: no reconciliation.
SELECT
  SUM(CASE WHEN c.domestic_abuse THEN 1 ELSE 0 END) AS numerator,
  COUNT(*) AS denominator
FROM crimes c
WHERE c.force_code = $force
  AND c.recorded_day >= $start_day AND c.recorded_day < $end_day
  AND ($district IS NULL OR c.incident_id IN (
    SELECT incident_id FROM incidents WHERE district = $district))
