-- Two statements in one script, saved with a byte order mark: engines must run both.
CREATE TABLE report_a (id int);
CREATE TABLE report_b (id int);
