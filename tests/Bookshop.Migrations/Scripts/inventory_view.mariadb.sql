-- Books with their author and stock, for the shop's back office.
CREATE VIEW inventory AS
SELECT b.id, b.title, a.name AS author, b.in_stock, b.price
FROM books b
JOIN authors a ON a.id = b.author_id;
