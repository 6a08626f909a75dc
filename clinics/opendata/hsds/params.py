"""The query parameters of the HSDS API, read by Django forms (clinics.opendata.common)."""

from clinics.opendata.common import (
    FlagParam,
    ModifiedAfterParam,
    QueryForm,
    SearchWordsParam,
    UUIDParam,
    WholeNumberParam,
    page_number_param,
)

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


class PageForm(QueryForm):
    page = page_number_param()
    per_page = WholeNumberParam(
        default=DEFAULT_PER_PAGE,
        low=1,
        high=MAX_PER_PAGE,
        message=f"The per page must be a whole number from 1 to {MAX_PER_PAGE}.",
    )
    search = SearchWordsParam()


class OfferingListForm(PageForm):
    """Services and services at locations."""

    full = FlagParam()
    modified_after = ModifiedAfterParam()
    organization_id = UUIDParam()
    taxonomy_id = UUIDParam()
    taxonomy_term_id = UUIDParam()


class OrganizationListForm(PageForm):
    full = FlagParam()
    full_service = FlagParam()
    modified_after = ModifiedAfterParam()


class TermListForm(PageForm):
    taxonomy_id = UUIDParam()
    parent_id = UUIDParam()
    top_only = FlagParam()


class FullServiceForm(QueryForm):
    full_service = FlagParam()
