-- The expected answer a feedback may carry (a class label, a correction), for experts that learn.
ALTER TABLE feedback ADD COLUMN expected TEXT;
