-- Books with their author and stock, for the shop's back office.
CREATE VIEW catalog.inventory AS
SELECT b.id, b.title, a.name AS author, b.in_stock, b.price
FROM catalog.books b
JOIN catalog.authors a ON a.id = b.author_id;
