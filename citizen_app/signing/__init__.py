"""Digital signing: the development CA, the citizen's signing certificates, PAdES signatures with time stamps."""
