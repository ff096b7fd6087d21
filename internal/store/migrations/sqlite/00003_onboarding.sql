-- +goose Up
-- Guided WhatsApp onboarding (Embedded Signup): one row per attempt, saved
-- after every step so closing the browser loses nothing. The access token
-- from the code exchange is sealed (AES-GCM) in secrets, like channels'.
CREATE TABLE onboardings (
    id                   INTEGER PRIMARY KEY,
    company_id           INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id              INTEGER REFERENCES users (id) ON DELETE SET NULL,
    group_id             INTEGER NOT NULL REFERENCES channel_groups (id),
    channel_name         TEXT NOT NULL,
    step                 TEXT NOT NULL CHECK (step IN ('signup', 'account', 'phone', 'code', 'verify', 'register', 'connected', 'stopped')),
    business_id          TEXT NOT NULL DEFAULT '',
    waba_id              TEXT NOT NULL DEFAULT '',
    waba_name            TEXT NOT NULL DEFAULT '',
    display_name         TEXT NOT NULL DEFAULT '',
    phone_number_id      TEXT NOT NULL DEFAULT '',
    display_phone_number TEXT NOT NULL DEFAULT '',
    code_method          TEXT NOT NULL DEFAULT '',
    code_requests        INTEGER NOT NULL DEFAULT 0,
    failed_attempts      INTEGER NOT NULL DEFAULT 0,
    code_requested_at    DATETIME,
    registered           BOOLEAN NOT NULL DEFAULT FALSE,
    channel_id           INTEGER REFERENCES channels (id) ON DELETE SET NULL,
    signup_code_hash     TEXT NOT NULL DEFAULT '',
    last_error           TEXT NOT NULL DEFAULT '',
    secrets              TEXT NOT NULL DEFAULT '',
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL
);
CREATE INDEX onboardings_company ON onboardings (company_id, id);

-- +goose Down
DROP TABLE onboardings;
