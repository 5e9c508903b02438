-- Breaches of notices and orders that happened in the period.
SELECT COUNT(*) AS breaches
FROM order_breaches
WHERE force_code = $force AND occurred_day >= $start_day AND occurred_day < $end_day
