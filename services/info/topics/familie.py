"""Familie: children, pregnancy, single parents, education and participation (Bildung und Teilhabe)."""

from __future__ import annotations

from services.info.model import Section, Topic

TOPIC = Topic(
    slug="familie",
    title="Familie und Kinder",
    summary=(
        "Welche Leistungen es für Kinder, Schwangere und Alleinerziehende gibt und was Sie dem Jobcenter "
        "mitteilen müssen."
    ),
    sections=(
        Section(
            heading="Wer zur Bedarfsgemeinschaft gehört",
            paragraphs=(
                "Wer zusammenlebt und füreinander sorgt, bildet eine Bedarfsgemeinschaft. Dazu gehören Sie, Ihre "
                "Ehefrau, Ihr Ehemann oder Ihre Partnerin oder Ihr Partner und Ihre Kinder unter 25 Jahren, die "
                "nicht verheiratet sind und nicht genug eigenes Geld haben.",
                "Jede Bedarfsgemeinschaft hat eine BG-Nummer. Bitte geben Sie sie immer an, wenn Sie uns schreiben.",
            ),
            points=(
                "Für jede weitere Person ab 15 Jahren in Ihrem Haushalt füllen Sie die Anlage WEP aus.",
                "Für jedes Kind unter 15 Jahren füllen Sie die Anlage KI aus.",
            ),
            services=("anlage_wep", "anlage_ki", "anlage_ve"),
        ),
        Section(
            heading="Geld für Kinder",
            paragraphs=(
                "Jedes Kind hat einen eigenen Regelbedarf. Wie hoch er ist, hängt vom Alter ab. Die Beträge finden "
                "Sie auf der Seite über Geld.",
                "Kindergeld und Unterhalt zählen als Einkommen des Kindes. Sie werden beim Bürgergeld des Kindes "
                "angerechnet.",
                "Lebt der andere Elternteil nicht bei Ihnen, muss er Unterhalt zahlen. Zahlt er nicht, beantragen "
                "Sie beim Jugendamt Unterhaltsvorschuss.",
            ),
            services=("anlage_uh1",),
        ),
        Section(
            heading="Bildung und Teilhabe",
            paragraphs=(
                "Kinder, Jugendliche und junge Erwachsene unter 25 Jahren bekommen zusätzlich Leistungen für "
                "Bildung und Teilhabe:",
            ),
            points=(
                "Ausflüge und mehrtägige Fahrten mit der Schule oder der Kita,",
                "Geld für Schulsachen wie Hefte, Stifte und Ranzen, zweimal im Jahr,",
                "die Fahrkarte zur Schule, wenn der Schulweg weit ist,",
                "Nachhilfe (Lernförderung), wenn sie nötig ist, um die Lernziele zu erreichen,",
                "das gemeinsame Mittagessen in Schule, Kita oder Hort,",
                "15 Euro im Monat für Sport, Musik oder Freizeit im Verein (bis 18 Jahre).",
            ),
        ),
        Section(
            heading="So beantragen Sie Bildung und Teilhabe",
            paragraphs=(
                "Mit dem Antrag auf Bürgergeld haben Sie diese Leistungen schon mit beantragt. Nur die Nachhilfe "
                "(Lernförderung) müssen Sie extra beantragen. Je nach Wohnort ist dafür das Jobcenter oder die "
                "Stadt zuständig. Ihr Jobcenter sagt Ihnen, wohin Sie sich wenden.",
            ),
        ),
        Section(
            heading="Schwangerschaft und Geburt",
            points=(
                "Ab der 13. Schwangerschaftswoche gibt es einen Mehrbedarf von 17 Prozent des Regelbedarfs. "
                "Legen Sie dafür den Mutterpass oder eine ärztliche Bescheinigung vor.",
                "Für Schwangerschaftskleidung und die Erstausstattung für das Baby, zum Beispiel Kinderwagen, "
                "Bett und Kleidung, gibt es einmalige Leistungen. Beantragen Sie sie vor dem Kauf.",
                "Teilen Sie uns die Geburt Ihres Kindes mit. Dann bekommt auch Ihr Kind Bürgergeld.",
            ),
            services=("anlage_bb", "vaem", "anlage_ki"),
        ),
        Section(
            heading="Alleinerziehende",
            paragraphs=(
                "Leben Sie allein mit einem oder mehreren minderjährigen Kindern und sorgen Sie für sie? Dann "
                "bekommen Sie einen Mehrbedarf für Alleinerziehende. Wie hoch er ist, hängt davon ab, wie viele "
                "Kinder Sie haben und wie alt sie sind.",
            ),
        ),
        Section(
            heading="Kinderzuschlag und Wohngeld",
            paragraphs=(
                "Reicht Ihr Einkommen für Sie selbst, aber nicht für Ihre Kinder? Dann können Kinderzuschlag von "
                "der Familienkasse und Wohngeld für Sie besser sein als Bürgergeld. Diese Leistungen gehen vor: "
                "Wenn sie reichen, müssen Sie sie beantragen. Das Jobcenter berät Sie dazu.",
            ),
        ),
    ),
    legal_basis=(
        "§ 7 SGB II – Bedarfsgemeinschaft",
        "§ 12a SGB II – vorrangige Leistungen",
        "§ 21 SGB II – Mehrbedarfe",
        "§ 24 Abs. 3 SGB II – Erstausstattungen",
        "§ 28 SGB II – Bildung und Teilhabe",
    ),
)
