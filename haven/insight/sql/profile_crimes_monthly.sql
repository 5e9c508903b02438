-- Crimes by month recorded in the period: all and with the DA flag.
SELECT c.recorded_year AS year, c.recorded_month AS month,
       SUM(CASE WHEN c.domestic_abuse THEN 1 ELSE 0 END) AS da_crimes, COUNT(*) AS crimes
FROM crimes c
WHERE c.force_code = $force AND c.recorded_day >= $start_day AND c.recorded_day < $end_day
  AND ($district IS NULL OR c.incident_id IN (
    SELECT incident_id FROM incidents WHERE district = $district))
GROUP BY c.recorded_year, c.recorded_month
ORDER BY year, month
