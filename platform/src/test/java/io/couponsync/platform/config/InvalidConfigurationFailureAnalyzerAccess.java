package io.couponsync.platform.config;

import org.springframework.boot.diagnostics.FailureAnalysis;

/** Exposes the package-private failure analyzer to tests in other packages. */
public final class InvalidConfigurationFailureAnalyzerAccess {

	public FailureAnalysis analyze(Throwable failure) {
		return new InvalidConfigurationFailureAnalyzer().analyze(failure);
	}
}
