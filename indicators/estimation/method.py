"""The French description of the estimates for the Méthode page, with their figures."""

from __future__ import annotations

import pandas as pd

from french import number
from indicators.estimation.covariates import TARGETS
from indicators.estimation.validation import ALL_SIZES

UNITS = {"MED21": "€", "D121": "€", "RD21": "", "TP6021": "pt", "PPMINI21": "pt",
         "PPSOC21": "pt", "PCHO21": "pt", "PIMP21": "pt"}
"""Unit of an error of each target (``pt``: point de pourcentage)."""

BLOCK_NAMES = {
    "filosofi": "revenu médian communal",
    "detail": "autres valeurs Filosofi publiées",
    "census": "recensement 2018",
    "rp2022": "recensement 2022",
    "epci": "valeurs Filosofi de l'EPCI",
    "departement": "taux de pauvreté du département",
}


def french_number(value: float, decimals: int = 0) -> str:
    """A number written the French way (:func:`french.number`)."""
    return number(value, decimals)


def feature_set_name(key: str) -> str:
    """French name of a feature set (``"census+epci"`` → « recensement 2018, valeurs … »)."""
    return ", ".join(BLOCK_NAMES.get(b, b) for b in key.split("+"))


def _error(target: str, value: float) -> str:
    unit = UNITS.get(target, "")
    decimals = 0 if unit == "€" else 2
    value = round(value, decimals) + 0.0  # no "-0"
    return f"{french_number(value, decimals)}{' ' + unit if unit else ''}"


def method_text(validation: pd.DataFrame, fits: pd.DataFrame, epci: pd.DataFrame,
                estimated: pd.DataFrame, level: float,
                departements: pd.DataFrame | None = None) -> str:
    """Describe the method and its measured accuracy, in French (Markdown).

    Parameters
    ----------
    validation
        :func:`~indicators.estimation.validation.band_table` of the cross-validation.
    fits
        One row per (target, feature set): ``target``, ``feature_set``,
        ``fitted_communes``, ``estimated_communes``.
    epci
        :func:`~indicators.estimation.validation.epci_summary` of the EPCI check.
    estimated
        Commune × target: whether the value is estimated.
    level
        Nominal coverage of the intervals.
    departements
        :func:`~indicators.estimation.validation.departement_check` after the calibration
        on the EPCI, the check before it in ``attrs["before"]`` (None: no calibration).
    """
    percent = french_number(100 * level)
    lines = [
        "**Valeurs estimées (« estimé »).** L'INSEE ne publie le taux de pauvreté, les "
        "déciles et la composition du revenu que pour les communes d'environ 1 000 ménages "
        "fiscaux ou plus, et le revenu médian que pour celles d'au moins une cinquantaine "
        "de ménages (secret statistique). Pour les autres, l'atlas affiche une estimation "
        "sur petits domaines, signalée « estimé », avec un intervalle de prédiction à "
        f"{percent} %.",
        "",
        "*Modèle.* Chaque valeur (transformée : logit pour les parts, logarithme pour les "
        "euros et le rapport interdécile) est prédite par une régression ridge, ajustée sur "
        "les communes où l'INSEE la publie, à partir de covariables publiées pour presque "
        "toutes les communes : revenu médian de la commune quand il est publié (Filosofi "
        "2021), recensement 2018 (ménages, chômage, activité, logements vacants, "
        "résidences secondaires, propriétaires, évolution de la population, emplois, "
        "densité, naissances, décès, établissements), recensement 2022 (catégories "
        "sociales, diplômes, HLM, familles monoparentales, personnes seules, étrangers, "
        "âges, taux d'emploi ; métropole), valeurs Filosofi 2021 de l'EPCI hors la commune "
        "elle-même, taux de pauvreté officiel du département. Le revenu médian et les "
        "valeurs d'EPCI entrent par des splines ; la taille entre linéairement pour "
        "s'étendre aux communes plus petites que celles observées, les autres covariables "
        "sont bornées à l'étendue observée. Un effet département, estimé sur les résidus et "
        "rétréci vers zéro (bayésien empirique), corrige les écarts régionaux. Une commune "
        "à qui manque une covariable (revenu médian secret, outre-mer sans recensement "
        "2022…) est estimée par un modèle sans elle ; rien n'est complété par zéro. Aucune "
        "estimation en Guadeloupe, en Guyane ni à Mayotte, où l'INSEE ne publie aucune "
        "valeur communale.",
        "",
        f"*Intervalles.* L'intervalle à {percent} % est calibré (méthode conforme) sur les "
        "erreurs de validation croisée, bande de taille par bande ; il s'élargit pour les "
        "petites communes selon une variance τ² + κ/n (n ménages), κ/n traduisant "
        "l'aléa propre à une petite population. Pour les communes plus petites que toutes "
        "celles où la valeur est publiée, il tient aussi compte d'une extrapolation "
        "mesurée : la moitié la plus petite de ces communes prédite par un modèle ajusté "
        "sur la plus grande. Loin en deçà des tailles observées (le taux de pauvreté n'est "
        "publié qu'au-dessus d'environ 800 ménages), la couverture ne peut pas être "
        "vérifiée commune par commune ; elle l'est en moyenne par le contrôle agrégé "
        "ci-dessous.",
        "",
        "*Validation.* Validation croisée en 5 blocs d'EPCI entiers (des communes voisines "
        "ne sont jamais à la fois dans l'ajustement et dans le test). Erreur absolue "
        "moyenne, biais et couverture de l'intervalle, pour les plus petites communes où "
        "la valeur est publiée et pour l'ensemble :",
        "",
    ]
    lines += _validation_lines(validation, fits, estimated)
    if not epci.empty:
        lines += ["", "*Contrôle agrégé.* Dans chaque EPCI, la valeur publiée de l'EPCI et "
                  "celles de ses communes publiées donnent exactement la moyenne de ses "
                  "communes au secret ; on la compare à la moyenne de leurs estimations "
                  "(EPCI où ces communes pèsent au moins la moitié) :", ""]
        for target, row in epci.iterrows():
            lines.append(
                f"- {TARGETS[target].label} : {int(row['epci'])} EPCI, écart moyen "
                f"{_error(target, row['mean_difference'])}, écart absolu moyen "
                f"{_error(target, row['mean_absolute_difference'])}.")
    if departements is not None and "before" in departements.attrs:
        lines += ["", *_calibration_lines(departements)]
    lines += ["", "Une valeur estimée reste une estimation : elle situe une commune, elle ne "
              "la mesure pas. Sources : INSEE (Filosofi 2021, recensements 2018 et 2022 — "
              "ce dernier remis en forme par un tiers —, fichier EPCI Filosofi 2021 remis en "
              "forme par un tiers et vérifié sur les sommes des communes)."]
    return "\n".join(lines)


def _validation_lines(validation: pd.DataFrame, fits: pd.DataFrame,
                      estimated: pd.DataFrame) -> list[str]:
    lines = []
    for target in estimated.columns:
        used = fits[fits["target"] == target].sort_values("estimated_communes",
                                                          ascending=False)
        if used.empty:
            continue
        label = TARGETS[target].label if target in TARGETS else target
        lines.append(f"- {label} ({french_number(int(estimated[target].sum()))} communes "
                     "estimées) :")
        for _, fit in used.head(2).iterrows():
            rows = validation[(validation["target"] == target)
                              & (validation["feature_set"] == fit["feature_set"])]
            bands = rows[rows["band"] != ALL_SIZES]
            if bands.empty:
                continue
            small, everything = bands.iloc[0], rows[rows["band"] == ALL_SIZES].iloc[0]
            lines.append(
                f"  - modèle « {feature_set_name(fit['feature_set'])} » "
                f"({french_number(int(fit['estimated_communes']))} communes estimées, ajusté "
                f"sur {french_number(int(fit['fitted_communes']))}) : communes de "
                f"{small['band']} ménages, erreur {_error(target, small['mae'])}, biais "
                f"{_error(target, small['bias'])}, couverture "
                f"{french_number(100 * small['coverage'])} % ; toutes tailles, erreur "
                f"{_error(target, everything['mae'])}, couverture "
                f"{french_number(100 * everything['coverage'])} %.")
    return lines


def _calibration_lines(after: pd.DataFrame, min_share: float = 0.3) -> list[str]:
    before = after.attrs["before"]

    def gap(table: pd.DataFrame) -> float:
        return float(table.loc[table["withheld_share"] >= min_share, "difference"].abs().mean())

    heavy = int((after["withheld_share"] >= min_share).sum())
    return [
        "*Calage sur les EPCI.* Le taux de pauvreté et la part des ménages imposés "
        "s'additionnent d'une commune à l'autre : dans chaque EPCI, les estimations des "
        "communes au secret sont décalées ensemble (sur l'échelle logit) pour rejoindre la "
        "moyenne que donnent les chiffres publiés de l'EPCI et de ses autres communes, "
        "d'autant plus complètement que cette moyenne est précise (pondération de type "
        "Fay-Herriot tenant compte des arrondis). L'ordre des communes dans l'EPCI reste "
        "celui du modèle ; les intervalles sont décalés avec elles, sans être resserrés. "
        "Contrôle indépendant, sur le taux de pauvreté départemental officiel (non utilisé "
        f"pour le calage) : dans les {heavy} départements où les communes au secret "
        f"regroupent au moins {french_number(100 * min_share)} % des personnes, leur "
        "moyenne estimée s'écarte de celle qu'implique le taux départemental de "
        f"{_error('TP6021', gap(after))} en moyenne (valeur absolue), contre "
        f"{_error('TP6021', gap(before))} avant calage."]
