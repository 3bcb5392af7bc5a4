-- Notifications (SPEC § 6.2). An event raised by a change is a `notification.dispatch` job written
-- in the change's transaction; the job writes one in-app notification per person concerned and one
-- delivery per outside channel (e-mail, SMS), each sent by its own job. The unique keys make every
-- step safe to run twice: a retried dispatch or a second server instance adds nothing.

CREATE TABLE notifications (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (id),
    event      text NOT NULL,
    -- What happened, once: `lesson_moved:{lesson}:{version}`; a person is told once per key.
    event_key  text NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL,
    -- Where the app shows what it is about (`/mon-planning`), when somewhere does.
    link       text,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT notifications_once_per_person UNIQUE (tenant_id, event_key, user_id)
);
CREATE INDEX notifications_by_person ON notifications (tenant_id, user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (tenant_id, user_id) WHERE read_at IS NULL;
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON notifications USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON notifications TO volant_app;

-- One message of a notification on one outside channel, and what became of it.
CREATE TABLE notification_deliveries (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    notification_id uuid NOT NULL,
    channel         text NOT NULL CONSTRAINT notification_deliveries_channel_known CHECK (channel IN ('email', 'sms')),
    -- The e-mail address or the phone number (E.164) it goes to; empty when there is none.
    address         text NOT NULL,
    status          text NOT NULL DEFAULT 'queued' CONSTRAINT notification_deliveries_status_known
                    CHECK (status IN ('queued', 'sent', 'failed', 'skipped')),
    reason          text,
    attempts        integer NOT NULL DEFAULT 0,
    -- Held back by the person's quiet hours until then.
    send_after      timestamptz,
    provider_id     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, notification_id) REFERENCES notifications (tenant_id, id),
    CONSTRAINT notification_deliveries_once_per_channel UNIQUE (tenant_id, notification_id, channel),
    CONSTRAINT notification_deliveries_sent_has_time CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX notification_deliveries_recent ON notification_deliveries (tenant_id, created_at DESC, id DESC);
ALTER TABLE notification_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON notification_deliveries USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON notification_deliveries TO volant_app;

-- A person's choices in one school. No row: the defaults of `volant_domain::notify`.
CREATE TABLE notification_preferences (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    user_id     uuid NOT NULL REFERENCES users (id),
    -- {event: {email, sms, in_app}} for the events the person changed.
    channels    jsonb NOT NULL DEFAULT '{}',
    -- The person's quiet hours; NULL: the school's.
    quiet_start time,
    quiet_end   time,
    version     integer NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
ALTER TABLE notification_preferences ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_preferences FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON notification_preferences USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON notification_preferences TO volant_app;

-- A person's secret calendar feed (an ICS URL). The URL's token is derived from the row and the
-- server's key, so nothing secret is stored; rotating revokes the row and makes a new one.
CREATE TABLE calendar_feeds (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX calendar_feeds_one_live ON calendar_feeds (tenant_id, user_id) WHERE revoked_at IS NULL;
ALTER TABLE calendar_feeds ENABLE ROW LEVEL SECURITY;
ALTER TABLE calendar_feeds FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON calendar_feeds USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON calendar_feeds TO volant_app;

-- The demo catcher keeps the HTML part too, and the SMS the demo sends.
ALTER TABLE demo_mails ADD COLUMN body_html text;
CREATE TABLE demo_sms (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    to_number  text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX demo_sms_recent ON demo_sms (tenant_id, created_at DESC);
ALTER TABLE demo_sms ENABLE ROW LEVEL SECURITY;
ALTER TABLE demo_sms FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON demo_sms USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT ON demo_sms TO volant_app;

