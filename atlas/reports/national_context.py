"""Published national survey figures on partnerships: context for a regional report.

These are the only real figures on how the French see alliances between local
authorities, companies and associations (Observatoire des partenariats, Le RAMEAU and
Comisis). They are **national**: no regional breakdown is published, and a report
shows them as national context, never as a région's value.
"""

from __future__ import annotations

IMPACT_SOURCE = ("IMPACT-Citoyens, octobre 2019 (OpinionWay–Comisis pour l'Observatoire des "
                 "partenariats), consolidation nationale pondérée (50,2 millions d'adultes)")
"""Where :data:`IMPACT_FIGURES` come from."""
IMPACT_FIGURES = (
    ("jugent indispensable ou nécessaire que collectivités, entreprises et associations "
     "travaillent ensemble pour réduire les fragilités", 81),
    ("pensent que ces acteurs travaillent assez ensemble pour réduire les fragilités", 21),
    ("pensent qu'ils ne travaillent pas assez ensemble", 49),
    ("estiment que les alliances accélèrent l'innovation", 74),
    ("levier pour mobiliser un territoire : l'action collective autour d'un projet partagé",
     48),
    ("levier : une vision partagée", 32),
    ("levier : des règles et des normes", 20),
)
"""(what the share counts, share in %) of the citizens' wave."""
EARLIER_SOURCE = ("programmes ARPEA (2008-2012) et PHARE (2013-2018) de l'Observatoire des "
                  "partenariats, vagues nationales")
EARLIER_FIGURES = (
    ("des maires voient dans les alliances entre associations, entreprises et collectivités "
     "une source d'innovation", 87),
    ("des maires disent la co-construction engagée sur leur territoire (47 % : émergente)",
     30),
    ("des entreprises de 10 salariés ou plus ont des partenariats", 37),
    ("des associations ont des partenariats", 38),
)
"""(what the share counts, share in %) of the earlier programmes."""
