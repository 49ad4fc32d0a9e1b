"""What makes a password acceptable: 8 to 128 characters, and not one of the passwords
attackers try first (app/data/common_passwords.txt, a list of leaked passwords)."""

from functools import cache
from pathlib import Path

MIN_LENGTH = 8
# argon2 hashes any length; the cap keeps one request from costing too much CPU.
MAX_LENGTH = 128
COMMON_PASSWORDS = (
    Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"
)


@cache
def common_passwords() -> frozenset[str]:
    """The list, lower-cased; lines starting with `# ` are its header."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("# "))


def password_problem(password: str) -> str | None:
    """Why `password` may not be chosen (its length is checked by the schemas); None if
    it may."""
    if password.strip().lower() in common_passwords():
        return "is too common; choose one that is not on lists of leaked passwords"
    if len(set(password)) == 1:
        return "repeats one character; choose another"
    return None
