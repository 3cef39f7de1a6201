"""Push notifications: VAPID keys, subscriptions, settings, and delivery through a task queue."""
