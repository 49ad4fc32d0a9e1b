"""Name forms of a resource, derived once from whatever the user typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.naming import (
    Names,
    plural_lookup,
    pluralize,
    resolve_plural,
    singularize,
    snake_case,
    with_article,
)


@pytest.mark.parametrize("typed", ["review", "reviews", "Review", "Reviews", "REVIEWS"])
def test_review_in_any_form(typed: str) -> None:
    assert Names.from_name(typed) == Names(
        singular="review",
        plural="reviews",
        class_name="Review",
        plural_class_name="Reviews",
        camel="review",
        camel_plural="reviews",
        kebab_plural="reviews",
        human="review",
        human_plural="reviews",
        a_human="a review",
        table="reviews",
        id_param="review_id",
    )


@pytest.mark.parametrize(
    "typed", ["LessonProgress", "lesson_progress", "lesson-progress", "lesson progress"]
)
def test_two_word_resource_in_any_form(typed: str) -> None:
    names = Names.from_name(typed)
    assert names.singular == "lesson_progress"
    assert names.plural == "lesson_progresses"
    assert names.class_name == "LessonProgress"
    assert names.plural_class_name == "LessonProgresses"
    assert (names.camel, names.camel_plural) == ("lessonProgress", "lessonProgresses")
    assert names.kebab_plural == "lesson-progresses"
    assert names.human == "lesson progress"
    assert names.human_plural == "lesson progresses"
    assert names.table == "lesson_progresses"
    assert names.id_param == "lesson_progress_id"


@pytest.mark.parametrize(
    ("typed", "singular", "plural", "class_name"),
    [
        ("person", "person", "people", "Person"),
        ("people", "person", "people", "Person"),
        ("category", "category", "categories", "Category"),
        ("categories", "category", "categories", "Category"),
        ("status", "status", "statuses", "Status"),
        ("statuses", "status", "statuses", "Status"),
        ("news", "news", "news", "News"),
    ],
)
def test_irregular_and_uncountable_words(
    typed: str, singular: str, plural: str, class_name: str
) -> None:
    names = Names.from_name(typed)
    assert (names.singular, names.plural, names.class_name) == (singular, plural, class_name)
    assert names.table == plural
    assert names.id_param == f"{singular}_id"


@pytest.mark.parametrize("typed", ["review", "LessonProgress", "person", "status", "news"])
def test_plural_names_the_same_resource(typed: str) -> None:
    names = Names.from_name(typed)
    assert Names.from_name(names.plural) == names


def test_as_dict_has_every_form() -> None:
    forms = Names.from_name("bus_stop").as_dict()
    assert forms["plural"] == "bus_stops"
    assert forms["kebab_plural"] == "bus-stops"
    assert set(forms) == {
        "singular",
        "plural",
        "class_name",
        "plural_class_name",
        "camel",
        "camel_plural",
        "kebab_plural",
        "human",
        "human_plural",
        "a_human",
        "table",
        "id_param",
    }


@pytest.mark.parametrize(
    ("typed", "snake"),
    [
        ("ratingValue", "rating_value"),
        ("RatingValue", "rating_value"),
        ("authorEmail", "author_email"),
        ("HTTPStatus", "http_status"),
        ("Rating Value", "rating_value"),
        ("rating  value", "rating_value"),
        ("  title ", "title"),
        ("already_snake", "already_snake"),
    ],
)
def test_snake_case(typed: str, snake: str) -> None:
    assert snake_case(typed) == snake


@pytest.mark.parametrize(
    ("word", "phrase"),
    [
        ("enrollment", "an enrollment"),
        ("item", "an item"),
        ("order", "an order"),
        ("umbrella", "an umbrella"),
        ("hour", "an hour"),
        ("honor", "an honor"),
        ("review", "a review"),
        ("hotel", "a hotel"),
        ("user", "a user"),
        ("unique code", "a unique code"),
        ("uuid", "a uuid"),
        ("url", "a url"),
        ("euro", "a euro"),
        ("one off", "a one off"),
        ("lesson progress", "a lesson progress"),
    ],
)
def test_the_article_follows_the_sound(word: str, phrase: str) -> None:
    assert with_article(word) == phrase


def _corpus() -> list[tuple[str, str]]:
    lines = (Path(__file__).parent / "data" / "resource_nouns.txt").read_text().splitlines()
    return [tuple(line.split()) for line in lines if line and not line.startswith("#")]  # type: ignore[misc]


CORPUS = _corpus()


@pytest.mark.parametrize(("singular", "plural"), CORPUS, ids=[s for s, _ in CORPUS])
def test_every_name_of_the_corpus_in_both_numbers(singular: str, plural: str) -> None:
    assert (pluralize(singular), singularize(plural)) == (plural, singular)
    assert singularize(singular) == singular  # a singular typed stays one
    for typed in (singular, plural, plural.upper()):
        names = Names.from_name(typed)
        assert (names.singular, names.plural) == (singular, plural), typed


# Where inflect (whose rules are the better, but which takes two seconds to import) and
# scaffold disagree on the corpus: each is a word scaffold gets right and inflect does not.
INFLECT_DISAGREES = {
    "feedback": "feedbacks",
    "golf": "golves",
    "index": "indexes",
    "info": "infos",
    "matrix": "matrixes",
    "media": "medias",
    "promo": "promoes",
    "software": "softwares",
    "staff": "staffs",
    "thief": "thiefs",
    "todo": "todoes",
}


def test_plurals_differ_from_inflects_only_where_inflect_is_wrong() -> None:
    import inflect

    engine = inflect.engine()
    theirs = {s: engine.plural_noun(s) for s, _ in CORPUS}
    disagreements = {s: theirs[s] for s, p in CORPUS if theirs[s] != p}
    assert disagreements == INFLECT_DISAGREES
    # and in names of two words, only the last takes the plural, in both
    for singular, _ in CORPUS:
        if singular not in INFLECT_DISAGREES and "_" not in singular:
            assert pluralize(f"order_{singular}") == engine.plural_noun(
                f"order {singular}"
            ).replace(" ", "_")


@pytest.mark.parametrize(
    ("typed", "singular", "plural"),
    [("crlfs", "crlf", "crlfs"), ("betas", "beta", "betas"), ("golfs", "golf", "golfs")],
)
def test_a_plural_typed_is_the_plural(typed: str, singular: str, plural: str) -> None:
    names = Names.from_name(typed)
    assert (names.singular, names.plural, names.table) == (singular, plural, plural)


def test_a_given_plural_wins() -> None:
    names = Names.from_name("cactus", "cacti")
    assert (names.singular, names.plural, names.class_name) == ("cactus", "cacti", "Cactus")
    assert (names.plural_class_name, names.kebab_plural, names.id_param) == (
        "Cacti",
        "cacti",
        "cactus_id",
    )


def test_refs_find_a_resource_by_either_name() -> None:
    lookup = plural_lookup([Names.from_name("cactus", "cacti"), Names.from_name("review")])
    assert resolve_plural("cactus", lookup) == "cacti"
    assert resolve_plural("cacti", lookup) == "cacti"
    assert resolve_plural("Reviews", lookup) == "reviews"
    assert resolve_plural("lesson", lookup) == "lessons"  # unknown: the derived plural
