package io.couponsync.platform.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.util.Arrays;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/** The annotated URI is absolute, names a host, and uses one of the given schemes. */
@Documented
@Constraint(validatedBy = UrlScheme.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
public @interface UrlScheme {

	String[] value();

	String message() default "must be an absolute URL with a host and one of the schemes {value}";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** Checks scheme and host; null is left to {@code @NotNull}. */
	class Validator implements ConstraintValidator<UrlScheme, URI> {

		private String[] schemes;

		@Override
		public void initialize(UrlScheme annotation) {
			this.schemes = annotation.value();
		}

		@Override
		public boolean isValid(URI value, ConstraintValidatorContext context) {
			if (value == null) {
				return true;
			}
			return value.getScheme() != null && value.getHost() != null
					&& Arrays.stream(schemes).anyMatch(scheme -> scheme.equalsIgnoreCase(value.getScheme()));
		}
	}
}
