"""Queue in (Celery): fetch bytes, extract facts, run rules, record findings."""
