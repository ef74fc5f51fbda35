package io.couponsync.chain;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The form of an RPC or WebSocket URL that may be logged, put in a message or shown in health: providers put API
 * keys in the userinfo ({@code https://user:key@host}), the path ({@code /v2/<key>}, or a bare {@code /<token>/}) and
 * the query ({@code ?api-key=<key>}), so only the scheme, host and port are kept.
 *
 * <p>
 * The rule: {@code scheme://host[:port]}, then {@code /***} when the path is more than {@code /}, then
 * {@code ?***} when there is a query; userinfo and fragment are left out. Even the first path segment is hidden,
 * since some providers put the token there. Text that is not a URL with a host becomes {@code ***}.
 */
public final class RedactedUrl {

	public static final String HIDDEN = "***";

	private RedactedUrl() {
	}

	public static String of(URI url) {
		if (url == null) {
			return "none";
		}
		if (url.getScheme() == null || url.getHost() == null) {
			return HIDDEN;
		}
		StringBuilder redacted = new StringBuilder(url.getScheme()).append("://").append(url.getHost());
		if (url.getPort() >= 0) {
			redacted.append(':').append(url.getPort());
		}
		String path = url.getRawPath();
		if (path != null && !path.isEmpty() && !path.equals("/")) {
			redacted.append('/').append(HIDDEN);
		}
		else if ("/".equals(path)) {
			redacted.append('/');
		}
		if (url.getRawQuery() != null) {
			redacted.append('?').append(HIDDEN);
		}
		return redacted.toString();
	}

	/** As {@link #of(URI)}, for text that may not even parse. */
	public static String of(String url) {
		if (url == null) {
			return "none";
		}
		try {
			return of(new URI(url.trim()));
		}
		catch (URISyntaxException ex) {
			return HIDDEN;
		}
	}
}
