-- Phone, email and security questions (issue #13).

-- Where a phone or email method's codes go: the E.164 number or the address (NULL for
-- other types), the phone's kind and an office phone's extension.
ALTER TABLE methods ADD COLUMN contact TEXT;
ALTER TABLE methods ADD COLUMN phone_kind TEXT;
ALTER TABLE methods ADD COLUMN phone_extension TEXT;

-- One-time codes sent by text, call or email. Only an HMAC of the code is stored (keyed
-- with a key derived from the encryption key), never the code.
CREATE TABLE code_challenges (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- 'enrol' (a new number or address, or a change of one) or 'verify' (step-up,
    -- sign-in with a registered method).
    purpose TEXT NOT NULL,
    method_type TEXT NOT NULL,
    -- verify: the method proven; enrol: the method a change replaces (or NULL).
    method_id TEXT,
    -- 'text', 'call' or 'email'.
    channel TEXT NOT NULL,
    contact TEXT NOT NULL,
    phone_kind TEXT,
    phone_extension TEXT,
    locale TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- Wrong codes typed for this code (a new code starts again at 0).
    attempts BIGINT NOT NULL DEFAULT 0,
    sent_at BIGINT NOT NULL
);
CREATE INDEX code_challenges_user ON code_challenges (user_id, purpose, method_id);

-- The demo's outbox: messages "sent" without a provider, shown on the demo page.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX outbox_user ON outbox (user_id, created_ms);

-- A security questions method's answers: argon2 hashes only, one row per question.
CREATE TABLE security_answers (
    method_id TEXT NOT NULL REFERENCES methods(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    answer_hash TEXT NOT NULL,
    PRIMARY KEY (method_id, question_id)
);
