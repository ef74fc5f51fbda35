package io.couponsync.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.validation.Validation;
import jakarta.validation.Validator;

import org.junit.jupiter.api.Test;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import io.couponsync.platform.config.InvalidConfigurationException;

/** The configured accounts: no default password, a generated one only in the demo, roles, hashes, validation. */
class OperatorAccountsTest {

	private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

	private static OperatorAccountsProperties accounts(String adminPassword, String adminHash, String viewerPassword) {
		return new OperatorAccountsProperties(new OperatorAccountsProperties.Admin("admin", adminPassword, adminHash),
				new OperatorAccountsProperties.Viewer("viewer", viewerPassword, null));
	}

	@Test
	void refusesToStartWithoutAnAdminPasswordOutsideTheDemo() {
		assertThatThrownBy(() -> OperatorAccounts.of(accounts(null, "", null), encoder, false))
			.isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("ADMIN_PASSWORD")
			.hasMessageContaining("no default password");
	}

	@Test
	void theDemoGeneratesAPasswordAndPrintsIt() {
		PrintStream original = System.out;
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		InMemoryUserDetailsManager users;
		try {
			System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
			users = OperatorAccounts.of(accounts(null, null, null), encoder, true);
		}
		finally {
			System.setOut(original);
		}
		Matcher line = Pattern.compile("Demo console login: admin / (\\S+)").matcher(printed.toString(StandardCharsets.UTF_8));
		assertThat(line.find()).as(printed.toString(StandardCharsets.UTF_8)).isTrue();
		assertThat(line.group(1)).hasSizeGreaterThanOrEqualTo(20);
		assertThat(encoder.matches(line.group(1), users.loadUserByUsername("admin").getPassword())).isTrue();
		assertThat(users.userExists("viewer")).as("no viewer without a password").isFalse();
	}

	@Test
	void theAdminOperatesAndViewsTheViewerOnlyViews() {
		InMemoryUserDetailsManager users = OperatorAccounts.of(accounts("secret-1", null, "secret-2"), encoder, false);
		assertThat(users.loadUserByUsername("admin").getAuthorities()).extracting(GrantedAuthority::getAuthority)
			.containsExactlyInAnyOrder("ROLE_OPERATOR", "ROLE_VIEWER");
		assertThat(users.loadUserByUsername("viewer").getAuthorities()).extracting(GrantedAuthority::getAuthority)
			.containsExactly("ROLE_VIEWER");
		assertThat(encoder.matches("secret-1", users.loadUserByUsername("admin").getPassword())).isTrue();
	}

	@Test
	void takesAHashedPasswordAsGiven() {
		String hash = encoder.encode("from-a-vault");
		InMemoryUserDetailsManager users = OperatorAccounts.of(accounts(null, hash, null), encoder, false);
		assertThat(users.loadUserByUsername("admin").getPassword()).isEqualTo(hash);
	}

	@Test
	void validationRefusesBothAPasswordAndAHashAndAHashWithoutItsEncoding() {
		Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
		assertThat(validator.validate(accounts("clear", "{bcrypt}$2a$10$x", null)))
			.extracting(violation -> violation.getMessage()).contains("set either a password or a password hash, not both");
		assertThat(validator.validate(accounts(null, "$2a$10$x", null)))
			.extracting(violation -> violation.getMessage()).contains("a password hash names its encoding, e.g. {bcrypt}$2a$10$...");
		assertThat(validator.validate(accounts("long-enough-password", null, null))).isEmpty();
	}

	@Test
	void validationRefusesAShortPasswordAndAClearTextHash() {
		Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
		assertThat(validator.validate(accounts("admin123", null, null)))
			.extracting(violation -> violation.getMessage())
			.contains("a password in clear text needs at least 12 characters: the console stops, abandons and launches "
					+ "every job");
		assertThat(validator.validate(accounts(null, "{noop}admin", null)))
			.extracting(violation -> violation.getMessage())
			.contains("a {noop} hash is the password in clear text: give a {bcrypt} (or other) hash");
		assertThat(validator.validate(accounts(null, "{bcrypt}$2a$10$x", "twelve-chars"))).isEmpty();
	}
}
