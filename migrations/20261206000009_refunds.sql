-- Refunds: payment records are never changed, so money given back is a payment record of its
-- own, negative, naming the payment it refunds and why.
ALTER TABLE payments ADD COLUMN refund_of uuid;
ALTER TABLE payments ADD COLUMN reason text CONSTRAINT payments_reason_length CHECK (char_length(reason) <= 300);
ALTER TABLE payments ADD CONSTRAINT payments_refund_fk FOREIGN KEY (tenant_id, refund_of) REFERENCES payments (tenant_id, id);
ALTER TABLE payments DROP CONSTRAINT payments_amount_positive;
ALTER TABLE payments ADD CONSTRAINT payments_amount_sign CHECK (
    CASE WHEN refund_of IS NULL THEN amount_cents > 0 ELSE amount_cents < 0 AND reason IS NOT NULL END);
CREATE INDEX payments_refunds ON payments (tenant_id, refund_of) WHERE refund_of IS NOT NULL;
