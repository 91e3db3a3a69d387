"""Identity wallet: SD-JWT VC credentials, the token status list, presentations by QR, the verifier (online, at
the counter and the offline page's messages)."""
