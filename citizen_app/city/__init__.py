"""City information and digital safety: lookups, announcements, help near you, safe shopping, my data."""
