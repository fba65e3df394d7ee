vcl 4.1;

# A CDN that leaves the query string out of its cache key, as some CDNs do by default or
# by configuration: `/css/site.css?v=1` and `/css/site.css?v=2` are the same cached object.
# The whole URL still goes to the origin on a miss. Otherwise the same as cdn.vcl.

# The backend (127.0.0.1 and the origin's port, known only at run time) is written by the
# test into a file of this name and found through varnishd's `vcl_path`.
include "e2e-origin.vcl";

sub vcl_hash {
	# The built-in vcl_hash, with everything from the `?` on cut off the URL.
	hash_data(regsub(req.url, "\?.*$", ""));
	if (req.http.host) {
		hash_data(req.http.host);
	} else {
		hash_data(server.ip);
	}
	return (lookup);
}

sub vcl_deliver {
	# Lets the test see whether an answer came from the cache.
	if (obj.hits > 0) {
		set resp.http.X-Cache = "HIT";
	} else {
		set resp.http.X-Cache = "MISS";
	}
}
