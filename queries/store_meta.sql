-- name: store_meta
-- The store's own facts: schema version, the as-of date that stands for "today" in every
-- KPI (SPEC §4), and the store version that changes with every import (cache key).
-- columns: schema_version, as_of_date, store_version, built_at, as_of_pinned
SELECT schema_version, as_of_date, store_version, built_at, as_of_pinned
FROM store_meta
WHERE id = 1
