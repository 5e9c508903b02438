-- Built once per refresh: one row per real (reconciled) event, dated by its earliest source
-- incident, DA when any of its records is, and who was in each event (pseudonymous keys,
-- with the event's day, year, DA flag and district copied in so that the profile reads
-- people without joining events again).
--
-- Integer keys: each person key and place key (24-character HMACs) gets a whole number
-- here, once, so that the profile groups and joins by integers (the key itself is kept
-- beside it for what is shown: the repeat victims' pseudonyms). Numbered in key order, so
-- a rebuild of the same data numbers them the same.
CREATE TABLE person_ids AS
SELECT person_key, CAST(ROW_NUMBER() OVER (ORDER BY person_key) AS BIGINT) AS person_id
FROM (SELECT DISTINCT person_key FROM involvements WHERE person_key IS NOT NULL) k;

CREATE TABLE place_ids AS
SELECT place_key, CAST(ROW_NUMBER() OVER (ORDER BY place_key) AS BIGINT) AS place_id
FROM (SELECT DISTINCT place_key FROM incidents
      WHERE place_key IS NOT NULL AND place_key <> 'withheld') k;

-- persons of the events, by their number (a person no involvement names is not needed)
CREATE TABLE person_facts AS
SELECT i.person_id, s.force_code, s.birth_year, s.sex
FROM persons s
JOIN person_ids i ON i.person_key = s.person_key;

CREATE TABLE events AS
WITH ranked AS (
  SELECT
    i.*,
    ROW_NUMBER() OVER (PARTITION BY force_code, event_id
                       ORDER BY occurred_at, incident_id) AS rn
  FROM incidents i
),
flags AS (
  SELECT
    force_code, event_id,
    MAX(CASE WHEN domestic_abuse THEN 1 ELSE 0 END) AS is_da,
    MAX(CASE WHEN reported_via = 'call' THEN 1 ELSE 0 END) AS is_call,
    MAX(CASE WHEN children_present THEN 1 ELSE 0 END) AS children_present,
    COUNT(*) AS records
  FROM incidents
  GROUP BY force_code, event_id
)
SELECT
  r.force_code, r.event_id, r.occurred_day AS day, r.occurred_dow AS dow,
  r.occurred_hour AS hour, r.occurred_month AS month, r.occurred_year AS year,
  r.district, r.place_key, pl.place_id, f.is_da, f.is_call, f.children_present, f.records
FROM ranked r
JOIN flags f ON f.force_code = r.force_code AND f.event_id = r.event_id
LEFT JOIN place_ids pl ON pl.place_key = r.place_key
WHERE r.rn = 1;

CREATE TABLE event_people AS
SELECT DISTINCT p.force_code, p.event_id, k.person_id, p.person_key, p.role,
       e.day, e.year, e.is_da, e.district
FROM (
  SELECT i.force_code, i.event_id, v.person_key, v.role
  FROM involvements v
  JOIN incidents i ON i.incident_id = v.incident_id
  WHERE v.person_key IS NOT NULL
) p
JOIN person_ids k ON k.person_key = p.person_key
JOIN events e ON e.force_code = p.force_code AND e.event_id = p.event_id;
