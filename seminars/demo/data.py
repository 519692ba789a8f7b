"""The demo programme's raw material: venues, trainers and seminar ideas per topic."""

from __future__ import annotations

# name, street, postcode, town, step-free, accessible toilet, hearing loop, parking, notes, directions
VENUES = [
    ("Bildungszentrum am Anger", "Juri-Gagarin-Ring 64", "99084", "Erfurt", True, True, True, True,
     "Aufzug zum Seminarraum im 2. Obergeschoss. Leitsystem für blinde Menschen im Foyer.",
     "Straßenbahn bis Anger, dann 3 Minuten zu Fuß."),
    ("Haus der Selbsthilfe Jena", "Lutherplatz 2", "07743", "Jena", True, True, False, False,
     "Rampe am Seiteneingang; Klingel in 90 cm Höhe.",
     "Bus 15 bis Lutherplatz."),
    ("Tagungshaus Weimar", "Schwanseestraße 12", "99423", "Weimar", False, False, False, True,
     "Seminarraum im 1. Obergeschoss ohne Aufzug (18 Stufen mit Handlauf).",
     "10 Minuten vom Hauptbahnhof."),
    ("Begegnungsstätte Gera", "Schülerstraße 22", "07545", "Gera", True, True, True, False,
     "Alle Räume ebenerdig. Mobile Höranlage auf Anfrage.",
     "Straßenbahn bis Heinrichstraße."),
    ("Volkshochschule Nordhausen", "Hallesche Straße 8", "99734", "Nordhausen", True, True, False, True,
     "Aufzug vorhanden; Türbreite 90 cm.", ""),
    ("Stadtteilzentrum Suhl-Nord", "Auenstraße 32", "98529", "Suhl", True, False, False, True,
     "Ebenerdiger Zugang; die barrierefreie Toilette ist in Umbau.", ""),
    ("Selbsthilfezentrum Leipzig", "Brandvorwerkstraße 80", "04275", "Leipzig", True, True, True, False,
     "Aufzug, Höranlage im großen Saal, Ruheraum.",
     "Straßenbahn 9 bis Connewitz, Kreuz."),
    ("Haus an der Kreuzkirche", "An der Kreuzkirche 6", "01067", "Dresden", True, True, True, True,
     "Barrierefrei nach DIN 18040; Assistenzhunde willkommen.", "Altmarkt, 2 Minuten zu Fuß."),
    ("Bürgerhaus Chemnitz", "Annaberger Straße 24", "09111", "Chemnitz", True, True, False, True,
     "Stufenloser Eingang über den Hof.", ""),
    ("Soziokulturelles Zentrum Görlitz", "Berliner Straße 48", "02826", "Görlitz", False, True, False, False,
     "Zwei Stufen am Eingang, mobile Rampe auf Anfrage.", ""),
]  # fmt: skip

# town of a venue -> its county (``registrations/counties.py``), for programme alerts.
VENUE_COUNTIES = {
    "Erfurt": "th-erfurt",
    "Jena": "th-jena",
    "Weimar": "th-weimar",
    "Gera": "th-gera",
    "Nordhausen": "th-nordhausen",
    "Suhl": "th-suhl",
    "Leipzig": "sn-leipzig",
    "Dresden": "sn-dresden",
    "Chemnitz": "sn-chemnitz",
    "Görlitz": "sn-goerlitz",
}

INSTRUCTORS = [
    ("Dr. Katrin Möller", "Diplom-Psychologin, Supervisorin für Selbsthilfegruppen."),
    ("Thomas Reichelt", "Rechtsanwalt für Vereins- und Sozialrecht."),
    ("Sabine Hofmann", "Kommunikationstrainerin und Moderatorin."),
    ("Jens Albrecht", "Medienpädagoge, berät Vereine zu digitalen Werkzeugen."),
    ("Anna Lindner", "Journalistin, Pressearbeit für gemeinnützige Organisationen."),
    ("Birgit Schulze", "Sozialarbeiterin, Selbsthilfekontaktstelle."),
    ("Michael Wagner", "Steuerberater mit Schwerpunkt Gemeinnützigkeit."),
]

# topic key -> (title, summary, units, instructors)
SEMINARS = {
    "gruppenleitung": [
        ("Gruppen leiten – Grundlagen für neue Gruppensprecherinnen und -sprecher",
         "Aufgaben, Rollen und Rituale einer Selbsthilfegruppe.", 8, [0]),
        ("Schwierige Situationen in der Gruppe meistern",
         "Wenn Einzelne viel Raum einnehmen oder Konflikte schwelen.", 8, [0, 5]),
        ("Neue Mitglieder gewinnen und halten", "Wie eine Gruppe offen und lebendig bleibt.", 6, [5]),
        ("Verantwortung teilen – die Gruppenleitung auf mehrere Schultern",
         "Aufgaben verteilen, Nachfolge planen.", 6, [0]),
        ("Gesprächsführung in Selbsthilfegruppen", "Zuhören, nachfragen, zusammenfassen.", 8, [2]),
        ("Trauer und Abschied in der Gruppe", "Wenn ein Mitglied stirbt oder die Gruppe endet.", 6, [0]),
        ("Junge Menschen in der Selbsthilfe", "Formate, die Jüngere ansprechen.", 6, [5, 3]),
    ],
    "recht": [
        ("Datenschutz in der Selbsthilfegruppe", "Was Gruppen bei Mitgliederlisten und Fotos beachten.", 6, [1]),
        ("Vereinsrecht kompakt", "Satzung, Vorstand, Haftung – das Wichtigste.", 8, [1]),
        ("Fördermittel beantragen und abrechnen", "Pauschal- und Projektförderung der Krankenkassen.", 6, [6]),
        ("Gemeinnützigkeit und Steuern für kleine Vereine", "Was Kassenwarte wissen sollten.", 6, [6]),
        ("Ein Konto für die Selbsthilfegruppe", "Kontoführung, Vollmachten und Kassenprüfung.", 4, [1, 6]),
        ("Haftung und Versicherung im Ehrenamt", "Wer haftet bei Unfällen und Schäden?", 4, [1]),
    ],
    "methoden-medien": [
        ("Online-Gruppentreffen sicher gestalten", "Videokonferenzen mit freien Werkzeugen.", 4, [3]),
        ("Moderation mit Herz und Methode", "Methoden für lebendige Gruppentreffen.", 8, [2]),
        ("Messenger, Mail und Datenschutz", "Welche Kanäle für welche Zwecke?", 4, [3]),
        ("Barrierefreie Dokumente erstellen", "Einladungen und Flyer, die alle lesen können.", 6, [3]),
        ("Präsentieren ohne Lampenfieber", "Sicher sprechen vor Gruppe und Publikum.", 8, [2]),
        ("Digitale Werkzeuge für die Gruppenorganisation", "Termine, Listen und Dateien teilen.", 4, [3]),
        ("Leichte Sprache in der Selbsthilfe", "Texte verständlich schreiben.", 6, [2]),
    ],
    "oeffentlichkeitsarbeit": [
        ("Pressearbeit für Selbsthilfegruppen", "Pressemitteilung, Termin, Interview.", 6, [4]),
        ("Social Media für die Selbsthilfe", "Sichtbar werden, ohne sich zu überfordern.", 6, [4, 3]),
        ("Der Flyer für unsere Gruppe", "Texte und Gestaltung, die ansprechen.", 6, [4]),
        ("Selbsthilfetag und Infostand planen", "Von der Idee bis zur Nachbereitung.", 4, [5]),
        ("Die eigene Geschichte erzählen", "Erfahrungswissen öffentlich machen – mit Schutz.", 6, [4]),
    ],
    "selbstfuersorge": [
        ("Gut für sich sorgen im Ehrenamt", "Grenzen erkennen, Kräfte einteilen.", 6, [0]),
        ("Resilienz stärken", "Was uns in Krisen trägt.", 8, [0]),
        ("Achtsamkeit im Alltag der Gruppenarbeit", "Kleine Übungen mit großer Wirkung.", 4, [5]),
        ("Nein sagen lernen", "Ehrenamt mit Maß.", 4, [2]),
    ],
}  # fmt: skip

DESCRIPTION = """\
In diesem Seminar arbeiten wir mit Beispielen aus Ihrer Gruppenarbeit. Sie bekommen
Anregungen, die Sie gleich beim nächsten Treffen ausprobieren können.

## Inhalte

- {summary}
- Austausch mit Engagierten aus anderen Gruppen
- Übungen in kleinen Runden

## Für wen?

Für alle, die sich in einer Selbsthilfegruppe engagieren – ob neu oder seit vielen Jahren.
Vorkenntnisse brauchen Sie nicht.
"""

FIRST_NAMES = ["Anna", "Bernd", "Claudia", "Detlef", "Elke", "Frank", "Gabi", "Heike", "Ingo",
               "Jana", "Klaus", "Lena", "Monika", "Norbert", "Petra", "Ralf", "Silke", "Uwe"]  # fmt: skip
LAST_NAMES = ["Becker", "Fischer", "Günther", "Hahn", "Krause", "Lange", "Meier", "Neumann",
              "Otto", "Richter", "Schmidt", "Vogel", "Weber", "Zimmermann"]  # fmt: skip
GROUPS = ["SHG Morbus Crohn Erfurt", "Angehörigengruppe Demenz Jena", "SHG Tinnitus Gera",
          "Kreuzbund Leipzig", "SHG Multiple Sklerose Dresden", "Blaues Kreuz Suhl",
          "SHG Depression Chemnitz", "Elternkreis Autismus Weimar"]  # fmt: skip
COUNTIES = ["Erfurt", "Jena", "Gera", "Weimar", "Landkreis Gotha", "Leipzig", "Dresden",
            "Landkreis Görlitz", "Unstrut-Hainich-Kreis", "Kyffhäuserkreis"]  # fmt: skip

# Free-text answers of the demo's survey (they wait for staff to review them).
SURVEY_TEXTS = [
    "Die Übungen in kleinen Gruppen haben mir am meisten gebracht.",
    "Mehr Zeit für Fragen aus unseren eigenen Gruppen wäre schön.",
    "Die Unterlagen zum Nachlesen waren sehr hilfreich.",
    "Gerne ein Folgeseminar zum Thema Konflikte in der Gruppe.",
    "Die Pausen waren etwas zu kurz.",
]
