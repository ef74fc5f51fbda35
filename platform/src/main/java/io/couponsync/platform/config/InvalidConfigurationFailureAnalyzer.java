package io.couponsync.platform.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an unusable configuration value into Spring Boot's short start-up report instead of a stack trace. */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
		return new FailureAnalysis(
				"Invalid configuration: property '" + cause.property() + "' with value '" + cause.value() + "': "
						+ cause.problem(),
				"Fix '" + cause.property() + "' in config/application.yml or through its environment variable.",
				cause);
	}
}
