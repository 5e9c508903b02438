-- Notices and orders that started in the period, by kind.
SELECT kind, COUNT(*) AS orders
FROM orders
WHERE force_code = $force AND starts_day >= $start_day AND starts_day < $end_day
GROUP BY kind
ORDER BY kind
