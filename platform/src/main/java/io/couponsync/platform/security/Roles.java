package io.couponsync.platform.security;

/** The two roles of the web applications: viewers see everything behind the login, operators may also act. */
public final class Roles {

	public static final String VIEWER = "VIEWER";

	public static final String OPERATOR = "OPERATOR";

	private Roles() {
	}
}
