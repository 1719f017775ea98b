"""The verifiers' workspace: queue, claims, decisions, history, matrix, exports, report."""
