package io.couponsync.platform.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import org.springframework.boot.convert.DurationStyle;

/**
 * The annotated duration lies between {@code min} and {@code max}, both as configuration spells them ({@code 500ms},
 * {@code 30s}): a zero or negative delay, timeout or interval otherwise reaches code that spins, fails far from its
 * cause or throws on its first use.
 */
@Documented
@Constraint(validatedBy = DurationRange.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
public @interface DurationRange {

	String min();

	String max();

	String message() default "must be between {min} and {max}";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** Checks the bounds; null is left to {@code @NotNull}. */
	class Validator implements ConstraintValidator<DurationRange, Duration> {

		private Duration min;

		private Duration max;

		@Override
		public void initialize(DurationRange annotation) {
			this.min = DurationStyle.detectAndParse(annotation.min());
			this.max = DurationStyle.detectAndParse(annotation.max());
		}

		@Override
		public boolean isValid(Duration value, ConstraintValidatorContext context) {
			return value == null || (value.compareTo(min) >= 0 && value.compareTo(max) <= 0);
		}
	}
}
