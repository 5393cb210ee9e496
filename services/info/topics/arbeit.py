"""Arbeit und Ausbildung: cooperation plan, placement offers, training, earnings allowances, appointments."""

from __future__ import annotations

from services.info.model import Section, Table, Topic

TOPIC = Topic(
    slug="arbeit-und-ausbildung",
    title="Arbeit und Ausbildung",
    summary=(
        "Wie das Jobcenter Sie bei der Suche nach Arbeit oder Ausbildung unterstützt und wie viel von Ihrem "
        "Lohn Sie behalten."
    ),
    sections=(
        Section(
            heading="Ihr Kooperationsplan",
            paragraphs=(
                "Gemeinsam mit Ihrer Ansprechperson im Jobcenter erstellen Sie einen Kooperationsplan. Darin steht "
                "Ihr Ziel und welche Schritte Sie und das Jobcenter gehen, zum Beispiel Bewerbungen, ein Kurs oder "
                "eine Weiterbildung. Sie bekommen den Plan schriftlich.",
                "Junge Menschen unter 25 Jahren ohne Berufsabschluss sollen vor allem in eine Ausbildung "
                "vermittelt werden.",
            ),
        ),
        Section(
            heading="Vermittlungsvorschläge",
            paragraphs=(
                "Das Jobcenter schickt Ihnen passende Stellen als Vermittlungsvorschlag. Bewerben Sie sich und "
                "teilen Sie uns mit, wie es ausgegangen ist. Das geht online über Ihr Postfach.",
                "Eine zumutbare Arbeit sollen Sie annehmen. Bewerben Sie sich ohne wichtigen Grund nicht oder "
                "lehnen Sie eine zumutbare Arbeit ab, kann Ihr Bürgergeld gemindert werden. Können Sie sich nicht "
                "bewerben, nennen Sie uns bitte Ihre Gründe.",
            ),
            services=("placement",),
        ),
        Section(
            heading="Weiterbildung und Ausbildung",
            paragraphs=(
                "Eine Ausbildung oder Weiterbildung verbessert Ihre Chancen auf eine gute Arbeit. Das Jobcenter "
                "kann die Kosten übernehmen, zum Beispiel mit einem Bildungsgutschein.",
                "Machen Sie eine Weiterbildung mit Berufsabschluss, bekommen Sie zusätzlich 150 Euro "
                "Weiterbildungsgeld im Monat. Für eine bestandene Zwischenprüfung gibt es 1.000 Euro, für die "
                "bestandene Abschlussprüfung 1.500 Euro Prämie.",
            ),
        ),
        Section(
            heading="Wie viel von Ihrem Lohn Sie behalten",
            paragraphs=(
                "Wenn Sie arbeiten, bleibt ein Teil Ihres Einkommens frei. Dieser Teil wird nicht vom Bürgergeld "
                "abgezogen. Beispiel: Verdienen Sie 520 Euro brutto im Monat, behalten Sie davon 184 Euro "
                "zusätzlich zum Bürgergeld.",
                "Schülerinnen, Schüler, Studierende und Auszubildende unter 25 Jahren behalten mehr: Ihr Lohn oder "
                "Ihre Ausbildungsvergütung bleibt bis zur Höhe der Minijob-Grenze frei. Ferienjobs von Schülerinnen "
                "und Schülern zählen gar nicht.",
            ),
            table=Table(
                caption="Freibeträge bei Einkommen aus Arbeit",
                columns=("Teil des Bruttolohns", "So viel davon bleibt frei"),
                rows=(
                    ("bis 100 Euro", "alles"),
                    ("über 100 bis 520 Euro", "20 Prozent"),
                    ("über 520 bis 1.000 Euro", "30 Prozent"),
                    ("über 1.000 bis 1.200 Euro (mit minderjährigem Kind: bis 1.500 Euro)", "10 Prozent"),
                ),
            ),
            services=("anlage_ek", "anlage_eks"),
        ),
        Section(
            heading="Wenn Sie eine Arbeit beginnen",
            paragraphs=(
                "Teilen Sie uns sofort mit, wenn Sie eine Arbeit oder Ausbildung beginnen. Schicken Sie uns den "
                "Arbeitsvertrag und Ihre Lohnabrechnungen. Sind Sie selbständig, geben Sie Ihre Einnahmen und "
                "Ausgaben mit der Anlage EKS an.",
            ),
            services=("vaem", "anlage_eks"),
        ),
        Section(
            heading="Termine",
            paragraphs=(
                "Kommen Sie zu den Terminen, zu denen wir Sie einladen. Wenn Sie nicht kommen können, sagen Sie "
                "vorher Bescheid und nennen Sie den Grund. Wer ohne wichtigen Grund nicht kommt, bekommt einen "
                "Monat lang weniger Bürgergeld: 10 Prozent des Regelbedarfs.",
            ),
        ),
    ),
    legal_basis=(
        "§ 3 SGB II – Leistungsgrundsätze",
        "§ 10 SGB II – Zumutbarkeit",
        "§ 11b SGB II – Absetzbeträge und Freibeträge",
        "§ 15 SGB II – Kooperationsplan",
        "§ 16 SGB II mit § 87a SGB III – Weiterbildungsgeld und Weiterbildungsprämie",
        "§§ 31 bis 32 SGB II – Leistungsminderungen",
    ),
)
