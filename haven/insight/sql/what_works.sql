-- Re-victimisation after each kind of intervention ("what works"). For each victim, their
-- first intervention of a kind in the period; of those whose whole window ($window days
-- after it) had passed before the store's data date ($as_of_day), those who were the victim
-- in another DA event from the day after it to $window days after it. The baseline row
-- ('any_da_victim') is every DA victim of the period, from their first DA event in it.
-- Observational: victims are chosen for an intervention by their risk, so kinds are not
-- comparable like with like; the rows are split by the victim's risk grade at the time (the
-- latest DASH grade, Haven's or legacy, completed on or before the day; 'not graded' when
-- none) so that the page can adjust for it.
--
-- An area filter ($district) places the victim by the district of their most recent DA
-- incident (as victim) on or before the day of the intervention (the baseline: their first
-- DA incident in the period); none, or a confidential ('withheld') one, is counted for the
-- whole force only.
WITH firsts AS (
  SELECT person_key, kind, MIN(day) AS day
  FROM interventions
  WHERE force_code = $force AND day >= $start_day AND day < $end_day
  GROUP BY person_key, kind
  UNION ALL
  SELECT person_key, 'any_da_victim' AS kind, MIN(day) AS day
  FROM event_people
  WHERE force_code = $force AND role = 'victim' AND is_da = 1
    AND day >= $start_day AND day < $end_day
  GROUP BY person_key
),
victim_events AS (
  SELECT person_key, day, event_id, district
  FROM event_people
  WHERE force_code = $force AND role = 'victim' AND is_da = 1
),
located AS (
  SELECT f.person_key, f.kind, v.district,
         ROW_NUMBER() OVER (PARTITION BY f.person_key, f.kind
                            ORDER BY v.day DESC, v.event_id DESC) AS rn
  FROM firsts f
  JOIN victim_events v ON v.person_key = f.person_key AND v.day <= f.day
),
graded AS (
  SELECT f.person_key, f.kind, g.grade,
         ROW_NUMBER() OVER (PARTITION BY f.person_key, f.kind
                            ORDER BY g.day DESC, g.record_id DESC) AS rn
  FROM firsts f
  JOIN risk_grades g
    ON g.force_code = $force AND g.victim_key = f.person_key AND g.day <= f.day
),
chosen AS (
  SELECT f.person_key, f.kind, f.day, COALESCE(g.grade, 'not graded') AS grade
  FROM firsts f
  LEFT JOIN located l ON l.person_key = f.person_key AND l.kind = f.kind AND l.rn = 1
  LEFT JOIN graded g ON g.person_key = f.person_key AND g.kind = f.kind AND g.rn = 1
  WHERE $district IS NULL OR l.district = $district
),
followed AS (
  SELECT c.person_key, c.kind, c.grade,
         CASE WHEN c.day + $window < $as_of_day THEN 1 ELSE 0 END AS complete,
         MAX(CASE WHEN v.day IS NULL THEN 0 ELSE 1 END) AS again
  FROM chosen c
  LEFT JOIN (SELECT DISTINCT person_key, day FROM victim_events) v
    ON v.person_key = c.person_key AND v.day > c.day AND v.day <= c.day + $window
  GROUP BY c.person_key, c.kind, c.grade, c.day
)
SELECT kind, grade,
       COUNT(*) AS victims,
       SUM(complete) AS followed_up,
       SUM(complete * again) AS revictimised
FROM followed
GROUP BY kind, grade
ORDER BY kind, grade
