-- A view created from a script file copied next to the assembly (Execute.Script).
CREATE VIEW conf_gold_accounts AS SELECT id, name FROM conf_accounts WHERE tier = 'gold';
