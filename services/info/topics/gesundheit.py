"""Gesundheit: health and care insurance, illness and appointments, additional needs for health reasons."""

from __future__ import annotations

from services.info.model import Section, Topic

TOPIC = Topic(
    slug="gesundheit",
    title="Gesundheit und Krankheit",
    summary=("Wie Sie mit Bürgergeld kranken- und pflegeversichert sind und was Sie tun, wenn Sie krank sind."),
    sections=(
        Section(
            heading="Kranken- und Pflegeversicherung",
            paragraphs=(
                "Wenn Sie Bürgergeld bekommen, sind Sie in der Regel gesetzlich kranken- und pflegeversichert. "
                "Die Beiträge zahlt das Jobcenter. Ihre Krankenkasse wählen Sie selbst.",
                "Kinder und Partner sind oft über die Familienversicherung mitversichert.",
                "Sind Sie privat versichert, zahlt das Jobcenter einen Zuschuss zu Ihrem Beitrag. Fragen Sie Ihre "
                "Versicherung nach dem Basistarif: Solange Sie Bürgergeld brauchen, halbiert sich der Beitrag dort.",
            ),
            services=("anlage_sv",),
        ),
        Section(
            heading="Wenn Sie krank sind",
            paragraphs=(
                "Können Sie wegen einer Krankheit nicht zu einem Termin im Jobcenter kommen? Sagen Sie vorher "
                "Bescheid, zum Beispiel am Telefon oder im Postfach. Schicken Sie uns dann einen Nachweis, zum "
                "Beispiel die Arbeitsunfähigkeitsbescheinigung von Ihrer Ärztin oder Ihrem Arzt.",
                "Haben Sie eine Arbeit und werden krank, zahlt Ihr Arbeitgeber zunächst weiter Lohn. Danach "
                "bekommen Sie Krankengeld von Ihrer Krankenkasse. Teilen Sie uns das mit, denn Ihr Einkommen "
                "ändert sich dann.",
            ),
            services=("vaem",),
        ),
        Section(
            heading="Mehrbedarf bei Krankheit oder Behinderung",
            points=(
                "Brauchen Sie wegen einer Krankheit eine teurere Ernährung, zum Beispiel bei Zöliakie, gibt es "
                "einen Mehrbedarf. Dafür brauchen wir eine ärztliche Bescheinigung.",
                "Menschen mit Behinderung, die Hilfen für eine Ausbildung oder Arbeit bekommen (Teilhabe am "
                "Arbeitsleben), erhalten einen Mehrbedarf.",
                "Bekommt jemand in Ihrer Bedarfsgemeinschaft Sozialgeld, weil er nicht arbeiten kann, und hat er "
                "im Schwerbehindertenausweis das Merkzeichen G oder aG, gibt es für ihn einen Mehrbedarf.",
            ),
            services=("anlage_meb",),
        ),
        Section(
            heading="Zuzahlungen",
            paragraphs=(
                "Für Medikamente und Behandlungen zahlen Erwachsene oft einen Eigenanteil, die Zuzahlung. Mit "
                "Bürgergeld ist die Grenze dafür niedrig: Haben Sie im Jahr Zuzahlungen bis zu dieser Grenze "
                "geleistet, befreit Sie Ihre Krankenkasse für den Rest des Jahres. Fragen Sie Ihre Krankenkasse, "
                "wie hoch Ihre Grenze ist, und heben Sie die Quittungen auf.",
            ),
        ),
        Section(
            heading="Wenn Sie nicht arbeiten können",
            paragraphs=(
                "Bürgergeld bekommt, wer mindestens drei Stunden am Tag arbeiten kann. Kann jemand auf Dauer "
                "weniger arbeiten, ist nicht das Jobcenter zuständig, sondern das Sozialamt oder die "
                "Rentenversicherung. Das Jobcenter kann das ärztlich prüfen lassen.",
                "Wer mit arbeitsfähigen Menschen in einer Bedarfsgemeinschaft lebt, aber selbst nicht arbeiten "
                "kann, bekommt Sozialgeld vom Jobcenter.",
            ),
        ),
    ),
    legal_basis=(
        "§ 5 SGB V – Versicherungspflicht in der Krankenversicherung",
        "§ 26 SGB II – Zuschüsse zu Beiträgen zur Kranken- und Pflegeversicherung",
        "§ 8 SGB II – Erwerbsfähigkeit",
        "§ 21 Abs. 4 und 5 SGB II – Mehrbedarfe",
        "§ 23 SGB II – Sozialgeld",
        "§ 62 SGB V – Belastungsgrenze für Zuzahlungen",
    ),
)
