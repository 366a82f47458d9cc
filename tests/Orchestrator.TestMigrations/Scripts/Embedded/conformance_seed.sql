-- Seed rows through a script file with a byte order mark, and a token replaced by FluentMigrator.
INSERT INTO conf_accounts (name, tier) VALUES ($(first), 'gold');
INSERT INTO conf_accounts (name, tier) VALUES ('script; with a semicolon', 'silver');
