package io.couponsync.jobs.launch;

import java.util.stream.Collectors;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.validation.FieldError;

import io.couponsync.chain.rpc.RpcException;
import io.couponsync.platform.config.InvalidConfigurationException;

/**
 * Why a command could not run, in one line for stderr: the most telling exception of the chain (a configuration
 * value, an RPC failure, a binding error) rather than the outermost wrapper Spring adds, and never a stack trace
 * (the commands silence Spring Boot's start-up failure report; see {@link CommandContext}). Binding errors name the
 * property and the problem, not the value, which may be a URL holding an API key.
 */
public final class CommandFailure {

	private CommandFailure() {
	}

	public static String describe(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidConfigurationException || cause instanceof RpcException) {
				return oneLine(cause.getMessage());
			}
			if (cause instanceof BindValidationException invalid) {
				return "invalid configuration: " + invalid.getValidationErrors().getAllErrors().stream()
					.map(error -> error instanceof FieldError field
							? error.getObjectName() + "." + field.getField() + " " + error.getDefaultMessage()
							: error.getObjectName() + " " + error.getDefaultMessage())
					.collect(Collectors.joining("; "));
			}
			if (cause instanceof BindException unbound) {
				return oneLine(unbound.getMessage());
			}
		}
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return oneLine(root.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message));
	}

	private static String oneLine(String text) {
		return text == null ? "unknown failure" : text.strip().replaceAll("\\s+", " ");
	}
}
