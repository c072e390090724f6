-- One row per rate-limit bucket, locked (upserted) by every code verification so that
-- checking the count and recording a failure is atomic per bucket across instances.
CREATE TABLE rate_locks (
    bucket TEXT PRIMARY KEY,
    touched BIGINT NOT NULL
);
