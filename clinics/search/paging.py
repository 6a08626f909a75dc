"""Result pages: Django's Paginator, told the total that the page's own query counted."""

from django.core.paginator import EmptyPage, Paginator


class CountedPaginator(Paginator):
    """A Paginator over the rows of one page already read with their total.

    A search reads a page and its total in one query (count(*) OVER ()); this paginator takes
    that total instead of asking the database for a count.
    """

    def __init__(self, rows, per_page, *, count):
        super().__init__(rows, per_page)
        self.count = count  # Paginator.count is a cached property: this value wins

    def page(self, number):
        number = self.validate_number(number)
        return self._get_page(self.object_list, number, self)


def result_page(rows, *, number, size, total):
    """Django's Page `number` holding `rows` of `total` results, or None past the end."""
    try:
        return CountedPaginator(rows, size, count=total).page(number)
    except EmptyPage:
        return None


def page_url(request, number):
    """The current URL, relative, with another page number: shareable and stable."""
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"
