-- Interventions from protection: each notice or order, for the person it protects, from
-- the day it started.
SELECT force_code, protected_key AS person_key, 'order:' || kind AS kind,
       starts_day AS day
FROM orders
WHERE protected_key IS NOT NULL AND starts_day IS NOT NULL
