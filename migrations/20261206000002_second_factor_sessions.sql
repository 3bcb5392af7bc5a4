-- Whether a session was opened with a second factor (or has proved one since, by turning 2FA on).
-- A school that requires 2FA for a role refuses that role's work to a session without it.
ALTER TABLE sessions ADD COLUMN second_factor boolean NOT NULL DEFAULT false;
