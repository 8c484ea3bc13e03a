"""The closed vocabularies of the extraction contract (shared/spec/extraction.md).

These are the contract itself, not knowledge about words, so they live in code:
every analyser and every test checks its output against them.
"""

VICTIM_STATUSES = ("migrant_worker", "prisoner", "student", "naturalised_citizen", "unknown")

PERPETRATORS = (
    "police",
    "prison_administration",
    "enlistment_office",
    "military",
    "pmc",
    "migration_authority",
    "employer",
    "unknown",
)

METHODS = (
    "summons",
    "raid_detention",
    "physical_violence",
    "threat",
    "deportation_threat",
    "criminal_case_threat",
    "debt_leverage",
    "payment_promise",
    "citizenship_promise",
    "sentence_reduction",
    "deception",
    "document_confiscation",
    "citizenship_revocation_threat",
)

OUTCOMES = (
    "refused",
    "released",
    "signed_contract",
    "deployed",
    "injured",
    "killed",
    "captured",
    "escaped",
    "returned_home",
    "prosecuted_at_home",
)

# Incident fields in contract order, with whether each holds a list.
INCIDENT_FIELDS = {
    "victim_nationalities": True,
    "victim_status": False,
    "victim_count": False,
    "victim_names": True,
    "location_country": False,
    "location_regions": True,
    "perpetrators": True,
    "methods": True,
    "outcomes": True,
    "date": False,
}


def empty_incident() -> dict:
    """An incident record with every contract field empty ([] for lists, None otherwise)."""
    return {name: ([] if is_list else None) for name, is_list in INCIDENT_FIELDS.items()}


def contract_fields(found: dict) -> dict:
    """An extracted incident's contract fields, as the store keeps them: no evidence, and no
    optional keys such as victim_details (ages, home towns, courts of named people). Those stay in
    the report's record; incident fields feed the public search text and views."""
    return {k: v for k, v in found.items() if k in INCIDENT_FIELDS}
