-- Hardware OATH tokens an administrator imported (`admin tokens import`). The state is
-- not stored but follows from two columns: activated when method_id is set (the method
-- holds the secret then), else assigned when user_id is set, else available.
CREATE TABLE hardware_tokens (
    serial TEXT PRIMARY KEY,
    -- base64(nonce || XChaCha20-Poly1305 ciphertext), bound to the serial; NULL while
    -- activated (then the method's secret_enc holds it, bound to user and method).
    secret_enc TEXT,
    -- As methods.secret_key_id: the key that sealed secret_enc during a rotation.
    secret_key_id TEXT,
    algorithm TEXT NOT NULL,
    digits BIGINT NOT NULL,
    period BIGINT NOT NULL,
    manufacturer TEXT NOT NULL,
    model TEXT NOT NULL,
    -- The person an administrator assigned it to (only they may activate it).
    user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    -- The method it was activated as.
    method_id TEXT,
    -- The last accepted time step, kept while the token is back in the inventory, so a
    -- code used before cannot activate it again (RFC 6238 section 5.2).
    last_step BIGINT,
    imported_at BIGINT NOT NULL
);
CREATE INDEX hardware_tokens_method ON hardware_tokens (method_id);

-- A TOTP method's code parameters (NULL: SHA1, 6 digits, 30 s, what every app uses)
-- and, for a hardware token, its serial number.
ALTER TABLE methods ADD COLUMN totp_algorithm TEXT;
ALTER TABLE methods ADD COLUMN totp_digits BIGINT;
ALTER TABLE methods ADD COLUMN totp_period BIGINT;
ALTER TABLE methods ADD COLUMN token_serial TEXT;
