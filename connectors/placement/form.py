"""The customer's answer to a placement offer (Rückmeldung zum Vermittlungsvorschlag).

The customer names the offer by its number (prefilled by the front-end from the Postfach message) and says
what happened. Which dates are needed depends on the outcome; ``checks.py`` enforces that with messages
that say what to fix.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from connectors.placement.offer import OFFER_ID_PATTERN
from connectors.sdk import ServiceForm
from connectors.sdk.fields import Choice, LongText

FORM_VERSION = "1.0.0"


class Outcome(Choice):
    APPLIED = "applied", "Ich habe mich beworben."
    INVITED_TO_INTERVIEW = "invited_to_interview", "Ich bin zu einem Vorstellungsgespräch eingeladen."
    NOT_APPLIED = "not_applied", "Ich habe mich nicht beworben."
    HIRED = "hired", "Ich werde eingestellt."


class NotAppliedReason(Choice):
    """Reasons the placement officer sees most; 'other' asks for an explanation."""

    POSITION_FILLED = "position_filled", "Die Stelle war bereits besetzt."
    HEALTH = "health", "Ich kann die Arbeit aus gesundheitlichen Gründen nicht ausüben."
    CARE = "care", "Die Betreuung meines Kindes oder die Pflege eines Angehörigen ist nicht sichergestellt."
    COMMUTE = "commute", "Der Arbeitsort ist für mich nicht in zumutbarer Zeit erreichbar."
    QUALIFICATION = "qualification", "Die Stelle passt nicht zu meinen Fähigkeiten oder Kenntnissen."
    OTHER_WORK = "other_work", "Ich habe bereits eine andere Arbeit oder Ausbildung aufgenommen."
    OTHER = "other", "Ein anderer Grund (bitte erläutern)."


class PlacementForm(ServiceForm):
    offer_id: str = Field(
        pattern=OFFER_ID_PATTERN,
        title="Nummer des Vermittlungsvorschlags",
        description="Steht in der Nachricht mit dem Vermittlungsvorschlag in Ihrem Postfach.",
    )
    outcome: Outcome = Field(title="Was ist passiert?")
    applied_on: date | None = Field(default=None, title="Datum der Bewerbung")
    interview_on: date | None = Field(default=None, title="Datum des Vorstellungsgesprächs")
    start_date: date | None = Field(default=None, title="Beginn der Arbeit")
    reason: NotAppliedReason | None = Field(default=None, title="Warum haben Sie sich nicht beworben?")
    reason_details: LongText | None = Field(
        default=None, title="Erläuterung", description="Pflicht bei 'anderer Grund'; sonst freiwillig."
    )
    remarks: LongText | None = Field(default=None, title="Anmerkungen für Ihr Jobcenter")
