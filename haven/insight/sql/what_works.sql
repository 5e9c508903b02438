-- Re-victimisation after each kind of intervention ("what works"). For each victim, their
-- first intervention of a kind in the period; of those whose whole window ($window days
-- after it) had passed before the store's data date ($as_of_day), those who were the victim
-- in another DA event from the day after it to $window days after it. The baseline row
-- ('any_da_victim') is every DA victim of the period, from their first DA event in it.
-- Observational: victims are chosen for an intervention by their risk, so kinds are not
-- comparable like with like.
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
victim_days AS (
  SELECT DISTINCT person_key, day
  FROM event_people
  WHERE force_code = $force AND role = 'victim' AND is_da = 1
),
followed AS (
  SELECT f.person_key, f.kind,
         CASE WHEN f.day + $window < $as_of_day THEN 1 ELSE 0 END AS complete,
         MAX(CASE WHEN v.day IS NULL THEN 0 ELSE 1 END) AS again
  FROM firsts f
  LEFT JOIN victim_days v
    ON v.person_key = f.person_key AND v.day > f.day AND v.day <= f.day + $window
  GROUP BY f.person_key, f.kind, f.day
)
SELECT kind,
       COUNT(*) AS victims,
       SUM(complete) AS followed_up,
       SUM(complete * again) AS revictimised
FROM followed
GROUP BY kind
ORDER BY kind
