"""Notifications: Web Push (VAPID), the in-app notification centre and city announcements."""
