-- Authenticator apps with push notifications (methods/push.rs, README "Push protocol").

-- One per started push enrolment: the activation code, stored only as its hash.
-- device_id is set when a device used it (single use).
CREATE TABLE push_activations (
    enrollment_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL,
    device_id TEXT
);

-- Activated devices. While pending_until is set the method does not exist yet: its id,
-- name and sealed TOTP secret wait here until the wizard's test notification is
-- approved (then the methods row is inserted and pending_until cleared); a pending
-- device past pending_until is removed. Deleting the method deletes its device.
CREATE TABLE push_devices (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    method_id TEXT NOT NULL UNIQUE,
    enrollment_id TEXT NOT NULL,
    name TEXT NOT NULL,
    -- SEC1 uncompressed P-256 point, base64url.
    public_key TEXT NOT NULL,
    -- base64(nonce || ciphertext) of the TOTP secret, bound to user and method, while
    -- pending (then it moves to the method's secret_enc and this is NULL).
    secret_enc TEXT,
    pending_until BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX push_devices_user ON push_devices (user_id);

-- Nonces of signed device requests, remembered for five minutes: a replay is refused.
CREATE TABLE push_nonces (
    device_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (device_id, nonce)
);
CREATE INDEX push_nonces_at ON push_nonces (at);

-- Notifications. holder: whose step-up or sign-in an approval counts for.
CREATE TABLE push_challenges (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    holder TEXT NOT NULL,
    number BIGINT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX push_challenges_user ON push_challenges (user_id, created_at);
CREATE INDEX push_challenges_device ON push_challenges (device_id, state);
