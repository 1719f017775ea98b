"""What both entry points share: settings, database, object storage and the queue contract."""
