-- DA share of calls: of the real (reconciled) events in the period that came in by a call,
-- the share that were domestic abuse. An event (events, built by build_events.sql) is a
-- call when any of its source incidents was reported by a call, DA when any of them was,
-- and is dated and placed by its earliest record.
SELECT SUM(is_da) AS numerator, COUNT(*) AS denominator
FROM events
WHERE force_code = $force AND is_call = 1
  AND day >= $start_day AND day < $end_day
  AND ($district IS NULL OR district = $district)
