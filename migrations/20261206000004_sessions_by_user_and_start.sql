-- Every login reads the devices of the person's sessions of the last year (revoked and expired
-- ones too) to tell a new device: the existing index covers live sessions only.
CREATE INDEX sessions_by_user_and_start ON sessions (user_id, created_at);
