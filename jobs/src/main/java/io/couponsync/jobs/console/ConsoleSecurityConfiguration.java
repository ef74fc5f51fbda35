package io.couponsync.jobs.console;

import jakarta.servlet.DispatcherType;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

import io.couponsync.platform.security.PlatformSecurityAutoConfiguration;
import io.couponsync.platform.security.Roles;

/**
 * Who may do what in the console. The REST API ({@code /api/**}, {@code /v3/api-docs}) takes HTTP basic on every
 * request and keeps no session, so a browser's console session cannot be ridden by a forged request (hence no CSRF
 * token there); the pages use form login, a session and CSRF tokens on every form. Viewers read, operators act
 * (any method but GET). The management endpoints have their own chain ({@link PlatformSecurityAutoConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class ConsoleSecurityConfiguration {

	@Bean
	@Order(PlatformSecurityAutoConfiguration.MANAGEMENT_ORDER + 1)
	SecurityFilterChain apiSecurityFilterChain(HttpSecurity http) throws Exception {
		return http.securityMatcher("/api/**", "/v3/api-docs", "/v3/api-docs/**")
			.authorizeHttpRequests(requests -> requests.requestMatchers(HttpMethod.GET).hasRole(Roles.VIEWER)
				.anyRequest()
				.hasRole(Roles.OPERATOR))
			.httpBasic(Customizer.withDefaults())
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			// why: the session's security context is never read here, only this request's credentials
			.securityContext(context -> context.securityContextRepository(new RequestAttributeSecurityContextRepository()))
			.csrf(csrf -> csrf.disable())
			.build();
	}

	@Bean
	@Order(PlatformSecurityAutoConfiguration.MANAGEMENT_ORDER + 2)
	SecurityFilterChain pageSecurityFilterChain(HttpSecurity http) throws Exception {
		return http
			// why: an error dispatch (the 401 of another chain, a 404) renders Boot's error page, not a login redirect
			.authorizeHttpRequests(requests -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
				.permitAll()
				.requestMatchers("/login", "/webjars/**", "/console.css")
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
