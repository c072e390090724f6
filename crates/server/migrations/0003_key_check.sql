-- The encryption key's check value, so an instance with another key refuses to start
-- instead of answering 500 for every method. name 'current': the key that seals the
-- secrets; 'rotating-to': the new key of an unfinished `admin rotate-encryption-key`
-- (no instance serves while it exists). key_id names the key (a short hash, never the
-- key); sealed is a constant sealed with the key.
CREATE TABLE key_check (
    name TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    sealed TEXT NOT NULL
);

-- The key that sealed secret_enc, set by rotation so an interrupted one resumes where it
-- stopped. NULL: the 'current' key (every secret sealed by a serving instance).
ALTER TABLE methods ADD COLUMN secret_key_id TEXT;
