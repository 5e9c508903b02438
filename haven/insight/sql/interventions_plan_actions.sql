-- Interventions from safeguarding: each harm reduction plan action done, by its kind,
-- dated by when it was done.
SELECT force_code, victim_key AS person_key, 'plan:' || kind AS kind, closed_day AS day
FROM plan_actions
WHERE status = 'done' AND closed_day IS NOT NULL AND victim_key IS NOT NULL
