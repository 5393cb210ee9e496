"""Geld: what Bürgergeld consists of, standard rates, payment, continuation, changes, assets, loans, appeals."""

from __future__ import annotations

from services.info.model import Section, Table, Topic

TOPIC = Topic(
    slug="geld",
    title="Geld: Bürgergeld, Auszahlung und Vermögen",
    summary=(
        "Woraus das Bürgergeld besteht, wann es gezahlt wird, wie Sie es weiter bekommen und welches Vermögen "
        "Sie behalten dürfen."
    ),
    sections=(
        Section(
            heading="Woraus das Bürgergeld besteht",
            points=(
                "der Regelbedarf für Essen, Kleidung, Strom, Telefon und den Alltag,",
                "Mehrbedarfe, zum Beispiel für Alleinerziehende oder Schwangere,",
                "die Kosten für Wohnung und Heizung,",
                "die Beiträge zur Kranken- und Pflegeversicherung,",
                "für Kinder und junge Menschen: Leistungen für Bildung und Teilhabe.",
            ),
        ),
        Section(
            heading="Regelbedarf",
            paragraphs=(
                "Die Beträge gelten seit dem 1. Januar 2024 und blieben 2025 gleich. Welcher Betrag für Sie gilt, "
                "steht in Ihrem Bescheid.",
            ),
            table=Table(
                caption="Regelbedarf im Monat (Stand 2025)",
                columns=("Person", "Betrag"),
                rows=(
                    ("Alleinstehende und Alleinerziehende", "563 Euro"),
                    ("Partnerinnen und Partner, je Person", "506 Euro"),
                    ("Erwachsene unter 25 Jahren im Haushalt der Eltern", "451 Euro"),
                    ("Jugendliche von 14 bis 17 Jahren", "471 Euro"),
                    ("Kinder von 6 bis 13 Jahren", "390 Euro"),
                    ("Kinder bis 5 Jahre", "357 Euro"),
                ),
            ),
        ),
        Section(
            heading="Wann das Geld kommt",
            paragraphs=(
                "Das Bürgergeld wird jeden Monat im Voraus auf Ihr Konto überwiesen, also zum Monatsanfang. "
                "Bewilligt wird es meistens für 12 Monate. Diese Zeit heißt Bewilligungszeitraum.",
                "Haben Sie eine neue Bankverbindung, teilen Sie sie uns rechtzeitig mit, damit das Geld ankommt.",
            ),
            services=("vaem",),
        ),
        Section(
            heading="Weiterbewilligung",
            paragraphs=(
                "Ihr Bürgergeld endet mit dem Bewilligungszeitraum. Stellen Sie rechtzeitig einen "
                "Weiterbewilligungsantrag, am besten etwa sechs Wochen vor dem Ende. Hat sich etwas geändert, "
                "legen Sie die passende Anlage bei.",
            ),
            services=("wba",),
        ),
        Section(
            heading="Änderungen mitteilen",
            paragraphs=(
                "Teilen Sie uns Änderungen sofort mit. Sonst müssen Sie Geld zurückzahlen, das zu viel gezahlt "
                "wurde. Wichtige Änderungen sind zum Beispiel:",
            ),
            points=(
                "eine neue Arbeit oder ein anderes Einkommen,",
                "einen Umzug oder eine neue Miete,",
                "eine Person zieht ein oder aus, ein Kind wird geboren,",
                "eine neue Bankverbindung.",
            ),
            services=("vaem",),
        ),
        Section(
            heading="Verreisen",
            paragraphs=(
                "Wollen Sie verreisen oder für einige Tage nicht an Ihrem Wohnort sein? Fragen Sie vorher das "
                "Jobcenter. Ohne Zustimmung gibt es für die Zeit der Abwesenheit kein Bürgergeld.",
            ),
        ),
        Section(
            heading="Vermögen",
            paragraphs=(
                "Im ersten Jahr, in dem Sie Bürgergeld bekommen (Karenzzeit), zählt Vermögen nur, wenn es erheblich "
                "ist: mehr als 40.000 Euro für die erste Person und mehr als 15.000 Euro für jede weitere Person in "
                "der Bedarfsgemeinschaft. Danach bleiben 15.000 Euro je Person frei.",
                "Eine selbst bewohnte Wohnung oder ein Haus von angemessener Größe zählt nicht als Vermögen, ebenso "
                "ein angemessenes Auto für jede Person, die arbeiten kann.",
            ),
            services=("anlage_vm",),
        ),
        Section(
            heading="Wenn das Geld nicht reicht",
            paragraphs=(
                "Müssen Sie dringend etwas kaufen, das Sie nicht aus dem Regelbedarf bezahlen können, zum Beispiel "
                "eine neue Waschmaschine? Dann kann das Jobcenter Ihnen ein Darlehen geben. Sie zahlen es in kleinen "
                "Raten zurück: Das Jobcenter behält jeden Monat 5 Prozent des Regelbedarfs ein.",
                "Für die Erstausstattung einer Wohnung, zum Beispiel Möbel nach einer Trennung, gibt es eine "
                "einmalige Leistung, die Sie nicht zurückzahlen müssen.",
            ),
            services=("anlage_bb",),
        ),
        Section(
            heading="Wenn Sie mit dem Bescheid nicht einverstanden sind",
            paragraphs=(
                "Sie können innerhalb eines Monats, nachdem Sie den Bescheid bekommen haben, Widerspruch einlegen. "
                "Wie das geht, steht am Ende des Bescheids in der Rechtsbehelfsbelehrung.",
            ),
        ),
    ),
    legal_basis=(
        "§§ 19 und 20 SGB II – Bürgergeld und Regelbedarf",
        "§ 7b SGB II – Erreichbarkeit",
        "§ 12 SGB II – Vermögen",
        "§ 24 SGB II – Darlehen und einmalige Leistungen",
        "§§ 41 und 42 SGB II – Bewilligungszeitraum und Auszahlung",
        "§ 42a SGB II – Rückzahlung von Darlehen",
        "§ 60 SGB I – Mitwirkungspflichten",
        "§ 84 SGG – Frist für den Widerspruch",
    ),
)
