-- One order for Ada; the trigger keeps its total. A MariaDB trigger may not update a table the
-- statement that fired it reads (error 1442), so the order id goes through a variable.
INSERT INTO orders (customer_id) SELECT id FROM customers WHERE email = 'ada@example.com';
SET @order_id = (SELECT MAX(id) FROM orders);
INSERT INTO order_lines (order_id, book_id, quantity, unit_price) SELECT @order_id, b.id, 2, b.price FROM books b WHERE b.isbn = '9780060512750';
INSERT INTO order_lines (order_id, book_id, quantity, unit_price) SELECT @order_id, b.id, 1, b.price FROM books b WHERE b.isbn = '9781631492228';
