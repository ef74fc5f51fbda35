package io.couponsync.platform.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may log in to the web applications (console, REST API, management endpoints). There is no default password:
 * without an admin password (or hash) a web application refuses to start, except in the {@code demo} profile, which
 * generates one and prints it.
 *
 * @param admin the operator account: may view and act (roles OPERATOR and VIEWER)
 * @param viewer the read-only account (role VIEWER); left out while it has no password
 */
@Validated
@ConfigurationProperties("sync.security")
public record OperatorAccountsProperties(@Valid @NotNull @DefaultValue Admin admin,
		@Valid @NotNull @DefaultValue Viewer viewer) {

	/** A login name with a password in clear or as a hash, at most one of them. */
	public interface Account {

		String username();

		String password();

		String passwordHash();

		/** Whether a password or a hash is set. */
		default boolean hasCredential() {
			return !isBlank(password()) || !isBlank(passwordHash());
		}

		@AssertTrue(message = "set either a password or a password hash, not both")
		default boolean isOneCredential() {
			return isBlank(password()) || isBlank(passwordHash());
		}

		@AssertTrue(message = "a password hash names its encoding, e.g. {bcrypt}$2a$10$...")
		default boolean isHashWithId() {
			return isBlank(passwordHash()) || passwordHash().startsWith("{");
		}

		@AssertTrue(message = "a password in clear text needs at least 12 characters: the console stops, abandons and "
				+ "launches every job")
		default boolean isPasswordLongEnough() {
			return isBlank(password()) || password().length() >= 12;
		}

		@AssertTrue(message = "a {noop} hash is the password in clear text: give a {bcrypt} (or other) hash")
		default boolean isHashNotClearText() {
			return isBlank(passwordHash()) || !passwordHash().startsWith("{noop}");
		}

		private static boolean isBlank(String value) {
			return value == null || value.isBlank();
		}
	}

	/**
	 * @param username the operator's login name
	 * @param password the password in clear (from a secret)
	 * @param passwordHash the password as a Spring Security hash with its id, e.g. {@code {bcrypt}$2a$10$...}
	 */
	public record Admin(@NotBlank @DefaultValue("admin") String username, String password, String passwordHash)
			implements Account {
	}

	/**
	 * @param username the viewer's login name
	 * @param password the password in clear (from a secret)
	 * @param passwordHash the password as a Spring Security hash with its id, e.g. {@code {bcrypt}$2a$10$...}
	 */
	public record Viewer(@NotBlank @DefaultValue("viewer") String username, String password, String passwordHash)
			implements Account {
	}
}
