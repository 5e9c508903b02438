-- Clare's Law applications received in the period: by route, closed (as at the store's
-- build), closed by their due time, and disclosures made.
--
-- An area filter ($district) places each application by the person at risk: the district
-- of their most recent DA incident (as victim) on or before the day it was received. A
-- person at risk with no DA incident recorded (often so for the right to ask), or a
-- confidential ('withheld') one, counts for the whole force only (`unplaced`).
WITH received AS (
  SELECT d.*
  FROM disclosures d
  WHERE d.force_code = $force AND d.received_day >= $start_day AND d.received_day < $end_day
),
located AS (
  SELECT r.application_id, v.district,
         ROW_NUMBER() OVER (PARTITION BY r.application_id
                            ORDER BY v.day DESC, v.event_id DESC) AS rn
  FROM received r
  JOIN event_people v
    ON v.force_code = $force AND v.person_key = r.person_at_risk_key AND v.role = 'victim'
   AND v.is_da = 1 AND v.day <= r.received_day
),
placed AS (
  SELECT r.*, l.district AS placed_district,
         CASE WHEN $district IS NULL OR l.district = $district THEN 1 ELSE 0 END AS here
  FROM received r
  LEFT JOIN located l ON l.application_id = r.application_id AND l.rn = 1
)
SELECT
  SUM(here) AS received,
  SUM(CASE WHEN route = 'ask' THEN here ELSE 0 END) AS ask,
  SUM(CASE WHEN route = 'know' THEN here ELSE 0 END) AS know,
  SUM(CASE WHEN closed_at IS NOT NULL THEN here ELSE 0 END) AS closed,
  SUM(CASE WHEN closed_at IS NOT NULL AND closed_at <= due_at THEN here ELSE 0 END) AS on_time,
  SUM(CASE WHEN disclosed_at IS NOT NULL THEN here ELSE 0 END) AS disclosed,
  SUM(CASE WHEN placed_district IS NULL OR placed_district = 'withheld' THEN 1 ELSE 0 END)
    AS unplaced
FROM placed
