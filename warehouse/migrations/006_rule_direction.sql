-- Direction belongs to a methodology version: a later version that flips it must not
-- change how past publications recompute.

ALTER TABLE methodology_benchmarks ADD COLUMN direction TEXT;

UPDATE methodology_benchmarks mb SET direction = b.direction
FROM benchmarks b WHERE b.benchmark_id = mb.benchmark_id;
