-- Invite links: a board, the role the invitee gets, an expiry. Only a SHA-256 of the token is
-- stored. Accepting does not use the invite up (a link can be shared with a team) until revoked.
CREATE TABLE invites (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  board_id    uuid NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('editor', 'viewer', 'owner')),
  token_hash  text NOT NULL UNIQUE,
  created_by  text REFERENCES "user" (id) ON DELETE SET NULL,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invites_board ON invites (board_id);
