"""The Grand Débat national (2019): real, published answers by région and author type.

The four online questionnaires (January–March 2019) were published as open data; a third
party aggregated them by région × month × author type × question. This package reads those
files as distributed (:mod:`~atlas.perception.grand_debat.reading`), keeps a compact
committed snapshot (:mod:`~atlas.perception.grand_debat.snapshot`), declares which closed
question speaks of which domain (:mod:`~atlas.perception.grand_debat.questions`) and which
words of the open answers name which domain (:mod:`~atlas.perception.grand_debat.lexicon`),
and sets the perceived shares beside the objective indices
(:mod:`~atlas.perception.grand_debat.comparison`).

Contributors chose to take part: they are not a sample of the population, and every figure
says so (:data:`~atlas.perception.grand_debat.reading.CAVEAT`).

Imports :mod:`atlas.index` and :mod:`atlas.perception.survey` (and the bottom layers).
"""
