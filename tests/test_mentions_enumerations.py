"""Places in an enumeration share the preposition of the first: « à Auch, Condom et Mirande » makes the three
the perimeter (not only Auch); an enumeration an example cue introduces stays « mentioned » throughout."""

from __future__ import annotations

import pytest

from ingest.mentions import Gazetteer

EXTRA_ROWS = [  # what the graph side would pass for these sentences, written for the tests
    ("Auch", "place", "com:32013"),
    ("Condom", "place", "com:32107"),
    ("Mirande", "place", "com:32256"),
    ("Pamiers", "place", "com:09225"),
    ("Foix", "place", "com:09122"),
    ("Saint-Girons", "place", "com:09261"),
    ("Montauban", "place", "com:82121"),
    ("Albi", "place", "com:81004"),
]


@pytest.fixture(scope="module")
def gazetteer(sentence_gazetteer) -> Gazetteer:
    return sentence_gazetteer(EXTRA_ROWS)


CASES = [
    (
        "Des plateformes d'orientation se tiennent chaque semaine à Auch, Condom et Mirande.",
        [("Auch", "place", "perimeter"), ("Condom", "place", "perimeter"), ("Mirande", "place", "perimeter")],
    ),
    (
        "Les ateliers ont lieu à Pamiers, Foix et Saint-Girons depuis 2024.",
        [
            ("Pamiers", "place", "perimeter"),
            ("Foix", "place", "perimeter"),
            ("Saint-Girons", "place", "perimeter"),
        ],
    ),
    (
        "L'action s'inspire de ce qui se fait à Montauban et Albi.",
        [("Montauban", "place", "mentioned"), ("Albi", "place", "mentioned")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_places_of_an_enumeration(gazetteer: Gazetteer, check_who, text: str, expected) -> None:
    check_who(gazetteer, text, expected)
