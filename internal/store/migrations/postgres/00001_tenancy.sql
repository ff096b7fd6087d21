-- +goose Up
-- Tenancy: companies, their users, sessions, audit log and login failures.
CREATE TABLE companies (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain       TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    max_channels INTEGER NOT NULL DEFAULT 1 CHECK (max_channels >= 0),
    max_agents   INTEGER NOT NULL DEFAULT 1 CHECK (max_agents >= 0),
    locale       TEXT NOT NULL DEFAULT 'pt-BR',
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id    BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (company_id, email)
);

CREATE TABLE sessions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    company_id   BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    reauth_at    TIMESTAMPTZ,
    user_agent   TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (company_id, user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE audit_log (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    actor_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL DEFAULT '',
    detail     JSONB NOT NULL DEFAULT '{}',
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_company ON audit_log (company_id, id);

-- Keyed by the login identity, not a company id: failures for unknown
-- domains and e-mails are counted exactly like real ones, so a lockout never
-- tells an attacker whether an account exists.
CREATE TABLE login_failures (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain TEXT NOT NULL,
    email  TEXT NOT NULL,
    ip     TEXT NOT NULL DEFAULT '',
    at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_identity ON login_failures (domain, email, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE companies;
