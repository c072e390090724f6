-- Security keys and passkeys (WebAuthn). The method row holds what every method has
-- (name, created, last used); this table holds the credential.
CREATE TABLE security_keys (
    method_id TEXT PRIMARY KEY REFERENCES methods(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- base64url of the credential id: one credential belongs to one account only.
    credential_id TEXT NOT NULL UNIQUE,
    -- The authenticator model's AAGUID (all zeros when it does not tell).
    aaguid TEXT NOT NULL,
    -- Comma-separated transports the browser reported (usb, nfc, ble, internal, hybrid).
    transports TEXT NOT NULL,
    -- webauthn-rs's credential (public key, algorithm, flags) as JSON: no secret.
    credential TEXT NOT NULL,
    -- The highest signature counter seen; a lower or equal one means a cloned key.
    sign_count BIGINT NOT NULL
);
CREATE INDEX security_keys_user ON security_keys (user_id);

-- The authenticator model's name, when its AAGUID is a known one (shown as the detail).
ALTER TABLE methods ADD COLUMN key_model TEXT;

-- Open WebAuthn ceremonies: the challenge state lives here, not in an instance's memory,
-- so any instance can finish what another started. Finishing deletes the row (once).
CREATE TABLE webauthn_ceremonies (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- Who may finish it: the bearer user or the demo session that started it.
    holder TEXT NOT NULL,
    -- register, step-up or sign-in.
    purpose TEXT NOT NULL,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX webauthn_ceremonies_user ON webauthn_ceremonies (user_id, expires_at);
