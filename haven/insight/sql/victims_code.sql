-- Victims' Code compliance: of the notices (the victim to be told of a qualifying event by
-- a time) due in the period, those due before the store's data date ($as_of_day) or already
-- told (a notice not yet due and not yet told is not counted), and those told by their due
-- time; with those still not told at the build. An area filter places a notice by its
-- crime's incident (the district of that incident's event); a crime with no incident is
-- counted for the whole force only.
WITH due AS (
  SELECT n.*
  FROM victim_notices n
  WHERE n.force_code = $force AND n.due_day >= $start_day AND n.due_day < $end_day
    AND (n.due_day < $as_of_day OR n.told_at IS NOT NULL)
    AND ($district IS NULL OR n.crime_id IN (
      SELECT c.crime_id FROM crimes c
      JOIN incidents i ON i.incident_id = c.incident_id
      JOIN events e ON e.force_code = i.force_code AND e.event_id = i.event_id
      WHERE c.force_code = $force AND e.district = $district))
)
SELECT
  COUNT(*) AS due,
  SUM(CASE WHEN told_at IS NOT NULL AND told_at <= due_at THEN 1 ELSE 0 END) AS on_time,
  SUM(CASE WHEN told_at IS NULL THEN 1 ELSE 0 END) AS not_told,
  SUM(CASE WHEN enhanced THEN 1 ELSE 0 END) AS enhanced
FROM due
