-- Risk grade mix: DASH grades completed in the period by grade, Haven's and the legacy
-- exports' (`risk_grades`: once per reconciled event and victim), with how many of them came
-- from a legacy export.
SELECT COALESCE(g.grade, 'not graded') AS grade, COUNT(*) AS assessments,
       SUM(g.is_legacy) AS legacy
FROM risk_grades g
WHERE g.force_code = $force AND g.day >= $start_day AND g.day < $end_day
  AND ($district IS NULL OR g.district = $district)
GROUP BY 1
ORDER BY 1
