"""Demo data for the embedded platform: jobcenters modelled on real ones, and demo customers.

Names, addresses and postal-code areas follow the public pages of these jobcenters as far as known;
office numbers, phone numbers, e-mail addresses and all customers are invented for the demo.
Each jobcenter configures its own teams and routing rules, as real ones do.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoRule:
    team: str
    priority: int
    service: str | None = None
    bg_digits: tuple[int, int] | None = None


@dataclass(frozen=True)
class DemoTopic:
    """A Postfach topic the jobcenter offers and the team (key) it routes to."""

    key: str
    title: str
    team: str


@dataclass(frozen=True)
class DemoStaff:
    id: str
    name: str
    team: str | None
    roles: tuple[str, ...]


WEEKDAY_HOURS = (
    {"days": "Mo, Di, Fr", "hours": "08:00–12:30"},
    {"days": "Do", "hours": "08:00–18:00"},
    {"days": "Mi", "hours": "nur mit Termin"},
)


@dataclass(frozen=True)
class DemoJobcenter:
    id: str
    name: str
    office_number: str
    street: str
    postal_code: str
    city: str
    email: str
    phone: str
    areas: tuple[str, ...]
    teams: dict[str, str]
    rules: tuple[DemoRule, ...]
    topics: tuple[DemoTopic, ...]
    staff: tuple[DemoStaff, ...]
    website: str
    colour_primary: str
    colour_accent: str
    mailbox_state: str = "live"
    mailbox_response_days: int = 5
    mailbox_auto_reply: str | None = None
    opening_hours: tuple[dict[str, str], ...] = WEEKDAY_HOURS


@dataclass(frozen=True)
class DemoCustomer:
    id: str
    bg_number: str
    given_name: str
    family_name: str
    street: str
    postal_code: str
    city: str
    email: str | None = None
    online_account: bool = True
    note: str = field(default="", compare=False)


_SPLIT_BY_DIGIT = (
    DemoRule(team="veraenderungen", priority=10, service="vaem"),
    DemoRule(team="leistung-1", priority=50, bg_digits=(0, 4)),
    DemoRule(team="leistung-2", priority=50, bg_digits=(5, 9)),
)
_SPLIT_TEAMS = {
    "leistung-1": "Leistungsteam 1 (BG-Endziffern 0–4)",
    "leistung-2": "Leistungsteam 2 (BG-Endziffern 5–9)",
    "veraenderungen": "Team Veränderungsmitteilungen",
}

_SPLIT_TOPICS = (
    DemoTopic("geldleistungen", "Fragen zu Geldleistungen", "leistung-1"),
    DemoTopic("veraenderungen", "Veränderungen mitteilen", "veraenderungen"),
    DemoTopic("nachweise", "Nachweise und Unterlagen", "leistung-2"),
)


def _split_staff(city: str) -> tuple[DemoStaff, ...]:
    return (
        DemoStaff(f"sb-{city}-1", f"Sachbearbeitung Leistung 1 ({city})", "leistung-1", ("staff",)),
        DemoStaff(f"sb-{city}-2", f"Sachbearbeitung Leistung 2 ({city})", "leistung-2", ("staff",)),
        DemoStaff(f"sb-{city}-vm", f"Sachbearbeitung Veränderungen ({city})", "veraenderungen", ("staff",)),
        DemoStaff(f"ez-{city}", f"Eingangszone ({city})", None, ("staff", "intake")),
        DemoStaff(f"admin-{city}", f"Administration ({city})", None, ("staff", "admin")),
    )


_AUTO_REPLY = (
    "Vielen Dank für Ihre Nachricht. Sie ist bei uns eingegangen und wird von Ihrem zuständigen Team "
    "bearbeitet. Wir antworten Ihnen innerhalb von {response_days} Arbeitstagen."
)

JOBCENTERS: tuple[DemoJobcenter, ...] = (
    DemoJobcenter(
        id="jc-berlin-mitte",
        name="Jobcenter Berlin Mitte",
        office_number="96101",
        street="Seydelstraße 2–5",
        postal_code="10117",
        city="Berlin",
        email="jobcenter-berlin-mitte@demo.ozgflow.invalid",
        phone="030 5555 1000",
        areas=(
            "10115",
            "10117",
            "10119",
            "10178",
            "10179",
            "10551",
            "10553",
            "10555",
            "10557",
            "10559",
            "13347",
            "13349",
            "13351",
            "13353",
            "13355",
            "13357",
            "13359",
        ),
        teams=_SPLIT_TEAMS,
        rules=_SPLIT_BY_DIGIT,
        topics=_SPLIT_TOPICS,
        staff=_split_staff("berlin"),
        website="https://jobcenter-berlin-mitte.demo.ozgflow.invalid",
        colour_primary="#7a1e2c",
        colour_accent="#d4a017",
        mailbox_auto_reply=_AUTO_REPLY,
    ),
    DemoJobcenter(
        id="jc-leipzig",
        name="Jobcenter Leipzig",
        office_number="07301",
        street="Georg-Schumann-Straße 150",
        postal_code="04159",
        city="Leipzig",
        email="jobcenter-leipzig@demo.ozgflow.invalid",
        phone="0341 5555 2000",
        areas=("04103", "04105", "04107", "04109", "04155", "04157", "04159", "04177", "04229", "04315"),
        teams={"eingangszone": "Team Eingangszone"},
        rules=(DemoRule(team="eingangszone", priority=100),),
        topics=(
            DemoTopic("allgemein", "Allgemeine Anfrage", "eingangszone"),
            DemoTopic("nachweise", "Nachweise und Unterlagen", "eingangszone"),
        ),
        staff=(
            DemoStaff("sb-leipzig-1", "Sachbearbeitung Eingangszone (Leipzig)", "eingangszone", ("staff", "intake")),
            DemoStaff("admin-leipzig", "Administration (Leipzig)", None, ("staff", "admin")),
        ),
        website="https://jobcenter-leipzig.demo.ozgflow.invalid",
        colour_primary="#00557f",
        colour_accent="#f29400",
        mailbox_response_days=3,
    ),
    DemoJobcenter(
        id="jc-dortmund",
        name="Jobcenter Dortmund",
        office_number="33501",
        street="Steinstraße 39",
        postal_code="44147",
        city="Dortmund",
        email="jobcenter-dortmund@demo.ozgflow.invalid",
        phone="0231 5555 3000",
        areas=("44135", "44137", "44139", "44141", "44143", "44145", "44147", "44149"),
        teams=_SPLIT_TEAMS,
        rules=_SPLIT_BY_DIGIT,
        topics=_SPLIT_TOPICS,
        staff=_split_staff("dortmund"),
        website="https://jobcenter-dortmund.demo.ozgflow.invalid",
        colour_primary="#005a3c",
        colour_accent="#c8102e",
        mailbox_state="pilot",
        mailbox_auto_reply=_AUTO_REPLY,
    ),
    DemoJobcenter(
        id="jc-bremen",
        name="Jobcenter Bremen",
        office_number="21401",
        street="Doventorsteinweg 48–52",
        postal_code="28195",
        city="Bremen",
        email="jobcenter-bremen@demo.ozgflow.invalid",
        phone="0421 5555 4000",
        areas=("28195", "28197", "28199", "28201", "28203", "28205", "28207", "28209", "28211", "28213"),
        teams={"leistung": "Team Leistung", "veraenderungen": "Team Veränderungsmitteilungen"},
        rules=(DemoRule(team="veraenderungen", priority=10, service="vaem"), DemoRule(team="leistung", priority=100)),
        topics=(
            DemoTopic("geldleistungen", "Fragen zu Geldleistungen", "leistung"),
            DemoTopic("veraenderungen", "Veränderungen mitteilen", "veraenderungen"),
        ),
        staff=(
            DemoStaff("sb-bremen-1", "Sachbearbeitung Leistung (Bremen)", "leistung", ("staff",)),
            DemoStaff("sb-bremen-vm", "Sachbearbeitung Veränderungen (Bremen)", "veraenderungen", ("staff",)),
            DemoStaff("ez-bremen", "Eingangszone (Bremen)", None, ("staff", "intake")),
            DemoStaff("admin-bremen", "Administration (Bremen)", None, ("staff", "admin")),
        ),
        website="https://jobcenter-bremen.demo.ozgflow.invalid",
        colour_primary="#1d4f91",
        colour_accent="#e2001a",
        mailbox_response_days=4,
    ),
)

CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer(
        "kd-1001",
        "96101BG0012342",
        "Anna",
        "Schmidt",
        "Invalidenstraße 12",
        "10115",
        "Berlin",
        "anna.schmidt@example.org",
    ),
    DemoCustomer("kd-1002", "96101BG0048817", "Jürgen", "Weiß", "Müllerstraße 80", "13349", "Berlin"),
    DemoCustomer("kd-2001", "07301BG0003150", "Sabine", "Krüger", "Eisenbahnstraße 41", "04315", "Leipzig"),
    DemoCustomer(
        "kd-3001",
        "33501BG0077123",
        "Mehmet",
        "Demir",
        "Mallinckrodtstraße 210",
        "44147",
        "Dortmund",
        "m.demir@example.org",
    ),
    DemoCustomer("kd-4001", "21401BG0020406", "Lena", "Hoffmann", "Am Wall 150", "28195", "Bremen"),
    DemoCustomer(
        "kd-1003",
        "96101BG0051234",
        "Erika",
        "Papier",
        "Chausseestraße 5",
        "10115",
        "Berlin",
        online_account=False,
        note="known only from paper: no online account, so no Postfach",
    ),
    DemoCustomer(
        "kd-9001",
        "99999BG0000001",
        "Tom",
        "Unbekannt",
        "Hauptstraße 1",
        "99999",
        "Nirgendwo",
        note="lives outside every demo jobcenter's area: routing fails",
    ),
)
