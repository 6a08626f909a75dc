"""The client's address, found once for every use: the login lockout (django-axes) and the
public-form rate limits (as `request.client_ip`, set by directory.middleware.ClientIpMiddleware).

X-Forwarded-For is a list anybody can start: each proxy appends the address it received the
request from. With PROXY_COUNT proxies of ours in front, the last PROXY_COUNT entries were
written by them, and the client is the PROXY_COUNT-th from the right; what stands further left
came from the client and is never trusted. With PROXY_COUNT=0 (the default) the header is
ignored and the socket address (REMOTE_ADDR) is the client.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The address to count a client by; REMOTE_ADDR when the header cannot be trusted."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
