"""Domain operations (post, edit, delete, react, report, moderate, sign in); HTTP handlers call these."""
