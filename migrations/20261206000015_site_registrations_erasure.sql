-- A student's erasure (GDPR) clears what their registration on the public site said of them.
GRANT UPDATE (ip, user_agent, message) ON site_registrations TO volant_app;
