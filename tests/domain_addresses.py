"""The docs/addressing.md#worked-examples addresses, shared by the addressing and envelope tests."""

from letters.addressing import PostalAddress, Recipient

PENZA_SIZO = PostalAddress(
    facility_name="ФКУ СИЗО-1 УФСИН России по Пензенской области",
    country_code="RU",
    street_address="ул. Каракозова, 30",
    city="г. Пенза",
    country_area="Пензенская область",
    postal_code="440039",
)
PCHELINTSEV = Recipient(
    family_name="Пчелинцев",
    given_names="Дмитрий",
    patronymic="Дмитриевич",
    latin_name="Dmitry Pchelintsev",
    birth_year=1992,
)
FCI_DUBLIN = PostalAddress(
    facility_name="FCI Dublin",
    country_code="US",
    street_address="5701 8th St. - Camp Parks",
    city="Dublin",
    country_area="CA",
    postal_code="94568",
)
PA_SCANNING_CENTRE = PostalAddress(
    facility_name="Smart Communications/PA DOC",
    country_code="US",
    street_address="PO Box 33028",
    city="St. Petersburg",
    country_area="FL",
    postal_code="33733",
    facility_name_first=True,
    name_line_format="{name}/{number}",
)
HMP_BRIXTON = PostalAddress(
    facility_name="HMP Brixton",
    country_code="GB",
    street_address="Jebb Avenue",
    city="London",
    postal_code="SW2 5XF",
)
JVA_ROSDORF = PostalAddress(
    facility_name="JVA Rosdorf",
    country_code="DE",
    street_address="Am Großen Sieke 8",
    city="Rosdorf",
    postal_code="37124",
)
GOMEL_IK4 = PostalAddress(
    facility_name="ИК №4",
    country_code="BY",
    street_address="ул. Антошкина, 3",
    city="г. Гомель",
    postal_code="246035",
)
