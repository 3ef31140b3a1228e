"""The personal data guard: personnummer and samordningsnummer in free text."""
