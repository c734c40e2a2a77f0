"""Pages of the enterprises app: `pages` (list, detail, forms) and `ledger` (import / export)."""
