-- Interventions from MARAC: the victim engaged with the IDVA (dated by the outcome).
SELECT force_code, victim_key AS person_key, 'idva_engaged' AS kind,
       idva_outcome_day AS day
FROM marac_referrals
WHERE idva_outcome = 'engaged' AND idva_outcome_day IS NOT NULL AND victim_key IS NOT NULL
