-- risk_grades: every DASH grade in the store, Haven's (`assessments`) and the legacy
-- exports' (`legacy_assessments`, marked is_legacy), counted once per reconciled event and
-- victim: when one real incident has assessments in more than one system (or in Haven and a
-- legacy export), Haven's is kept, else the latest completed. An assessment with no incident
-- is its own event. The district is that of the incident's event (for an area filter).
-- The UNION's parts are chosen in store.build_risk_grades from the tables that are there;
-- this file is the whole of it when both are.
CREATE TABLE risk_grades AS
WITH graded AS (
  SELECT force_code, 'haven' AS source, assessment_id AS record_id, incident_id, victim_key,
         completed_day AS day, completed_at, grade
  FROM assessments
  UNION ALL
  SELECT force_code, 'legacy' AS source, record_id, incident_id, victim_key,
         completed_day AS day, completed_at, grade
  FROM legacy_assessments
),
placed AS (
  SELECT g.*, i.event_id, e.district
  FROM graded g
  LEFT JOIN incidents i ON i.incident_id = g.incident_id
  LEFT JOIN events e ON e.force_code = i.force_code AND e.event_id = i.event_id
),
ranked AS (
  SELECT p.*,
         ROW_NUMBER() OVER (
           PARTITION BY p.force_code,
                        CASE WHEN p.event_id IS NULL
                             THEN p.source || ':' || CAST(p.record_id AS VARCHAR)
                             ELSE CAST(p.event_id AS VARCHAR) END,
                        COALESCE(p.victim_key, '')
           ORDER BY CASE WHEN p.source = 'haven' THEN 0 ELSE 1 END,
                    p.completed_at DESC, p.record_id DESC) AS rn
  FROM placed p
)
SELECT force_code, source, record_id, incident_id, event_id, victim_key, day, grade,
       district, CASE WHEN source = 'legacy' THEN 1 ELSE 0 END AS is_legacy
FROM ranked
WHERE rn = 1
