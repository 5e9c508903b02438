-- Interventions from investigation: an arrest on a DA crime (dated by the crime's
-- recording: the extract carries no arrest time) and a charge (Home Office outcome 1,
-- dated by the outcome), each for the crime's victim.
SELECT force_code, victim_key AS person_key, 'arrest' AS kind, recorded_day AS day
FROM crimes
WHERE domestic_abuse AND arrested AND victim_key IS NOT NULL
UNION ALL
SELECT force_code, victim_key AS person_key, 'charge' AS kind, outcome_day AS day
FROM crimes
WHERE domestic_abuse AND outcome = 1 AND outcome_day IS NOT NULL AND victim_key IS NOT NULL
