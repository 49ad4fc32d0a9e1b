"""Every name form of a resource, derived once from what the user typed."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

import inflection

from generator.errors import ScaffoldError

_WORD_SEPARATORS = re.compile(r"[\s\-]+")
_RESOURCE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def snake_case(name: str) -> str:
    """``ratingValue``, ``Rating Value``, ``rating-value`` -> ``rating_value``."""
    return inflection.underscore(_WORD_SEPARATORS.sub("_", name.strip())).strip("_")


# Spelling exceptions to "an before a vowel letter": vowels sounded as a consonant (a user,
# a unique, a euro, a one-off) and a silent h (an hour).
_VOWEL_LETTER_CONSONANT_SOUND = re.compile(
    r"^(u[bcdfgjklmnpqrstvz][aeiou]|uu|url|ura|ure|uri|eu|ew|one\b|once)"
)
_SILENT_H = re.compile(r"^(hour|honest|honou?r|heir)")


def with_article(phrase: str) -> str:
    """``enrollment`` -> ``an enrollment``, ``user`` -> ``a user``, ``hour`` -> ``an hour``:
    the article by the sound the word starts with, as far as its spelling tells."""
    word = phrase.lower()
    vowel_sound = (word[:1] in "aeiou" and not _VOWEL_LETTER_CONSONANT_SOUND.match(word)) or bool(
        _SILENT_H.match(word)
    )
    return f"{'an' if vowel_sound else 'a'} {phrase}"


@dataclass(frozen=True)
class Names:
    """Name forms of one resource. Templates read these; they never compute names."""

    singular: str  # review, lesson_progress
    plural: str  # reviews, lesson_progresses
    class_name: str  # Review, LessonProgress
    plural_class_name: str  # Reviews, LessonProgresses
    kebab_plural: str  # reviews, lesson-progresses (URL segment)
    human: str  # review, lesson progress
    human_plural: str  # reviews, lesson progresses
    a_human: str  # a review, an enrollment
    table: str  # reviews, lesson_progresses
    id_param: str  # review_id, lesson_progress_id

    @classmethod
    def from_name(cls, name: str) -> Names:
        """Accept singular or plural, in any case: ``reviews``, ``Review``, ``LessonProgress``."""
        singular = inflection.singularize(snake_case(name))
        plural = inflection.pluralize(singular)
        return cls(
            singular=singular,
            plural=plural,
            class_name=inflection.camelize(singular),
            plural_class_name=inflection.camelize(plural),
            kebab_plural=plural.replace("_", "-"),
            human=singular.replace("_", " "),
            human_plural=plural.replace("_", " "),
            a_human=with_article(singular.replace("_", " ")),
            table=plural,
            id_param=f"{singular}_id",
        )

    @classmethod
    def parse(cls, name: str) -> Names:
        """Like from_name, for names a user typed: anything that is not a word is refused."""
        problem = resource_name_problem(name)
        if problem:
            raise ScaffoldError(f"{name!r} is not a resource name: {problem}")
        return cls.from_name(name)

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


MAX_TABLE_NAME = 63  # PostgreSQL cuts longer identifiers


def resource_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a resource, or None."""
    singular = inflection.singularize(snake_case(name))
    if not _RESOURCE_NAME.match(singular) or keyword.iskeyword(singular):
        return (
            "use letters, digits and underscores, starting with a letter"
            " (review, reviews, LessonProgress)"
        )
    if keyword.iskeyword(inflection.camelize(singular)):  # none -> class None
        return f"its class would be {inflection.camelize(singular)}, a word Python reserves"
    if len(inflection.pluralize(singular)) > MAX_TABLE_NAME:
        return f"its table name is longer than {MAX_TABLE_NAME} characters"
    return None
