-- Harm reduction plan actions as at the end of the period's last day, by kind: open then
-- (made before the end, not done or cancelled by then) and overdue among them (due on or
-- before the last day). A case whose area came from a confidential address is 'withheld'
-- and counted only for the whole force.
SELECT kind,
       COUNT(*) AS open_actions,
       SUM(CASE WHEN due_day < $end_day THEN 1 ELSE 0 END) AS overdue
FROM plan_actions
WHERE force_code = $force AND created_day < $end_day
  AND (closed_day IS NULL OR closed_day >= $end_day)
  AND ($district IS NULL OR district = $district)
GROUP BY kind
ORDER BY kind
