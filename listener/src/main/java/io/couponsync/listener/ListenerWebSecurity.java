package io.couponsync.listener;

import jakarta.servlet.DispatcherType;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The listener process serves nothing but its management endpoints (secured by the platform: health open, the rest
 * behind a login); every other path is refused.
 */
@Configuration(proxyBeanMethods = false)
class ListenerWebSecurity {

	@Bean
	SecurityFilterChain listenerSecurityFilterChain(HttpSecurity http) throws Exception {
		// why: an error dispatch (the management chain's 401) renders Boot's error page with its status
		return http.authorizeHttpRequests(requests -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
			.permitAll()
			.anyRequest()
			.denyAll()).build();
	}
}
