vcl 4.1;

# The CDN in front of the end-to-end test's origin: Varnish's built-in caching rules, which
# key the cache on the whole URL, query string included, and keep an asset for as long as
# its Cache-Control says (a year for the origin's assets; HTML is `no-cache`, so it passes).

# The backend (127.0.0.1 and the origin's port, known only at run time) is written by the
# test into a file of this name and found through varnishd's `vcl_path`.
include "e2e-origin.vcl";

sub vcl_deliver {
	# Lets the test see whether an answer came from the cache.
	if (obj.hits > 0) {
		set resp.http.X-Cache = "HIT";
	} else {
		set resp.http.X-Cache = "MISS";
	}
}
