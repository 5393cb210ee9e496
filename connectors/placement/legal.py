"""The notice of legal consequences (Rechtsfolgenbelehrung) every placement offer must carry.

Why here: § 31 SGB II lets the jobcenter reduce Bürgergeld only if the customer was told beforehand, in
writing and understandably, what refusing a reasonable offer means (§ 31 Abs. 1 Satz 1 SGB II). So the text
travels with every offer notice, and the reminder repeats it. The wording follows the Bürgergeld rules
(§§ 31, 31a, 31b SGB II as of 2023) in plain German. It is a demo text: before production the legal
department must check it and the Federal Employment Agency's current template must be used.
"""

from __future__ import annotations

RECHTSFOLGENBELEHRUNG = """\
Rechtsfolgenbelehrung (§ 31 SGB II) – Bitte lesen Sie diesen Hinweis genau.

Das Jobcenter hält diese Arbeitsstelle für zumutbar. Wenn Sie sich nicht bewerben, eine angebotene \
Arbeit nicht annehmen oder durch Ihr Verhalten verhindern, dass ein Arbeitsverhältnis zustande kommt, \
kann Ihr Bürgergeld gemindert werden. Das gilt nicht, wenn Sie dafür einen wichtigen Grund haben.

So hoch kann die Minderung sein:
- beim ersten Mal: 10 Prozent Ihres Regelbedarfs für einen Monat,
- beim zweiten Mal: 20 Prozent Ihres Regelbedarfs für zwei Monate,
- bei jedem weiteren Mal: 30 Prozent Ihres Regelbedarfs für drei Monate.
Als zweites oder weiteres Mal zählt es, wenn seit Beginn der letzten Minderung noch kein Jahr vergangen ist.

Wichtige Gründe werden berücksichtigt, zum Beispiel gesundheitliche Gründe oder die fehlende Betreuung \
Ihres Kindes. Bevor das Jobcenter etwas entscheidet, können Sie Ihre Gründe erklären – am einfachsten \
mit Ihrer Rückmeldung zu diesem Vermittlungsvorschlag. Eine Minderung unterbleibt, wenn sie für Sie im \
Einzelfall eine außergewöhnliche Härte bedeuten würde. Holen Sie das Versäumte nach oder erklären Sie \
sich ernsthaft bereit, Ihren Pflichten nachzukommen, kann eine Minderung ab diesem Zeitpunkt aufgehoben \
werden. Die Kosten für Unterkunft und Heizung werden nicht gemindert.

Hinweis: Dies ist ein Demo-Text. Er muss vor dem Einsatz von der Rechtsabteilung geprüft werden."""
