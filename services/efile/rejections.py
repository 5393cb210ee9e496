"""Why an upload is refused: one machine code, an HTTP status and a German message that says what to do.

Kept apart from the checks so the content inspectors (PDF, images, malware scan) and the portal share one
catalogue without importing each other.
"""

from __future__ import annotations

PRINT_AS_PDF = (
    "Bitte die Datei ohne Formularfunktionen/Skripte als PDF speichern (Drucken als PDF) und erneut hochladen."
)

MESSAGES: dict[str, str] = {
    "empty_upload": "Die Datei ist leer. Bitte eine PDF-, JPEG- oder PNG-Datei hochladen.",
    "unsupported_file_type": "Dieser Dateityp wird nicht angenommen. Bitte eine PDF-, JPEG- oder PNG-Datei hochladen.",
    "pdf_active_content": "Die PDF-Datei enthält aktive Inhalte (Skripte, automatische Aktionen, Formularfunktionen "
    "oder eingebettete Dateien), die wir aus Sicherheitsgründen nicht annehmen. " + PRINT_AS_PDF,
    "pdf_encrypted": "Die PDF-Datei ist verschlüsselt oder kennwortgeschützt und kann deshalb nicht geprüft werden. "
    "Bitte die Datei öffnen, ohne Kennwortschutz als PDF speichern (Drucken als PDF) und erneut hochladen.",
    "pdf_uninspectable": "Die PDF-Datei ist so aufgebaut oder so stark komprimiert, dass wir sie nicht sicher prüfen "
    "können. " + PRINT_AS_PDF,
    "damaged_file": "Die Datei ist beschädigt oder unvollständig und kann nicht geöffnet werden. Bitte die Datei neu "
    "erstellen (bei PDF-Dateien z. B. mit „Drucken als PDF“, bei Fotos neu aufnehmen oder speichern) und erneut "
    "hochladen.",
    "image_too_large": "Das Bild hat zu viele Bildpunkte. Bitte das Bild verkleinert speichern (höchstens "
    "50 Megapixel, z. B. als Foto in normaler Auflösung) und erneut hochladen.",
    "malware_found": "In der Datei wurde Schadsoftware gefunden; sie wurde nicht gespeichert. Bitte die Datei mit "
    "einem aktuellen Virenschutzprogramm prüfen und eine saubere Datei hochladen.",
    "malware_scan_unavailable": "Die Virenprüfung ist gerade nicht erreichbar, deshalb wurde nichts gespeichert. "
    "Bitte versuchen Sie es in einigen Minuten erneut.",
}

STATUS: dict[str, int] = {
    "upload_too_large": 413,
    "unsupported_file_type": 415,
    "malware_scan_unavailable": 503,
}
"""HTTP status per code; every other refusal is 422 (the file is understood and refused)."""


class UploadRejected(Exception):
    """Why an upload cannot be accepted; ``code`` is machine-readable, ``message`` says what to do (German).

    ``detail`` names what was found (a PDF name such as ``JavaScript``, a signature name) for logs and tests;
    it never contains file content."""

    def __init__(self, code: str, message: str | None = None, *, detail: str = "") -> None:
        text = message if message is not None else MESSAGES[code]
        super().__init__(text)
        self.code = code
        self.message = text
        self.detail = detail

    @property
    def status(self) -> int:
        return STATUS.get(self.code, 422)
