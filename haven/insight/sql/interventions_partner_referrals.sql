-- Interventions from safeguarding: a referral a partner agency accepted, by the agency's
-- kind, dated by the acceptance.
SELECT force_code, victim_key AS person_key, 'referral:' || agency_kind AS kind,
       decided_day AS day
FROM partner_referrals
WHERE status = 'accepted' AND decided_day IS NOT NULL AND victim_key IS NOT NULL
