-- Catalogue category names are unique however they are written (case, accents, any script):
-- the key is the name folded by the application, not SQL's lower(), which in SQLite folds
-- ASCII letters only.
ALTER TABLE catalog_categories ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
UPDATE catalog_categories SET name_key = lower(name);
DROP INDEX catalog_categories_name;
CREATE UNIQUE INDEX catalog_categories_name_key ON catalog_categories(name_key);
