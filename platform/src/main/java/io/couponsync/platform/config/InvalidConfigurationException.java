package io.couponsync.platform.config;

/** A configuration value that passed binding but cannot be used; names the property, the value and the problem. */
public class InvalidConfigurationException extends RuntimeException {

	private final String property;

	private final String value;

	private final String problem;

	public InvalidConfigurationException(String property, String value, String problem, Throwable cause) {
		super(property + " = '" + value + "': " + problem, cause);
		this.property = property;
		this.value = value;
		this.problem = problem;
	}

	public String property() {
		return property;
	}

	public String value() {
		return value;
	}

	public String problem() {
		return problem;
	}
}
