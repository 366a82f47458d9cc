-- Two statements in one script: engines must run both.
CREATE TABLE report_a (id int);
CREATE TABLE report_b (id int);
