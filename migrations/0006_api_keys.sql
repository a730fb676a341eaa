-- API keys for REST clients (Authorization: Bearer <key>). Only a SHA-256 of the key is stored;
-- the key itself is shown once, at creation. `prefix` (the first characters) lets a person tell
-- keys apart in a list.
CREATE TABLE api_keys (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       text NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  prefix        text NOT NULL,
  key_hash      text NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz
);
CREATE INDEX api_keys_user ON api_keys (user_id);
