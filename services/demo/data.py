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
    ),
)

CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer("kd-1001", "96101BG0012342", "Anna", "Schmidt", "Invalidenstraße 12", "10115", "Berlin"),
    DemoCustomer("kd-1002", "96101BG0048817", "Jürgen", "Weiß", "Müllerstraße 80", "13349", "Berlin"),
    DemoCustomer("kd-2001", "07301BG0003150", "Sabine", "Krüger", "Eisenbahnstraße 41", "04315", "Leipzig"),
    DemoCustomer("kd-3001", "33501BG0077123", "Mehmet", "Demir", "Mallinckrodtstraße 210", "44147", "Dortmund"),
    DemoCustomer("kd-4001", "21401BG0020406", "Lena", "Hoffmann", "Am Wall 150", "28195", "Bremen"),
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
