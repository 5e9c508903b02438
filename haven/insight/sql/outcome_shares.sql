-- Outcome shares of DA crimes recorded in the period (open crimes stay in the denominator,
-- as in the inspection's "of these crimes 19% resulted in a charge"). Home Office outcome
-- types: charge 1; caution 2, 3; out of court 6, 7, 8; evidential difficulties 14, 15, 16.
SELECT
  SUM(CASE WHEN c.outcome = 1 THEN 1 ELSE 0 END) AS charge,
  SUM(CASE WHEN c.outcome IN (2, 3) THEN 1 ELSE 0 END) AS caution,
  SUM(CASE WHEN c.outcome IN (6, 7, 8) THEN 1 ELSE 0 END) AS out_of_court,
  SUM(CASE WHEN c.outcome IN (14, 15, 16) THEN 1 ELSE 0 END) AS evidential_difficulties,
  SUM(CASE WHEN c.outcome IS NULL THEN 1 ELSE 0 END) AS open,
  COUNT(*) AS denominator
FROM crimes c
WHERE c.force_code = $force AND c.domestic_abuse
  AND c.recorded_day >= $start_day AND c.recorded_day < $end_day
  AND ($district IS NULL OR c.incident_id IN (
    SELECT incident_id FROM incidents WHERE district = $district))
