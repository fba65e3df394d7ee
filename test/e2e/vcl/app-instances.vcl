vcl 4.1;

# The CDN in front of the example app's instances: Varnish's built-in caching rules, with the
# two instances behind a round-robin director, as a load balancer spreads a rolling deploy.
# A request with X-Only-If-Cached is answered from the cache or not at all (504), so that the
# test can list what Varnish holds without adding to it.

import directors;

# Written by the test (ports known only at run time): backends `origin` and `origin_b`.
include "e2e-origin.vcl";
include "e2e-origin-b.vcl";

sub vcl_init {
	new instances = directors.round_robin();
	instances.add_backend(origin);
	instances.add_backend(origin_b);
}

sub vcl_recv {
	set req.backend_hint = instances.backend();
}

sub vcl_miss {
	if (req.http.X-Only-If-Cached) {
		return (synth(504, "Not cached"));
	}
}

sub vcl_pass {
	if (req.http.X-Only-If-Cached) {
		return (synth(504, "Not cached"));
	}
}

sub vcl_deliver {
	if (obj.hits > 0) {
		set resp.http.X-Cache = "HIT";
	} else {
		set resp.http.X-Cache = "MISS";
	}
}
