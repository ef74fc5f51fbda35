package io.couponsync.jobs.console;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

import io.couponsync.platform.security.PlatformSecurityAutoConfiguration;
import io.couponsync.platform.security.Roles;

/**
 * Who may do what in the console. The REST API ({@code /api/**}, {@code /v3/api-docs}) takes HTTP basic on every
 * request and keeps no session, so a browser's console session cannot be ridden by a forged request (hence no CSRF
 * token there). Nor can credentials a browser cached: the API answers 401 without a basic challenge, so a browser
 * never prompts for (and keeps) them, and it refuses any request but GET that a browser marks as sent from another
 * site ({@code Sec-Fetch-Site}). The pages use form login, a session and CSRF tokens on every form. Viewers read, operators act
 * (any method but GET). The management endpoints have their own chain ({@link PlatformSecurityAutoConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class ConsoleSecurityConfiguration {

	@Bean
	@Order(PlatformSecurityAutoConfiguration.MANAGEMENT_ORDER + 1)
	SecurityFilterChain apiSecurityFilterChain(HttpSecurity http) throws Exception {
		return http.securityMatcher("/api/**", "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml")
			.authorizeHttpRequests(requests -> requests.requestMatchers(HttpMethod.GET).hasRole(Roles.VIEWER)
				.requestMatchers(ConsoleSecurityConfiguration::sentFromAnotherSite)
				.denyAll()
				.anyRequest()
				.hasRole(Roles.OPERATOR))
			// why: with a challenge a browser would prompt, then send the credentials with any request to the API,
			// a forged cross-site form post included
			.httpBasic(basic -> basic.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			// why: the session's security context is never read here, only this request's credentials
			.securityContext(context -> context.securityContextRepository(new RequestAttributeSecurityContextRepository()))
			.csrf(csrf -> csrf.disable())
			.build();
	}

	/** A browser's mark of a request another site (or a sibling subdomain) made it send; tools send none. */
	private static boolean sentFromAnotherSite(HttpServletRequest request) {
		String site = request.getHeader("Sec-Fetch-Site");
		return "cross-site".equals(site) || "same-site".equals(site);
	}

	@Bean
	@Order(PlatformSecurityAutoConfiguration.MANAGEMENT_ORDER + 2)
	SecurityFilterChain pageSecurityFilterChain(HttpSecurity http) throws Exception {
		return http
			// why: an error dispatch (the 401 of another chain, a 404) renders Boot's error page, not a login redirect
			.authorizeHttpRequests(requests -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
				.permitAll()
				.requestMatchers("/login", "/webjars/**", "/console.css", "/console.js")
				.permitAll()
				.requestMatchers(HttpMethod.GET)
				.hasRole(Roles.VIEWER)
				.anyRequest()
				.hasRole(Roles.OPERATOR))
			.formLogin(Customizer.withDefaults())
			.logout(Customizer.withDefaults())
			.build();
	}
}
