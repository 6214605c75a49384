"""Method choices of the sidebar, applied by every page: one :class:`Method` per session.

The choices live in ``st.session_state`` under the keys of :data:`KEYS`; :func:`current`
builds the :class:`atlas.index.composite.Method` from them, :func:`sidebar` draws the widgets,
the note shown when the method departs from the default and the reset button.
"""

from __future__ import annotations

import streamlit as st

import french
from atlas.index import method_vocabulary as vocabulary
from atlas.index.composite import Method
from atlas.index.method_vocabulary import ORIGIN_INDICATORS, ORIGIN_LABEL
from atlas.index.normalize import BOUNDED
from indicators.domains import DIMENSIONS, DOMAINS
from indicators.snapshot import snapshot_catalogue

DEFAULT = Method()
NORMALISATIONS = vocabulary.labels("normalisation")
FRAMES = vocabulary.labels("frame")
AGGREGATIONS = vocabulary.labels("aggregation")
WEIGHT_STEPS = (0.0, 0.5, 1.0, 2.0, 3.0)
"""Weights offered for a dimension or a domain (1 = default; 0 = left out)."""

KEYS = {"normalisation": "method_normalisation", "frame": "method_frame",
        "aggregation": "method_aggregation", "origin": "method_without_origin"}
WEIGHT_PREFIX = "method_weight_"
_DEFAULTS = {KEYS["normalisation"]: DEFAULT.normalisation, KEYS["frame"]: DEFAULT.frame,
             KEYS["aggregation"]: DEFAULT.aggregation, KEYS["origin"]: False}
_WEIGHT_IDS = tuple(d.id for d in DIMENSIONS) + tuple(d.id for d in DOMAINS)


def current() -> Method:
    """The method chosen in the sidebar (the default before any choice).

    A geometric mean needs bounded scores: with ``zscore`` or ``distance`` the aggregation
    falls back to the arithmetic mean (the sidebar says so).
    """
    state = st.session_state
    normalisation = state.get(KEYS["normalisation"], DEFAULT.normalisation)
    aggregation = state.get(KEYS["aggregation"], DEFAULT.aggregation)
    if aggregation == "geometric" and normalisation not in BOUNDED:
        aggregation = "arithmetic"
    weights = {i: float(state[WEIGHT_PREFIX + i]) for i in _WEIGHT_IDS
               if state.get(WEIGHT_PREFIX + i, 1.0) != 1.0}
    if state.get(KEYS["origin"], False):
        weights.update(dict.fromkeys(ORIGIN_INDICATORS, 0.0))
    return Method(normalisation=normalisation,
                  frame=state.get(KEYS["frame"], DEFAULT.frame),
                  aggregation=aggregation, weights=weights or None)


def is_default(method: Method | None = None) -> bool:
    """Whether ``method`` (default: the current one) is the atlas's default method."""
    return (method or current()) == DEFAULT


def without_origin(method: Method | None = None) -> bool:
    """Whether ``method`` leaves the immigrant and foreigner shares out of the index."""
    weights = dict((method or current()).weights or ())
    return all(weights.get(i) == 0 for i in ORIGIN_INDICATORS)


def describe(method: Method | None = None) -> str:
    """One French sentence naming the choices that differ from the default."""
    method = method or current()
    parts = []
    origin = without_origin(method)
    if method.normalisation != DEFAULT.normalisation:
        parts.append(f"normalisation « {NORMALISATIONS[method.normalisation]} »")
    if method.frame != DEFAULT.frame:
        parts.append("comparaison au sein de la région")
    if method.aggregation != DEFAULT.aggregation:
        parts.append("moyenne géométrique")
    labels = {d.id: d.label for d in (*DIMENSIONS, *DOMAINS)}
    labels.update({i.id: i.label for i in snapshot_catalogue().indicators})
    if origin:
        parts.append("parts des immigrés et des étrangers exclues de l'indice")
    for ident, weight in method.weights or ():
        if origin and ident in ORIGIN_INDICATORS:
            continue
        parts.append(f"poids {french.compact(weight)} "
                     f"pour « {labels.get(ident, ident)} »")
    if not parts:
        return "Méthode par défaut : rangs centiles dans la France entière, moyennes " \
               "arithmétiques à poids égaux."
    return "Méthode modifiée : " + " ; ".join(parts) + "."


PARAMS = {"normalisation": "normalisation", "frame": "cadre", "aggregation": "agregation"}
"""Option → its parameter in an address (only when it differs from the default)."""
WEIGHTS_PARAM, ORIGIN_PARAM = "poids", "sans_origine"


def to_params(method: Method) -> dict[str, str]:
    """The address parameters of ``method`` (none for the default method).

    Weights are written ``poids=social:2,health:0``; leaving out the immigrant and
    foreigner shares is ``sans_origine=1``.
    """
    params = {PARAMS[option]: getattr(method, option) for option in PARAMS
              if getattr(method, option) != getattr(DEFAULT, option)}
    weights = dict(method.weights or ())
    if without_origin(method):
        params[ORIGIN_PARAM] = "1"
        weights = {i: w for i, w in weights.items() if i not in ORIGIN_INDICATORS}
    if weights:
        params[WEIGHTS_PARAM] = ",".join(f"{i}:{w:g}" for i, w in sorted(weights.items()))
    return params


def apply_params(params: dict[str, str]) -> list[str]:
    """Set the sidebar's choices from address parameters; return what could not be used."""
    problems = []
    for option, name in PARAMS.items():
        if name in params:
            valid = [c.id for c in vocabulary.OPTIONS[option]]
            if params[name] in valid:
                st.session_state[KEYS[option]] = params[name]
            else:
                problems.append(f"{name}={params[name]}")
    if params.get(ORIGIN_PARAM) == "1":
        st.session_state[KEYS["origin"]] = True
    for item in filter(None, params.get(WEIGHTS_PARAM, "").split(",")):
        ident, _, weight = item.partition(":")
        try:
            value = float(weight)
        except ValueError:
            value = None
        if ident in _WEIGHT_IDS and value in WEIGHT_STEPS:
            st.session_state[WEIGHT_PREFIX + ident] = value
        else:
            problems.append(f"{WEIGHTS_PARAM} {item}")
    return problems


def reset() -> None:
    """Put every choice back to its default (a widget callback)."""
    for key, value in _DEFAULTS.items():
        st.session_state[key] = value
    for ident in _WEIGHT_IDS:
        st.session_state[WEIGHT_PREFIX + ident] = 1.0


def sidebar() -> Method:
    """Draw the method choices in the sidebar and return the chosen method."""
    for key, value in _DEFAULTS.items():
        st.session_state.setdefault(key, value)
    for ident in _WEIGHT_IDS:
        st.session_state.setdefault(WEIGHT_PREFIX + ident, 1.0)
    with st.sidebar.expander("Méthode de calcul des indices", expanded=False):
        for option, labels in (("normalisation", NORMALISATIONS), ("frame", FRAMES),
                               ("aggregation", AGGREGATIONS)):
            st.radio(vocabulary.TITLES[option], list(labels), key=KEYS[option],
                     format_func=labels.get, help=vocabulary.HELP[option],
                     captions=[c.help for c in vocabulary.OPTIONS[option]])
        st.markdown("**Poids des dimensions** (1 = défaut, 0 = exclue)")
        for dimension in DIMENSIONS:
            st.select_slider(dimension.label, WEIGHT_STEPS, key=WEIGHT_PREFIX + dimension.id,
                             format_func=french.compact)
        st.markdown("**Poids des domaines**")
        for domain in DOMAINS:
            st.select_slider(domain.label, WEIGHT_STEPS, key=WEIGHT_PREFIX + domain.id,
                             format_func=french.compact)
        st.checkbox(ORIGIN_LABEL, key=KEYS["origin"],
                    help="Par défaut, les parts d'immigrés et d'étrangers comptent comme "
                         "« plus fragile » dans le domaine « Diversité / handicap » (choix "
                         "normatif, expliqué sur la page « Méthode & données »). Cochée, "
                         "leur poids est 0 : le domaine ne garde que ses autres "
                         "indicateurs. Les indicateurs restent consultables.")
    method = current()
    if st.session_state[KEYS["aggregation"]] != method.aggregation:
        st.sidebar.warning("La moyenne géométrique demande des scores entre 0 et 1 "
                           "(rang centile ou min-max) : la moyenne arithmétique est "
                           "appliquée.")
    if is_default(method):
        st.sidebar.caption(describe(method))
    else:
        st.sidebar.info(describe(method) + " Elle s'applique à toutes les pages.",
                        icon=":material/tune:")
        st.sidebar.button("Revenir à la méthode par défaut", on_click=reset,
                          key="method_reset")
    return method
