-- Risk grade mix: completed risk assessments in the period by grade.
SELECT COALESCE(a.grade, 'not graded') AS grade, COUNT(*) AS assessments
FROM assessments a
WHERE a.force_code = $force AND a.completed_day >= $start_day AND a.completed_day < $end_day
  AND ($district IS NULL OR a.incident_id IN (
    SELECT incident_id FROM incidents WHERE district = $district))
GROUP BY 1
ORDER BY 1
