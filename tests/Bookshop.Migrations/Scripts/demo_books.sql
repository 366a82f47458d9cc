-- Tables are named through $(...) tokens: qualified by schema on PostgreSQL, plain on MariaDB.
INSERT INTO $(books) (author_id, title, isbn, price, in_stock) SELECT id, 'The Dispossessed', '9780060512750', 9.99, 4 FROM $(authors) WHERE name = 'Ursula K. Le Guin';
INSERT INTO $(books) (author_id, title, isbn, price, in_stock) SELECT id, 'SPQR', '9781631492228', 17.50, 2 FROM $(authors) WHERE name = 'Mary Beard';
