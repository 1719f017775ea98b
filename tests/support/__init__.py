"""What tests share: services and settings, processes, files, facts, a workspace of rows."""
