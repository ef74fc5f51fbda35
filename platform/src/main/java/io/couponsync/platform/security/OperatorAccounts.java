package io.couponsync.platform.security;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import io.couponsync.platform.config.InvalidConfigurationException;

/**
 * The configured accounts as Spring Security users. An admin without a password fails the start (naming the
 * environment variables to set) unless the demo profile is active, where a generated password is printed once.
 */
final class OperatorAccounts {

	private static final Logger log = LoggerFactory.getLogger(OperatorAccounts.class);

	private OperatorAccounts() {
	}

	static InMemoryUserDetailsManager of(OperatorAccountsProperties accounts, PasswordEncoder encoder, boolean demo) {
		List<UserDetails> users = new ArrayList<>();
		OperatorAccountsProperties.Admin admin = accounts.admin();
		String adminHash;
		if (admin.hasCredential()) {
			adminHash = hash(admin, encoder);
		}
		else if (demo) {
			String generated = generatedPassword();
			// why: printed, not logged at a level an operator might filter out; the demo has no other way in
			System.out.println("Demo console login: " + admin.username() + " / " + generated);
			log.warn("No admin password configured: the demo profile generated one (printed on standard output)");
			adminHash = encoder.encode(generated);
		}
		else {
			throw new InvalidConfigurationException("sync.security.admin.password", "",
					"no admin password: set ADMIN_PASSWORD or ADMIN_PASSWORD_HASH (there is no default password)",
					null);
		}
		users.add(User.withUsername(admin.username()).password(adminHash).roles(Roles.OPERATOR, Roles.VIEWER).build());
		OperatorAccountsProperties.Viewer viewer = accounts.viewer();
		if (viewer.hasCredential()) {
			if (viewer.username().equals(admin.username())) {
				throw new InvalidConfigurationException("sync.security.viewer.username", viewer.username(),
						"the viewer needs a name of its own", null);
			}
			users.add(User.withUsername(viewer.username()).password(hash(viewer, encoder)).roles(Roles.VIEWER).build());
		}
		return new InMemoryUserDetailsManager(users);
	}

	private static String hash(OperatorAccountsProperties.Account account, PasswordEncoder encoder) {
		return account.passwordHash() != null && !account.passwordHash().isBlank() ? account.passwordHash()
				: encoder.encode(account.password());
	}

	private static String generatedPassword() {
		byte[] random = new byte[18];
		new SecureRandom().nextBytes(random);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
	}
}
