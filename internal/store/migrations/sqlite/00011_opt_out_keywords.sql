-- +goose Up
-- Opt-out keywords per company (issue 5: inbound "NÃO", "PARAR", "SAIR",
-- "STOP", configurable). A JSON array of strings; NULL means Conversa's
-- defaults (conversa.DefaultOptOutKeywords), so a company that never
-- changed them follows improvements to the defaults. The list is validated
-- by conversa.CleanOptOutKeywords before it is stored.
ALTER TABLE companies ADD COLUMN opt_out_keywords TEXT;

-- +goose Down
ALTER TABLE companies DROP COLUMN opt_out_keywords;
