-- Victims of DA events in the period: age at their first such event (band) and sex.
WITH first_event AS (
  SELECT person_id, MIN(year) AS year
  FROM event_people
  WHERE force_code = $force AND role = 'victim' AND is_da = 1
    AND day >= $start_day AND day < $end_day
    AND ($district IS NULL OR district = $district)
  GROUP BY person_id
)
SELECT
  CASE
    WHEN s.birth_year IS NULL THEN 'not recorded'
    WHEN f.year - s.birth_year < 16 THEN 'under 16'
    WHEN f.year - s.birth_year < 25 THEN '16-24'
    WHEN f.year - s.birth_year < 35 THEN '25-34'
    WHEN f.year - s.birth_year < 45 THEN '35-44'
    WHEN f.year - s.birth_year < 55 THEN '45-54'
    ELSE '55 and over'
  END AS age_band,
  COALESCE(s.sex, 'not recorded') AS sex,
  COUNT(*) AS victims
FROM first_event f
LEFT JOIN person_facts s ON s.force_code = $force AND s.person_id = f.person_id
GROUP BY 1, 2
ORDER BY 1, 2
