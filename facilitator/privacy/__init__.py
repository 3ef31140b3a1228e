"""The personal data guard: personnummer and samordningsnummer in free text."""

from .personnummer import contains_personal_number, find_personal_numbers

__all__ = ["contains_personal_number", "find_personal_numbers"]
