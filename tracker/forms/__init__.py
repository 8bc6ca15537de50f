"""WTForms forms, one module per concern."""
