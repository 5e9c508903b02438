-- Offenders: suspects of DA events in the period. Repeat: two or more DA events in the
-- $window days up to the period's end; serial: two or more different victims in that
-- time. Same victim / multiple offenders and same offender / multiple victims in the period.
WITH pairs AS (
  SELECT s.event_id, s.day, s.person_id AS suspect, v.person_id AS victim
  FROM event_people s
  LEFT JOIN event_people v ON v.force_code = s.force_code AND v.event_id = s.event_id
       AND v.role = 'victim'
  WHERE s.force_code = $force AND s.role = 'suspect' AND s.is_da = 1
    AND s.day >= $end_day - $window AND s.day < $end_day
    AND ($district IS NULL OR s.district = $district)
),
in_period AS (SELECT * FROM pairs WHERE day >= $start_day),
history AS (
  SELECT suspect, COUNT(DISTINCT event_id) AS events, COUNT(DISTINCT victim) AS victims
  FROM pairs
  WHERE suspect IN (SELECT suspect FROM in_period)
  GROUP BY suspect
),
victim_suspects AS (
  SELECT victim, COUNT(DISTINCT suspect) AS suspects
  FROM in_period WHERE victim IS NOT NULL GROUP BY victim
),
suspect_victims AS (
  SELECT suspect, COUNT(DISTINCT victim) AS victims FROM in_period GROUP BY suspect
)
SELECT
  (SELECT COUNT(*) FROM history) AS offenders,
  (SELECT COUNT(*) FROM history WHERE events >= 2) AS repeat_offenders,
  (SELECT COUNT(*) FROM history WHERE victims >= 2) AS serial_offenders,
  (SELECT COUNT(DISTINCT event_id) FROM in_period) AS events_with_suspect,
  (SELECT COUNT(DISTINCT event_id) FROM in_period
     WHERE suspect IN (SELECT suspect FROM history WHERE events >= 2)) AS events_by_repeat,
  (SELECT COUNT(*) FROM victim_suspects WHERE suspects >= 2) AS victims_multiple_offenders,
  (SELECT COUNT(*) FROM suspect_victims WHERE victims >= 2) AS offenders_multiple_victims
