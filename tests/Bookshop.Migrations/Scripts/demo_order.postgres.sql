-- One order for Ada; the trigger keeps its total.
INSERT INTO sales.orders (customer_id) SELECT id FROM sales.customers WHERE email = 'ada@example.com';
INSERT INTO sales.order_lines (order_id, book_id, quantity, unit_price) SELECT o.id, b.id, 2, b.price FROM sales.orders o, catalog.books b WHERE b.isbn = '9780060512750';
INSERT INTO sales.order_lines (order_id, book_id, quantity, unit_price) SELECT o.id, b.id, 1, b.price FROM sales.orders o, catalog.books b WHERE b.isbn = '9781631492228';
