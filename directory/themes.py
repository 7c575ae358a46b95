"""The themes a service or a search may be for (TAXONOMY.md), their plain-English labels, and the
theme each service concept implies for a service that carries no theme term of its own."""
from __future__ import annotations

from iaa import taxonomy

THEMES = taxonomy.stated("theme")  # data/taxonomy/codes.yml, without "not_stated"
THEME_LABELS = {"children_young_people": "children and young people", "older_people": "older people",
                "health_physical_disability": "people with a physical disability or health condition",
                "learning_disability_autism": "people with a learning disability or autism",
                "mental_health": "mental health", "sensory_impairment": "people with a sensory impairment",
                "carers": "carers", "vawdasv": "people affected by abuse or violence",
                "secure_estate": "people in or leaving prison"}
# Used only for services that carry no theme term of their own.
CONCEPT_THEMES = {
    "lunch_club": "older_people", "memory_cafe": "older_people", "dementia": "older_people", "older": "older_people",
    "telecare": "older_people", "meals": "older_people", "falls": "older_people",
    "carer": "carers", "young_carer": "carers", "respite": "carers",
    "autism": "learning_disability_autism", "learning_disability": "learning_disability_autism",
    "mental_health": "mental_health", "counselling": "mental_health", "bereavement": "mental_health",
    "sight_loss": "sensory_impairment", "hearing_loss": "sensory_impairment", "sign_language": "sensory_impairment",
    "disability": "health_physical_disability", "wheelchair": "health_physical_disability",
    "stroke": "health_physical_disability", "equipment": "health_physical_disability",
    "children": "children_young_people", "toddler": "children_young_people", "youth_club": "children_young_people",
    "play_scheme": "children_young_people", "parenting": "children_young_people",
    "domestic_abuse": "vawdasv", "sexual_violence": "vawdasv", "refuge": "vawdasv", "prison": "secure_estate",
}
