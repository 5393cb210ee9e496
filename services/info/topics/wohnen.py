"""Wohnen: rent and heating (Kosten der Unterkunft und Heizung, § 22 SGB II)."""

from __future__ import annotations

from services.info.model import Section, Topic

TOPIC = Topic(
    slug="wohnen",
    title="Wohnen: Miete und Heizung",
    summary=(
        "Das Jobcenter zahlt Ihre Miete und Ihre Heizkosten, wenn sie angemessen sind. "
        "Hier lesen Sie, was dazugehört und was Sie vor einem Umzug tun müssen."
    ),
    sections=(
        Section(
            heading="Was das Jobcenter zahlt",
            paragraphs=(
                "Zum Bürgergeld gehören die Kosten für Ihre Wohnung: die Miete, die Nebenkosten und die Heizung. "
                "Im Bescheid heißt das „Kosten der Unterkunft und Heizung“.",
                "Das Jobcenter zahlt diese Kosten, wenn sie angemessen sind. Was angemessen ist, legt Ihre Stadt "
                "oder Ihr Landkreis fest. Es hängt davon ab, wie viele Personen in Ihrem Haushalt leben.",
                "Im ersten Jahr, in dem Sie Bürgergeld bekommen, zahlt das Jobcenter die Miete in voller Höhe, "
                "auch wenn sie höher ist als angemessen. Das nennt man Karenzzeit. Für die Heizkosten gilt das "
                "nicht: Sie werden nur in angemessener Höhe gezahlt.",
                "Ist Ihre Miete danach zu hoch, schreibt Ihnen das Jobcenter. Sie haben dann in der Regel bis zu "
                "sechs Monate Zeit, die Kosten zu senken, zum Beispiel durch einen Umzug oder eine Untervermietung.",
            ),
            services=("anlage_kdu",),
        ),
        Section(
            heading="Bevor Sie umziehen",
            paragraphs=(
                "Fragen Sie das Jobcenter, bevor Sie einen neuen Mietvertrag unterschreiben. Das Jobcenter prüft, "
                "ob die neue Miete angemessen ist, und sagt Ihnen schriftlich zu, dass es sie übernimmt. Das heißt "
                "Zusicherung.",
                "Ist ein Umzug nicht nötig und ist die neue Wohnung teurer, zahlt das Jobcenter nur so viel wie "
                "für die bisherige Wohnung.",
            ),
            points=(
                "Sie sind jünger als 25 Jahre und wollen bei Ihren Eltern ausziehen? Dann brauchen Sie vorher die "
                "Zusicherung des Jobcenters. Sonst zahlt es für die neue Wohnung in der Regel nichts.",
                "Umzugskosten kann das Jobcenter übernehmen, wenn es vorher zugestimmt hat.",
                "Eine Mietkaution oder Genossenschaftsanteile gibt es nach vorheriger Zustimmung als Darlehen.",
            ),
            services=("vaem",),
        ),
        Section(
            heading="Nebenkosten und Heizung",
            paragraphs=("Schicken Sie dem Jobcenter jede Nebenkostenabrechnung und jede Heizkostenabrechnung.",),
            points=(
                "Eine Nachzahlung kann das Jobcenter übernehmen, wenn die Kosten angemessen sind.",
                "Ein Guthaben müssen Sie angeben. Es verringert Ihr Bürgergeld im Monat nach der Gutschrift.",
                "Heizen Sie mit Öl, Kohle, Holz oder Flüssiggas? Dann fragen Sie vor dem Kauf, welche Menge das "
                "Jobcenter übernimmt.",
                "Den Strom für den Haushalt bezahlen Sie aus dem Regelbedarf. Wird Ihr Warmwasser in der Wohnung "
                "mit Strom erzeugt, zum Beispiel mit einem Durchlauferhitzer, gibt es dafür einen Zuschlag "
                "(Mehrbedarf).",
            ),
            services=("vaem",),
        ),
        Section(
            heading="Mietschulden oder Stromschulden",
            paragraphs=(
                "Haben Sie Mietschulden und könnten Sie Ihre Wohnung verlieren? Droht eine Stromsperre? Melden Sie "
                "sich sofort beim Jobcenter. Es kann die Schulden als Darlehen übernehmen, damit Sie Ihre Wohnung "
                "und Ihren Strom behalten.",
            ),
        ),
        Section(
            heading="Online erledigen",
            paragraphs=(
                "Angaben zu Ihrer Wohnung machen Sie mit der Anlage KDU. Eine neue Miete, neue Nebenkosten oder "
                "einen Umzug teilen Sie mit der Veränderungsmitteilung mit.",
            ),
            services=("anlage_kdu", "vaem"),
        ),
    ),
    legal_basis=(
        "§ 22 SGB II – Bedarfe für Unterkunft und Heizung",
        "§ 21 Abs. 7 SGB II – Mehrbedarf für Warmwasser",
    ),
)
