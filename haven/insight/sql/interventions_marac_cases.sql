-- Interventions from MARAC: the victim's case heard at a meeting.
SELECT force_code, victim_key AS person_key, 'marac_heard' AS kind, heard_day AS day
FROM marac_cases
WHERE heard_day IS NOT NULL AND victim_key IS NOT NULL
