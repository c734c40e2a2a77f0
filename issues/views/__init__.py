"""Web pages of the issue closed loop. One module per page family; each view is short:
decorators → selector (404 for what the viewer may not see) → form → one service call."""
