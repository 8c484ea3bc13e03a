"""English labels for the contract's vocabulary ids, for text a person reads.

Exports keep the ids in their own columns (stable, machine-readable); these
labels only go into generated prose (notes, titles) and ACLED's actor columns.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "victim_status": {
        "migrant_worker": "migrant worker",
        "prisoner": "prisoner",
        "student": "foreign student",
        "naturalised_citizen": "naturalised citizen",
        "unknown": "person of unknown status",
    },
    "perpetrators": {
        "police": "Police",
        "prison_administration": "Prison administration",
        "enlistment_office": "Military enlistment office",
        "military": "Military",
        "pmc": "Private military company",
        "migration_authority": "Migration authority",
        "employer": "Employer or job agency",
        "unknown": "Unidentified recruiter",
    },
    "methods": {
        "summons": "summons",
        "raid_detention": "raid or detention",
        "physical_violence": "physical violence",
        "threat": "threats",
        "deportation_threat": "threat of deportation",
        "criminal_case_threat": "threat of criminal prosecution",
        "debt_leverage": "debt used as leverage",
        "payment_promise": "promise of payment",
        "citizenship_promise": "promise of citizenship",
        "sentence_reduction": "promise of release or shorter sentence",
        "deception": "deception",
        "document_confiscation": "confiscated documents",
        "citizenship_revocation_threat": "threat to revoke citizenship",
    },
    "outcomes": {
        "refused": "refused",
        "released": "released",
        "signed_contract": "signed a contract",
        "deployed": "deployed",
        "injured": "injured",
        "killed": "killed",
        "captured": "captured by Ukraine",
        "escaped": "escaped",
        "returned_home": "returned home",
        "prosecuted_at_home": "prosecuted at home for mercenarism",
    },
    "review_state": {
        "machine": "extracted automatically, not yet reviewed",
        "verified": "verified by an analyst",
        "rejected": "rejected by an analyst",
    },
}

PLURAL_STATUS = {
    "migrant_worker": "migrant workers",
    "prisoner": "prisoners",
    "student": "foreign students",
    "naturalised_citizen": "naturalised citizens",
    "unknown": "people of unknown status",
}


def label(field: str, value: str) -> str:
    """The English label of a vocabulary id; the id itself when it has none."""
    return LABELS.get(field, {}).get(value, value.replace("_", " "))
