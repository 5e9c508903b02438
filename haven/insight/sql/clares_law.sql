-- Clare's Law applications received in the period: by route, closed (as at the store's
-- build), closed by their due time, and disclosures made.
SELECT
  COUNT(*) AS received,
  SUM(CASE WHEN route = 'ask' THEN 1 ELSE 0 END) AS ask,
  SUM(CASE WHEN route = 'know' THEN 1 ELSE 0 END) AS know,
  SUM(CASE WHEN closed_at IS NOT NULL THEN 1 ELSE 0 END) AS closed,
  SUM(CASE WHEN closed_at IS NOT NULL AND closed_at <= due_at THEN 1 ELSE 0 END) AS on_time,
  SUM(CASE WHEN disclosed_at IS NOT NULL THEN 1 ELSE 0 END) AS disclosed
FROM disclosures
WHERE force_code = $force AND received_day >= $start_day AND received_day < $end_day
