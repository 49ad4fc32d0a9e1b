"""Every name form of a resource, derived once from what the user typed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import inflection

from generator.errors import ScaffoldError

_WORD_SEPARATORS = re.compile(r"[\s\-]+")
_RESOURCE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@lru_cache(maxsize=16384)
def snake_case(name: str) -> str:
    """``ratingValue``, ``Rating Value``, ``rating-value`` -> ``rating_value``."""
    return inflection.underscore(_WORD_SEPARATORS.sub("_", name.strip())).strip("_")


def _words(text: str) -> list[str]:
    return text.split()


def _pairs(text: str) -> dict[str, str]:
    """``a:b c:d`` -> {a: b, c: d}."""
    return dict(pair.split(":", 1) for pair in text.split())


# Where inflection's rules go wrong for the nouns APIs are made of (betas -> beta, drives ->
# drife, golf -> golves, campus -> campus): the corpus in tests/unit/data/resource_nouns.txt
# holds these, and a spec's `plural:` key settles any word they still get wrong.
_UNCOUNTABLE = frozenset(
    _words(
        "equipment feedback hardware info information media metadata news series software"
        " species staff sheep fish deer chassis tennis kudos chaos ethos"
    )
)
_IRREGULAR = {  # singular -> plural, read both ways
    **_pairs(
        "person:people child:children criterion:criteria datum:data hero:heroes echo:echoes"
        " axis:axes veto:vetoes potato:potatoes tomato:tomatoes iris:irises lens:lenses"
        " gas:gases atlas:atlases canvas:canvases bias:biases alias:aliases basis:bases"
        " cookie:cookies movie:movies zombie:zombies rookie:rookies selfie:selfies"
        " hoodie:hoodies calorie:calories brownie:brownies pie:pies tie:ties"
        " excuse:excuses fuse:fuses muse:muses abuse:abuses plus:pluses"
    ),
    # Of the nouns in -f and -fe, only these take -ves (golfs, chefs, cafes take -s).
    **_pairs(
        "calf:calves elf:elves half:halves knife:knives leaf:leaves life:lives loaf:loaves"
        " scarf:scarves self:selves sheaf:sheaves shelf:shelves thief:thieves wharf:wharves"
        " wife:wives wolf:wolves dwarf:dwarves"
    ),
}
_SINGULAR_OF = {plural: singular for singular, plural in _IRREGULAR.items() if singular != "basis"}
_PLURAL_RULES = [  # (pattern, replacement) on a singular, before inflection's rules
    (re.compile(r"us$"), "uses"),  # campus, bonus, virus (not viri)
    (re.compile(r"sis$"), "ses"),  # analysis, thesis
    (re.compile(r"([ti])a$"), r"\1as"),  # beta, delta, quota (data is datum's)
    (re.compile(r"fe?$"), r"\g<0>s"),  # golf, crlf, cafe, safe
]
_U_NOUN = re.compile(r"(^[^aeiou]{2,}u|eau|ou|menu|emu|guru|tutu|haiku|sudoku|tofu|gnu)s$")
_SINGULAR_RULES = [  # (pattern, replacement) on a word, before inflection's rules
    (re.compile(r"sis$"), "sis"),  # analysis, thesis: already singular
    (re.compile(r"[ti]a$"), r"\g<0>"),  # beta, quota: already singular (not betum)
    (_U_NOUN, r"\1"),  # skus, cpus, menus, bureaus
    (re.compile(r"us$"), "us"),  # campus, bus, status: already singular
    (re.compile(r"([ao])uses$"), r"\1use"),  # houses, causes, warehouses
    (re.compile(r"uses$"), "us"),  # campuses, buses, statuses
    (re.compile(r"ases$"), "ase"),  # bases, phases, databases (not basis)
    (re.compile(r"ves$"), "ve"),  # drives, curves, gloves (the -f nouns are irregular)
    (re.compile(r"([^aeiou])aches$"), r"\1ache"),  # caches, headaches (not coaches)
]


@lru_cache(maxsize=4096)
def pluralize(singular: str) -> str:
    """``review`` -> ``reviews``, ``lesson_progress`` -> ``lesson_progresses``."""
    head, word = _split_last_word(singular)
    if word in _UNCOUNTABLE:
        return singular
    if word in _IRREGULAR:
        return head + _IRREGULAR[word]
    for pattern, replacement in _PLURAL_RULES:
        if pattern.search(word):
            return head + pattern.sub(replacement, word)
    return head + inflection.pluralize(word)


@lru_cache(maxsize=4096)
def singularize(word: str) -> str:
    """``reviews`` -> ``review``; a word that is already singular comes back unchanged."""
    head, last = _split_last_word(word)
    if last in _UNCOUNTABLE or last in _IRREGULAR:
        return word
    if last in _SINGULAR_OF:
        return head + _SINGULAR_OF[last]
    for pattern, replacement in _SINGULAR_RULES:
        if pattern.search(last):
            return head + pattern.sub(replacement, last)
    return head + inflection.singularize(last)


def _split_last_word(name: str) -> tuple[str, str]:
    """``order_item`` -> (``order_``, ``item``): only the last word takes a number."""
    head, _, last = name.rpartition("_")
    return (f"{head}_" if head else ""), last


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
    camel: str  # review, lessonProgress (a variable in TypeScript)
    camel_plural: str  # reviews, lessonProgresses
    kebab_plural: str  # reviews, lesson-progresses (URL segment)
    human: str  # review, lesson progress
    human_plural: str  # reviews, lesson progresses
    a_human: str  # a review, an enrollment
    table: str  # reviews, lesson_progresses
    id_param: str  # review_id, lesson_progress_id

    @classmethod
    def from_name(cls, name: str, plural: str | None = None) -> Names:
        """Accept singular or plural, in any case: ``reviews``, ``Review``, ``LessonProgress``.
        A plural typed is kept as it is (``crlfs``); ``plural`` overrides the derived one."""
        return _names(name, plural)

    @classmethod
    def parse(cls, name: str) -> Names:
        """Like from_name, for names a user typed: anything that is not a word is refused."""
        problem = resource_name_problem(name)
        if problem:
            raise ScaffoldError(f"{name!r} is not a resource name: {problem}")
        return cls.from_name(name)

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


@lru_cache(maxsize=16384)
def _names(name: str, plural: str | None) -> Names:
    """Names.from_name, once per name (Names are immutable; a run asks for each often)."""
    typed = snake_case(name)
    singular = singularize(typed)
    plural = plural or (typed if singular != typed else pluralize(singular))
    return Names(
        singular=singular,
        plural=plural,
        class_name=inflection.camelize(singular),
        plural_class_name=inflection.camelize(plural),
        camel=inflection.camelize(singular, uppercase_first_letter=False),
        camel_plural=inflection.camelize(plural, uppercase_first_letter=False),
        kebab_plural=plural.replace("_", "-"),
        human=singular.replace("_", " "),
        human_plural=plural.replace("_", " "),
        a_human=with_article(singular.replace("_", " ")),
        table=plural,
        id_param=f"{singular}_id",
    )


def plural_lookup(every: Iterable[Names]) -> dict[str, str]:
    """The plural of each resource, by its singular and by its plural."""
    return {name: n.plural for n in every for name in (n.singular, n.plural)}


def resolve_plural(name: str, lookup: Mapping[str, str]) -> str:
    """The plural of the resource ``name`` names (a ref's target): one of ``lookup`` by
    either of its names, else the plural derived from ``name``."""
    names = Names.from_name(name)
    return lookup.get(snake_case(name)) or lookup.get(names.singular) or names.plural


MAX_TABLE_NAME = 63  # PostgreSQL cuts longer identifiers


def resource_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a resource in any stack, or None (what a stack's language
    reserves, it judges itself: Stack.resource_name_problem)."""
    names = Names.from_name(name)
    singular = names.singular
    if not _RESOURCE_NAME.match(singular):
        return (
            "use letters, digits and underscores, starting with a letter"
            " (review, reviews, LessonProgress)"
        )
    if len(names.plural) > MAX_TABLE_NAME:
        return f"its table name is longer than {MAX_TABLE_NAME} characters"
    return None
