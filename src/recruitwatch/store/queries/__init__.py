"""Search and filtered listing: full text over documents and incidents, filters on every incident field.

The same functions serve the command line and the web application. One module per concern:

- filters.py: what a query is and which incidents match it (the SQL conditions every part shares);
- pages.py: pages in an order (offset pages for the UI, keyset cursors for the API), snippets;
- counts.py: how many match, facets, months, sources per incident, what is published;
- feeds.py: the changes feed for mirrors and export rows;
- details.py: one incident or document in full, and the documents list.
"""

from .counts import (
    FACETS,
    all_source_counts,
    count_incidents,
    facets,
    month_counts,
    published_ids,
    source_counts,
    undated_count,
)
from .details import (
    change_summary,
    current_report,
    document_detail,
    document_page,
    get_document,
    incident_detail,
)
from .feeds import EVIDENCE_KEYS, EXPORT_BATCH, FEED_KINDS, changes_since, export_rows, feed_kind
from .filters import SORTS, VALUE_FILTERS, IncidentQuery, search_documents
from .pages import (
    BROAD_SHARE,
    SNIPPET_CHARS,
    document_texts,
    incident_page,
    list_incidents,
    listed_incidents,
    matching_states,
)

__all__ = [
    "BROAD_SHARE", "EVIDENCE_KEYS", "EXPORT_BATCH", "FACETS", "FEED_KINDS", "SNIPPET_CHARS", "SORTS", "VALUE_FILTERS",
    "IncidentQuery", "all_source_counts", "change_summary", "changes_since", "count_incidents", "current_report",
    "document_detail", "document_page", "document_texts", "export_rows", "facets", "feed_kind", "get_document",
    "incident_detail", "incident_page", "list_incidents", "listed_incidents", "matching_states", "month_counts",
    "published_ids", "search_documents", "source_counts", "undated_count",
]
