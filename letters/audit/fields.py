"""How a recorded field name reads on the audit pages, in the reader's language.

Entries store column names ("street_address"), which stay true whatever language the app is
shown in; these are their labels. A name not listed here (a column added later) is shown with
spaces for underscores, so an entry is never hidden for want of a label.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

FIELD_LABELS: dict[str, LazyString] = {
    # prisoners
    "family_name": _l("Family name"),
    "given_names": _l("Given names"),
    "patronymic": _l("Patronymic"),
    "latin_name": _l("Name in Latin letters"),
    "gender": _l("Gender"),
    "birth_year": _l("Year of birth"),
    "birth_date": _l("Date of birth"),
    "prisoner_number": _l("Prisoner number"),
    "facility": _l("Facility"),
    "unit": _l("Unit"),
    "status": _l("Status"),
    "release_date": _l("Release date"),
    "languages": _l("Languages"),
    "language_notes": _l("Language notes"),
    "interests": _l("Interests"),
    "bio": _l("About"),
    "is_listed": _l("Listed"),
    "envelope_name": _l("Name on the envelope"),
    "envelope_name_confirmed": _l("Name on the envelope checked"),
    "address_needs_checking": _l("Address needs checking"),
    "address_confirmed_on": _l("Address confirmed on"),
    "address history": _l("Address history"),
    "started_on": _l("From"),
    "ended_on": _l("Until"),
    # facilities
    "name": _l("Name"),
    "label_name": _l("Short name for labels"),
    "street_address": _l("Street address"),
    "city": _l("City"),
    "city_area": _l("District"),
    "country_area": _l("Region"),
    "postal_code": _l("Postal code"),
    "country_code": _l("Country"),
    "facility_name_first": _l("Facility name first"),
    "name_line_format": _l("Name line format"),
    "allows_photos": _l("Photos allowed"),
    "allows_cards": _l("Cards allowed"),
    "allows_paper": _l("Blank paper allowed"),
    "allows_envelopes": _l("Envelopes allowed"),
    "allows_stamps": _l("Stamps allowed"),
    "restrictions": _l("Restrictions"),
    "transit_notes": _l("Notes on transit"),
    "transit_days": _l("Days in transit"),
    # campaigns, letters, replies
    "kind": _l("Kind"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "goal": _l("Goal"),
    "report_note": _l("Report-back note"),
    "report_published": _l("Report-back published"),
    "call_published": _l("Call published"),
    "payment_reference": _l("Payment reference"),
    "poster_language": _l("Poster language"),
    "evenings": _l("Come to an evening"),
    "needs_note": _l("What they need"),
    "prisoners": _l("People"),
    "sent_on": _l("Sent on"),
    "letters": _l("Letters"),
    "campaign": _l("Campaign"),
    "via": _l("Recorded via"),
    "happened_on": _l("Date"),
    "return_reason": _l("Reason for return"),
    "note": _l("Note"),
    "resolved": _l("Resolved"),
    "description": _l("Description"),
    "link": _l("Link"),
    "published": _l("Published"),
    "action_id": _l("Reported action"),
    # writing aids
    "slug": _l("Section"),
    "language": _l("Language"),
    "title": _l("Title"),
    "body": _l("Text"),
    "translation": _l("Translation"),
    "position": _l("Position"),
    "occasion": _l("Occasion"),
    "russian": _l("Russian"),
    "english": _l("English"),
    "german": _l("German"),
    "words": _l("Words"),
    "reason": _l("Reason"),
    # settings and accounts
    "group_name": _l("Group name"),
    "return_address": _l("Return address"),
    "home_country": _l("Home country"),
    "require_second_factor": _l("Second factor required"),
    "donation_instructions": _l("Donation instructions"),
    "publish_letter_days": _l("Letters per day published"),
    "email": _l("E-mail address"),
    "role": _l("Role"),
    "is_active": _l("Active"),
    "password": _l("Password"),
    "second factor": _l("Second factor"),
    # other groups' lists followed
    "base_url": _l("Address of the group's site"),
    "read_letters": _l("Read letters per day"),
}


def field_label(name: str) -> str:
    """``name`` as stored in an entry → its label; "address history: unit" → both parts."""
    return ": ".join(
        str(FIELD_LABELS.get(part, part.replace("_", " "))) for part in name.split(": ")
    )


# Fields whose stored values are tokens ("true", "on", "set") rather than what someone typed:
# only these have their values translated, so a typed note reading "true" stays as typed.
TOKEN_FIELDS = frozenset(
    {
        "is_listed",
        "envelope_name_confirmed",
        "address_needs_checking",
        "facility_name_first",
        "allows_photos",
        "allows_cards",
        "allows_paper",
        "allows_envelopes",
        "allows_stamps",
        "report_published",
        "call_published",
        "resolved",
        "published",
        "require_second_factor",
        "publish_letter_days",
        "is_active",
        "password",
        "second factor",
        "read_letters",
    }
)
VALUE_LABELS: dict[str, LazyString] = {
    "true": _l("yes"),
    "false": _l("no"),
    "on": _l("on"),
    "off": _l("off"),
    "set": _l("set"),
    "changed": _l("changed"),
}


def value_label(field: str, value: str) -> str:
    """A stored value as shown: tokens of yes/no and on/off fields in the reader's language."""
    if field.split(": ")[-1] in TOKEN_FIELDS:
        return str(VALUE_LABELS.get(value, value))
    return value
