package io.couponsync.platform.security;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * What both web applications share: the operator accounts, and the management endpoints' rules — health (with its
 * liveness and readiness groups) open to anyone, every other endpoint (Prometheus included) for logged-in viewers
 * over HTTP basic. Commands run without a web server, so none of this applies to them and they need no password.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(SecurityFilterChain.class)
@EnableConfigurationProperties(OperatorAccountsProperties.class)
public class PlatformSecurityAutoConfiguration {

	/** The management chain runs before an application's own ones. */
	public static final int MANAGEMENT_ORDER = 1;

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	InMemoryUserDetailsManager operatorAccounts(OperatorAccountsProperties accounts, PasswordEncoder encoder,
			Environment environment) {
		return OperatorAccounts.of(accounts, encoder, environment.acceptsProfiles(Profiles.of("demo")));
	}

	@Bean
	@Order(MANAGEMENT_ORDER)
	SecurityFilterChain managementSecurityFilterChain(HttpSecurity http) throws Exception {
		return http.securityMatcher(EndpointRequest.toAnyEndpoint())
			.authorizeHttpRequests(requests -> requests.requestMatchers(EndpointRequest.to(HealthEndpoint.class))
				.permitAll()
				.anyRequest()
				.hasRole(Roles.VIEWER))
			.httpBasic(Customizer.withDefaults())
			// why: scrapers and scripts authenticate on every request; no session, so no session cookie to forge
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf(csrf -> csrf.disable())
			.build();
	}
}
