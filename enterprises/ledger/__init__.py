"""The enterprise ledger (企业台账): template, reading, dry-run validation and bulk import."""
