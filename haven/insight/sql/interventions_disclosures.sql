-- Interventions from protection: a Clare's Law disclosure made to the person at risk.
SELECT force_code, person_at_risk_key AS person_key, 'clares_law_disclosure' AS kind,
       disclosed_day AS day
FROM disclosures
WHERE disclosed_day IS NOT NULL AND person_at_risk_key IS NOT NULL
