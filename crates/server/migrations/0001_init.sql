-- Portable between SQLite and PostgreSQL: only TEXT and BIGINT columns, no
-- autoincrement, no dialect-specific types. Times are Unix seconds unless named *_ms.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL UNIQUE,
    account_name TEXT NOT NULL,
    password_hash TEXT,
    default_method_id TEXT,
    default_mode TEXT,
    created_at BIGINT NOT NULL,
    -- Bumped by every transaction that changes the user's methods: the UPDATE takes the
    -- row lock on PostgreSQL and the write lock on SQLite, serialising those changes.
    lock_counter BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE methods (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    method_type TEXT NOT NULL,
    name TEXT NOT NULL,
    -- base64(nonce || XChaCha20-Poly1305 ciphertext); never the Base32 secret.
    secret_enc TEXT,
    created_ms BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX methods_user ON methods (user_id, created_ms);

CREATE TABLE enrollments (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    method_type TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Accepted TOTP time steps: the primary key makes "accept a step once" atomic across
-- server instances.
CREATE TABLE used_steps (
    method_id TEXT NOT NULL REFERENCES methods(id) ON DELETE CASCADE,
    step BIGINT NOT NULL,
    used_at BIGINT NOT NULL,
    PRIMARY KEY (method_id, step)
);

-- Verification attempts per bucket (user or client address) for rate limiting.
CREATE TABLE attempts (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX attempts_bucket ON attempts (bucket, at);

-- Step-up freshness per holder: a demo session or a bearer-token user.
CREATE TABLE freshness (
    holder TEXT PRIMARY KEY,
    fresh_until BIGINT NOT NULL
);

-- Demo sign-in sessions; the cookie value is stored only as a SHA-256 hash.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    authenticated BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
