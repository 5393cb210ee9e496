"""Property-based tests of the identifiers everything hangs on: BG numbers, postal codes, IBANs, receipt numbers.

A BG number or postal code that only *looks* like digits (Arabic-Indic, full-width) would pass a Unicode-aware
``\\d`` and then fail in the back office or route to no jobcenter; an IBAN with one wrong character must never
pass; a receipt number must always be one the operators' lookup accepts.
"""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from connectors.anlagen.sv import PensionInsuranceNumber, vsnr_check_digit
from connectors.placement.offer import PlacementOffer
from connectors.sdk.fields import BgNumber, Iban, PostalCode
from connectors.sdk.registry import ConnectorRegistry
from services.intake.receipts import new_receipt_number
from services.ops.lookup import normalise_query

PROPERTIES = settings(
    max_examples=300, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
BG_NUMBER = TypeAdapter(BgNumber)
POSTAL_CODE = TypeAdapter(PostalCode)
IBAN = TypeAdapter(Iban)
ASCII_DIGITS = st.text(alphabet=string.digits, min_size=1, max_size=9)
LOOKALIKE_DIGITS = "٠١٢٣٤٥٦٧٨٩０１２３４５６７８９۰۱۲߀߁१२३"
digits_of_any_script = st.text(alphabet=string.digits + LOOKALIKE_DIGITS, min_size=1, max_size=9)


def accepts(adapter: TypeAdapter[str], value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


@PROPERTIES
@given(
    office=digits_of_any_script,
    middle=st.sampled_from(["BG", "bg", "B G", "BG ", "", "GB"]),
    number=digits_of_any_script,
    junk=st.sampled_from(["", " ", "\n", "x"]),
)
def test_a_bg_number_is_accepted_exactly_when_it_is_five_ascii_digits_bg_seven_ascii_digits(
    office: str, middle: str, number: str, junk: str
) -> None:
    value = f"{office}{middle}{number}{junk}"
    expected = re.fullmatch(r"[0-9]{5}BG[0-9]{7}", value, flags=re.ASCII) is not None
    assert accepts(BG_NUMBER, value) == expected, value


@PROPERTIES
@given(code=digits_of_any_script | st.text(max_size=7))
def test_a_postal_code_is_accepted_exactly_when_it_is_five_ascii_digits(code: str) -> None:
    assert accepts(POSTAL_CODE, code) == (re.fullmatch(r"[0-9]{5}", code, flags=re.ASCII) is not None), code


@PROPERTIES
@given(code=digits_of_any_script | st.text(max_size=7))
def test_an_employers_postal_code_in_an_offer_is_ascii_digits_too(code: str) -> None:
    offer = {
        "offer_id": "VV-1",
        "bg_number": "96101BG0012342",
        "issued_on": "2026-11-20",
        "job_title": "Fachkraft für Lagerlogistik",
        "employer": {"name": "Spedition Nordlicht GmbH", "postal_code": code, "city": "Berlin"},
        "place_of_work": "Berlin",
        "working_hours": "Vollzeit",
        "how_to_apply": "Per E-Mail",
    }
    ok = re.fullmatch(r"[0-9]{5}", code, flags=re.ASCII) is not None
    assert accepts(TypeAdapter(PlacementOffer), offer) == ok, code  # type: ignore[arg-type]


def with_check_digits(country: str, bban: str) -> str:
    """A valid IBAN for ``country`` and ``bban`` (ISO 13616: check digits from MOD 97-10)."""
    numeric = int("".join(str(int(ch, 36)) for ch in bban + country + "00"))
    return f"{country}{98 - numeric % 97:02d}{bban}"


german_ibans = st.text(alphabet=string.digits, min_size=18, max_size=18).map(lambda bban: with_check_digits("DE", bban))


@PROPERTIES
@given(iban=german_ibans, spaced=st.booleans(), lower=st.booleans())
def test_every_valid_german_iban_is_accepted_however_it_is_typed(iban: str, spaced: bool, lower: bool) -> None:
    typed = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if spaced else iban
    assert IBAN.validate_python(typed.lower() if lower else typed) == iban


@PROPERTIES
@given(iban=german_ibans, data=st.data())
def test_an_iban_with_one_character_changed_is_always_refused(iban: str, data: st.DataObject) -> None:
    """MOD 97-10 catches every single substitution: a typo can never send the benefit to someone else."""
    position = data.draw(st.integers(min_value=2, max_value=len(iban) - 1))
    replacement = data.draw(st.sampled_from([d for d in string.digits if d != iban[position]]))
    typo = iban[:position] + replacement + iban[position + 1 :]
    assert not accepts(IBAN, typo), typo


@PROPERTIES
@given(iban=german_ibans, lookalike=st.sampled_from(LOOKALIKE_DIGITS), data=st.data())
def test_an_iban_with_lookalike_digits_is_refused(iban: str, lookalike: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=2, max_value=len(iban) - 1))
    assert not accepts(IBAN, iban[:position] + lookalike + iban[position + 1 :])


VSNR = TypeAdapter(PensionInsuranceNumber)
pension_numbers = st.tuples(
    st.text(alphabet=string.digits, min_size=8, max_size=8),
    st.sampled_from(string.ascii_uppercase),
    st.text(alphabet=string.digits, min_size=2, max_size=2),
).map(lambda p: f"{p[0]}{p[1]}{p[2]}{vsnr_check_digit(f'{p[0]}{p[1]}{p[2]}0')}")


@PROPERTIES
@given(number=pension_numbers, lookalike=st.sampled_from(LOOKALIKE_DIGITS), data=st.data())
def test_a_pension_insurance_number_is_accepted_with_ascii_digits_only(
    number: str, lookalike: str, data: st.DataObject
) -> None:
    assert VSNR.validate_python(f"{number[:2]} {number[2:8]} {number[8]} {number[9:]}") == number
    position = data.draw(st.sampled_from([i for i in range(12) if i != 8]))
    assert not accepts(VSNR, number[:position] + lookalike + number[position + 1 :])


RECEIPT = re.compile(r"[A-Z][A-Z0-9_]*-[0-9]{8}-[0-9A-HJKMNP-TV-Z]{8}", flags=re.ASCII)
SERVICES = ConnectorRegistry.from_entry_points().keys()


@PROPERTIES
@given(
    service=st.sampled_from(SERVICES),
    at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2199, 12, 31), timezones=st.just(UTC)),
)
def test_receipt_numbers_have_the_documented_form_and_the_operators_lookup_accepts_them(
    service: str, at: datetime
) -> None:
    number = new_receipt_number(service, at)
    assert RECEIPT.fullmatch(number), number
    assert number.startswith(f"{service.upper()}-{at:%Y%m%d}-")
    assert not set(number.rsplit("-", 1)[1]) & set("ILOU"), "Crockford base32: nothing to misread on the phone"
    assert normalise_query(number) == number
    assert normalise_query(f"  {number.lower()} ") in (number, number.lower())  # pasted from a letter


def test_receipt_numbers_do_not_repeat() -> None:
    at = datetime(2026, 11, 26, tzinfo=UTC)
    numbers = {new_receipt_number("wba", at) for _ in range(2_000)}
    # 32^8 ≈ 10^12 suffixes per service and day: a repeat among 2,000 has a chance of ~2·10^-6 (birthday
    # bound), so a failure means the suffix is not drawn at random; 20,000 made the test itself flaky (~1/5,000)
    assert len(numbers) == 2_000
