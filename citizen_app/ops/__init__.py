"""Operations: health and readiness, request-id JSON logs, background-job status, probes."""
