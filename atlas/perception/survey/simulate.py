"""An illustrative simulated survey sample: « données simulées à titre d'illustration ».

No respondent-level perception data are public: only national shares (IMPACT-Citoyens,
October 2019, question Q3, see :data:`PUBLISHED_FIRST`). To show what the atlas does with
survey data, this module draws a seeded sample whose national margins match the published
ones and whose territorial variations follow the objective domain scores. Every value it
produces is simulated; the data say so themselves (``Survey.simulated``, the source
:data:`SOURCE`, a ``simulated`` column and ``attrs["simulated"]`` on the table).

The model
    1. *Objective scores.* Each département ``t`` has domain scores ``s_td`` in [0, 1]
       (:func:`atlas.index.level_indices.level_indices`, higher = more fragile); a missing score is
       replaced by the population-weighted national mean of the domain (a neutral value).
       A commune (for its mayor) has its own scores, its département's where missing.
    2. *Perception bias.* ``b_td ~ N(0, bias_sd)``, drawn once per seed for each
       département and domain: the perceived score is ``p_td = s_td + b_td`` (a commune
       takes its département's bias). ``b > 0``: the territory over-perceives the fragility
       of the domain; ``b < 0``: it under-perceives it. The biases are returned as
       :attr:`PerceptionModel.bias`.
    3. *Dimensions (Thurstone case III).* Respondent ``i`` of actor ``a`` in ``t`` gives
       dimension ``k`` the utility ``U_ik = mu_k + alpha_ak + gamma (P_tk - Pbar_k) +
       sigma_k e_ik`` with ``e_ik ~ N(0, 1)`` independent, ``P_tk`` the mean perceived score
       of the domains of ``k`` and ``Pbar_k`` its population-weighted national mean; the
       dimensions are ranked by decreasing utility. ``mu`` and ``sigma`` (6 free parameters:
       ``mu_societal = 0``, ``sigma_societal = 1``) are fitted so that, for citizens
       (``alpha = 0``), the population-weighted mixture over départements of the
       probabilities of ranking each dimension first, and first or second, equals the
       published figures: 6 independent equations, solved to 1e-10 (Thurstone, "A law of
       comparative judgment", *Psychological Review* 34, 1927; a Plackett-Luce model, with
       3 free parameters, cannot match both columns). ``alpha`` are illustrative shifts for
       the other actors (:attr:`SimulationConfig.actor_shifts`), not data.
    4. *Domains.* ``V_id = U_i,k(d) + beta (p_td - pbar_d) + noise N(0, domain_noise)``; each
       respondent ranks their ``domains_ranked`` domains of highest utility (1 to 5), the
       others are missing. Within a dimension, the order is thus driven by the territory's
       perceived (objective + bias) scores.
    5. *Samples.* About 1,000 citizens, 600 company heads and 300 association heads in
       départements, 400 mayors answering for their own commune. Each actor's sample is
       allocated to the régions as a minimum per région plus the rest in proportion to the
       population (communes for mayors), as quota surveys boost small régions; within a
       région, départements are drawn in proportion to their population (INSEE population
       municipale from :mod:`geodata.store`, all ages, standing for adults; for companies
       and associations too, as a proxy), mayors' communes uniformly without replacement.
    6. *Weights.* Post-stratification on the région (no age or other margin): a respondent
       of actor ``a`` in région ``r`` weighs ``W_r n_a / n_ar`` with ``W_r`` the région's
       share of the population (of the communes for mayors), so that each actor's weights
       sum to its sample size and the boosted small régions weigh less. Pooled estimates
       (``"tous"``) therefore mix actors in proportion to their sample sizes.
    7. *Item non-response.* 1 % skip the dimension question, 3 % the domain question.

The published pairing of figures and dimensions is the best reading of an illegible chart
(see ``shared/reference/published_survey_figures.md``); it is stated wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import numpy as np
import pandas as pd
from scipy import optimize, special

from atlas.perception.survey.model import (
    ACTORS,
    DIMENSION_COLUMNS,
    DOMAIN_COLUMNS,
    RESPONDENT_COLUMNS,
    SIMULATED_LABEL,
    Survey,
    Wave,
)
from indicators.domains import DIMENSIONS, DOMAINS

SOURCE = "Échantillon simulé (atlas)"
PUBLISHED_SOURCE = ("IMPACT-Citoyens, octobre 2019 (OpinionWay–Comisis), question Q3, "
                    "consolidation nationale")
PUBLISHED_FIRST = {"societal": 0.28, "economic": 0.35, "social": 0.21, "environmental": 0.16}
"""Published share of citizens ranking each dimension first (best reading of the chart)."""
PUBLISHED_FIRST_OR_SECOND = {"societal": 0.64, "economic": 0.59, "social": 0.48,
                             "environmental": 0.29}
"""Published share of citizens ranking each dimension first or second."""

WAVE = Wave("simulation-2019", "Échantillon simulé (atlas), vague illustrative 2019",
            date(2019, 10, 1), date(2019, 10, 31), "mixte", tuple(ACTORS))

DIMENSION_IDS = tuple(d.id for d in DIMENSIONS)
DOMAIN_IDS = tuple(d.id for d in DOMAINS)
_DIMENSION_OF = np.array([DIMENSION_IDS.index(d.dimension) for d in DOMAINS])
_GRID = 401
_LEVEL_OF_ACTOR = {"citoyen": "departement", "entreprise": "departement",
                   "association": "departement", "elu": "commune"}


@dataclass(frozen=True)
class SimulationConfig:
    """Parameters of the simulated sample (see the module docstring for the model)."""

    sizes: Mapping[str, int] = field(default_factory=lambda: {
        "citoyen": 1000, "entreprise": 600, "elu": 400, "association": 300})
    min_per_region: Mapping[str, int] = field(default_factory=lambda: {
        "citoyen": 15, "entreprise": 10, "elu": 10, "association": 5})
    actor_shifts: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: {
        "entreprise": {"economic": 0.5}, "association": {"social": 0.5},
        "elu": {"societal": 0.3}})
    dimension_sensitivity: float = 3.0
    """``gamma``: utility per unit of perceived dimension score."""
    domain_sensitivity: float = 4.0
    """``beta``: utility per unit of perceived domain score."""
    domain_noise: float = 1.0
    bias_sd: float = 0.15
    domains_ranked: int = 5
    skip_dimensions: float = 0.01
    skip_domains: float = 0.03


@dataclass(frozen=True)
class PerceptionModel:
    """The simulated population: territories, perception biases and fitted utilities.

    ``departements`` (index: code) has ``region``, ``population`` and the perceived domain
    scores; ``communes`` (index: code) has ``departement``, ``region`` and the perceived
    domain scores; ``bias`` is département × domain; ``means`` and ``scales`` are the
    fitted Thurstone parameters by dimension; ``centre`` the national perceived scores
    (``pbar``) by domain and dimension.
    """

    departements: pd.DataFrame
    communes: pd.DataFrame
    bias: pd.DataFrame
    means: pd.Series
    scales: pd.Series
    centre: pd.Series
    config: SimulationConfig


@dataclass(frozen=True)
class Simulation:
    """A simulated survey with the model that produced it (the "truth")."""

    survey: Survey
    model: PerceptionModel


def thurstone_margins(means: np.ndarray, scales: np.ndarray,
                      grid: int = _GRID) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of ranking each item first, and first or second, under Thurstone III.

    Utilities are independent normals ``N(means[t, k], scales[k]^2)``; the probabilities
    are one-dimensional integrals, e.g. ``P(k first) = int f_k(x) prod_(j != k) F_j(x) dx``,
    computed by the trapezoidal rule on ``grid`` points over ``mean -/+ 9 sd`` (the
    integrands are smooth and vanish at both ends, where the rule converges exponentially:
    401 points agree with 8,001 to 1e-16).

    Parameters
    ----------
    means
        Shape ``(T, K)``: one row per territory (or ``(K,)`` for one).
    scales
        Shape ``(K,)``, positive.

    Returns
    -------
    tuple of numpy.ndarray
        ``first`` and ``first_or_second``, each of the shape of ``means``.
    """
    m = np.atleast_2d(np.asarray(means, dtype=float))
    s = np.asarray(scales, dtype=float)
    k = m.shape[1]
    x = np.linspace((m - 9 * s).min(), (m + 9 * s).max(), grid)
    z = (x[None, :, None] - m[:, None, :]) / s
    cdf = special.ndtr(z)
    pdf = np.exp(-0.5 * z * z) / (np.sqrt(2 * np.pi) * s)
    first = np.empty_like(m)
    second = np.zeros_like(m)
    for item in range(k):
        others = [j for j in range(k) if j != item]
        first[:, item] = np.trapezoid(pdf[..., item] * cdf[..., others].prod(axis=-1), x,
                                      axis=1)
        for above in others:
            rest = [j for j in others if j != above]
            second[:, item] += np.trapezoid(
                pdf[..., item] * (1 - cdf[..., above]) * cdf[..., rest].prod(axis=-1), x,
                axis=1)
    if np.ndim(means) == 1:
        return first[0], first[0] + second[0]
    return first, first + second


def fit_thurstone(first: np.ndarray, first_or_second: np.ndarray,
                  offsets: np.ndarray | None = None,
                  weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Means and scales whose mixture over territories gives the target margins.

    Solves ``sum_t w_t P_t(k first) = first[k]`` and the same for ``first_or_second``
    (the first ``K - 1`` of each, the last following from the sums 1 and 2), with
    ``means[t] = mu + offsets[t]``, ``mu[0] = 0`` and ``scales[0] = 1``.

    Raises
    ------
    RuntimeError
        If the margins are not reached within 1e-10.
    """
    first, top2 = np.asarray(first, dtype=float), np.asarray(first_or_second, dtype=float)
    k = first.size
    if not (np.isclose(first.sum(), 1) and np.isclose(top2.sum(), 2)):
        raise ValueError("first shares must sum to 1 and first-or-second shares to 2")
    offsets = np.zeros((1, k)) if offsets is None else np.asarray(offsets, dtype=float)
    weights = np.full(len(offsets), 1 / len(offsets)) if weights is None else (
        np.asarray(weights, dtype=float) / np.sum(weights))

    def residuals(theta: np.ndarray, off: np.ndarray, w: np.ndarray) -> np.ndarray:
        mu, scales = np.r_[0.0, theta[: k - 1]], np.exp(np.r_[0.0, theta[k - 1:]])
        p1, p2 = thurstone_margins(mu + off, scales)
        return np.r_[w @ p1 - first, w @ p2 - top2][np.r_[0:k - 1, k:2 * k - 1]]

    start = np.r_[np.log(first[1:] / first[0]), np.zeros(k - 1)]
    tight = {"xtol": 1e-14, "ftol": 1e-14, "gtol": 1e-14}
    # Fit without the territorial offsets first (one territory: fast), then with them.
    theta = optimize.least_squares(residuals, start, args=(np.zeros((1, k)), np.ones(1)),
                                   **tight).x
    fit = optimize.least_squares(residuals, theta, args=(offsets, weights), **tight)
    if np.abs(fit.fun).max() > 1e-10:
        raise RuntimeError(f"Thurstone margins not reached (max error {np.abs(fit.fun).max()})")
    return np.r_[0.0, fit.x[: k - 1]], np.exp(np.r_[0.0, fit.x[k - 1:]])


def perception_model(rng: np.random.Generator,
                     config: SimulationConfig | None = None) -> PerceptionModel:
    """Draw the perception biases and fit the dimension utilities (steps 1 to 3)."""
    config = config or SimulationConfig()
    departements, communes, objective_dep, objective_com = _territories()
    population = departements["population"].to_numpy(dtype=float)
    share = population / population.sum()
    national = (objective_dep.mul(share, axis=0).sum()
                / objective_dep.notna().mul(share, axis=0).sum())
    filled_dep = objective_dep.fillna(national)
    bias = pd.DataFrame(rng.normal(0.0, config.bias_sd, filled_dep.shape),
                        index=filled_dep.index, columns=filled_dep.columns)
    perceived_dep = filled_dep + bias
    dep_of = communes["departement"].to_numpy()
    filled_com = objective_com.fillna(filled_dep.reindex(dep_of).set_axis(objective_com.index))
    perceived_com = filled_com + bias.reindex(dep_of).to_numpy()
    centre_domains = pd.Series(share @ perceived_dep.to_numpy(), index=DOMAIN_IDS)
    centre_dimensions = centre_domains.groupby(_DIMENSION_OF).mean().set_axis(DIMENSION_IDS)
    offsets = config.dimension_sensitivity * (
        _dimension_scores(perceived_dep.to_numpy()) - centre_dimensions.to_numpy())
    means, scales = fit_thurstone(np.array([PUBLISHED_FIRST[d] for d in DIMENSION_IDS]),
                                  np.array([PUBLISHED_FIRST_OR_SECOND[d]
                                            for d in DIMENSION_IDS]), offsets, share)
    return PerceptionModel(
        departements=departements.join(perceived_dep),
        communes=communes.join(perceived_com),
        bias=bias,
        means=pd.Series(means, index=DIMENSION_IDS),
        scales=pd.Series(scales, index=DIMENSION_IDS),
        centre=pd.concat([centre_domains, centre_dimensions]),
        config=config)


def expected_margins(model: PerceptionModel, actor: str = "citoyen") -> pd.DataFrame:
    """Population shares ranking each dimension first, and first or second, under the model.

    What the weighted estimate of ``actor``'s sample targets: the mixture over
    départements weighted by population (over communes, uniformly, for mayors: some 35,000
    integrals, a few seconds). For citizens these are the published figures.
    """
    if actor not in ACTORS:
        raise ValueError(f"unknown actor {actor!r}; valid actors: {list(ACTORS)}")
    table = model.departements if _LEVEL_OF_ACTOR[actor] == "departement" else model.communes
    weights = (table["population"].to_numpy(dtype=float) if actor != "elu"
               else np.ones(len(table)))
    weights = weights / weights.sum()
    means = _means(model, table, actor)
    first, top2 = np.zeros(len(DIMENSION_IDS)), np.zeros(len(DIMENSION_IDS))
    for start in range(0, len(table), 5000):
        chunk = slice(start, start + 5000)
        p1, p2 = thurstone_margins(means[chunk], model.scales.to_numpy())
        first += weights[chunk] @ p1
        top2 += weights[chunk] @ p2
    return pd.DataFrame({"first": first, "first_or_second": top2},
                        index=pd.Index(DIMENSION_IDS, name="dimension"))


def draw_respondents(model: PerceptionModel, rng: np.random.Generator,
                     sizes: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Draw a respondent table from ``model`` (steps 4 to 7).

    ``sizes`` (actor → sample size) defaults to the model's configuration; an actor left
    out is not sampled. The table has :data:`atlas.perception.survey.model.RESPONDENT_COLUMNS` plus
    ``simulated`` (True), and ``attrs["simulated"]``.
    """
    config = model.config
    sizes = dict(config.sizes if sizes is None else sizes)
    unknown = sorted(set(sizes) - set(ACTORS))
    if unknown:
        raise ValueError(f"unknown actors {unknown}; valid actors: {list(ACTORS)}")
    parts = [_draw_actor(model, rng, actor, n) for actor, n in sizes.items() if n > 0]
    table = pd.concat(parts, ignore_index=True)
    table.attrs.update(simulated=True, source=SOURCE, label=SIMULATED_LABEL)
    return table


def simulate(seed: int = 2019, config: SimulationConfig | None = None) -> Simulation:
    """Draw the model and the sample from ``numpy.random.default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    model = perception_model(rng, config)
    respondents = draw_respondents(model, rng)
    scales = ", ".join(f"{d} {model.means[d]:.3f}/{model.scales[d]:.3f}"
                       for d in DIMENSION_IDS)
    survey = Survey(
        respondents=respondents, waves=(WAVE,), source=SOURCE, simulated=True,
        notes=(SIMULATED_LABEL.capitalize() + f" (graine {seed}).",
               "Marges nationales des citoyens calibrées sur " + PUBLISHED_SOURCE + " ; "
               "l'appariement des chiffres aux dimensions suit la meilleure lecture du "
               "graphique publié.",
               "Modèle de Thurstone (cas III), moyenne/écart-type par dimension : " + scales
               + " ; domaines classés selon les scores objectifs du territoire, un biais de "
               "perception par département et du bruit (voir atlas.perception.survey.simulate)."))
    return Simulation(survey=survey, model=model)


def default_sample(seed: int = 2019) -> Survey:
    """The atlas's illustrative simulated sample (default configuration)."""
    return simulate(seed).survey


def _draw_actor(model: PerceptionModel, rng: np.random.Generator, actor: str,
                n: int) -> pd.DataFrame:
    """Respondents of one actor: territories, weights and ranks."""
    config = model.config
    level = _LEVEL_OF_ACTOR[actor]
    units = model.departements if level == "departement" else model.communes
    if level == "departement":
        size = model.departements.groupby("region")["population"].sum()
    else:
        size = model.communes.groupby("region").size()
    allocation = _allocate(size.astype(float), n, config.min_per_region.get(actor, 0))
    if level == "departement":
        picked = _draw_proportional(units, allocation, rng)
    else:
        picked = _draw_without_replacement(units, allocation, rng)
    region = units["region"].to_numpy()[picked]
    share = (size / size.sum()).reindex(region).to_numpy()
    weight = share * n / allocation.reindex(region).to_numpy()

    utilities = (_means(model, units, actor)[picked]
                 + model.scales.to_numpy() * rng.standard_normal((len(picked), 4)))
    domain_part = config.domain_sensitivity * (
        units[list(DOMAIN_IDS)].to_numpy()[picked] - model.centre[list(DOMAIN_IDS)].to_numpy())
    domain_utilities = (utilities[:, _DIMENSION_OF] + domain_part
                        + config.domain_noise * rng.standard_normal((len(picked), 16)))
    dimension_ranks = _ranks(utilities).astype(float)
    domain_ranks = _ranks(domain_utilities).astype(float)
    domain_ranks[domain_ranks > config.domains_ranked] = np.nan
    skip = rng.random(len(picked))
    dimension_ranks[skip < config.skip_dimensions] = np.nan
    domain_ranks[(skip >= config.skip_dimensions)
                 & (skip < config.skip_dimensions + config.skip_domains)] = np.nan

    table = pd.DataFrame({
        "respondent_id": [f"sim-{actor}-{i:04d}" for i in range(1, len(picked) + 1)],
        "actor": actor, "wave": WAVE.id,
        "territory_code": units.index.to_numpy()[picked], "territory_level": level,
        "weight": weight})
    ranks = pd.DataFrame(np.c_[dimension_ranks, domain_ranks],
                         columns=[*DIMENSION_COLUMNS, *DOMAIN_COLUMNS]).astype("Int64")
    table = pd.concat([table, ranks], axis=1)[list(RESPONDENT_COLUMNS)]
    table = table.astype({c: "str" for c in RESPONDENT_COLUMNS[:5]})
    table["simulated"] = True
    return table


def _allocate(size: pd.Series, n: int, minimum: int) -> pd.Series:
    """Sample size per région: ``minimum`` each, the rest in proportion (largest remainder)."""
    if minimum * len(size) > n:
        raise ValueError(f"{n} respondents cannot give {minimum} to each of {len(size)} "
                         "régions")
    quota = (n - minimum * len(size)) * size / size.sum()
    base = np.floor(quota)
    extra = int(round(quota.sum() - base.sum()))
    order = np.argsort(-(quota - base).to_numpy(), kind="stable")[:extra]
    base.iloc[order] += 1
    return (base + minimum).astype(int)


def _draw_proportional(units: pd.DataFrame, allocation: pd.Series,
                       rng: np.random.Generator) -> np.ndarray:
    """Positions of units drawn within each région in proportion to their population.

    Units are sorted by région; région ``j``'s cumulative population shares are shifted by
    ``j`` so that one ``searchsorted`` draws for every région at once.
    """
    order = np.argsort(units["region"].to_numpy(), kind="stable")
    region = units["region"].to_numpy()[order]
    codes, first = np.unique(region, return_index=True)
    population = units["population"].to_numpy(dtype=float)[order]
    shares = population / pd.Series(population).groupby(region).transform("sum").to_numpy()
    group = np.searchsorted(codes, region)
    cumulative = pd.Series(shares).groupby(group).cumsum().to_numpy() + group
    cumulative[np.r_[first[1:] - 1, len(region) - 1]] = np.arange(1, len(codes) + 1)
    wanted = np.repeat(np.arange(len(codes)), allocation.reindex(codes).fillna(0).astype(int))
    positions = np.searchsorted(cumulative, wanted + rng.random(len(wanted)), side="right")
    return order[np.minimum(positions, len(region) - 1)]


def _draw_without_replacement(units: pd.DataFrame, allocation: pd.Series,
                              rng: np.random.Generator) -> np.ndarray:
    """Positions of units drawn uniformly without replacement within each région."""
    region = units["region"].to_numpy()
    keys = rng.random(len(units))
    order = np.lexsort((keys, region))
    rank = pd.Series(region[order]).groupby(region[order]).cumcount().to_numpy()
    quota = allocation.reindex(region[order]).fillna(0).to_numpy()
    return order[rank < quota]


def _means(model: PerceptionModel, units: pd.DataFrame, actor: str) -> np.ndarray:
    """Mean utilities ``mu + alpha_a + gamma (P_tk - Pbar_k)`` of each unit, ``(T, 4)``."""
    shift = model.config.actor_shifts.get(actor, {})
    alpha = np.array([shift.get(d, 0.0) for d in DIMENSION_IDS])
    perceived = _dimension_scores(units[list(DOMAIN_IDS)].to_numpy())
    centre = model.centre[list(DIMENSION_IDS)].to_numpy()
    return (model.means.to_numpy() + alpha
            + model.config.dimension_sensitivity * (perceived - centre))


def _dimension_scores(domain_scores: np.ndarray) -> np.ndarray:
    """Mean of each dimension's domain scores, ``(T, 16)`` → ``(T, 4)``."""
    onehot = np.eye(len(DIMENSION_IDS))[_DIMENSION_OF]
    return domain_scores @ onehot / onehot.sum(axis=0)


def _ranks(utilities: np.ndarray) -> np.ndarray:
    """Rank of each column by decreasing utility (1 = highest), row by row."""
    return np.argsort(np.argsort(-utilities, axis=1), axis=1) + 1


@cache
def _territories() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Départements and communes (codes, région, population) and their domain scores."""
    from atlas.index.level_indices import level_indices
    from geodata import store

    departements = (store.attributes("departements")[["code", "region", "population"]]
                    .set_index("code").sort_index())
    communes = (store.attributes("communes")[["code", "departement", "region"]]
                .set_index("code").sort_index())
    objective_dep = (level_indices("departements").domain_scores[list(DOMAIN_IDS)]
                     .reindex(departements.index))
    objective_com = (level_indices("communes").domain_scores[list(DOMAIN_IDS)]
                     .reindex(communes.index))
    return departements, communes, objective_dep, objective_com
