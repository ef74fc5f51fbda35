package io.couponsync.platform.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import io.couponsync.chain.Base58;

/** The annotated string is a Solana address: base58 text of exactly 32 bytes. */
@Documented
@Constraint(validatedBy = Base58PublicKey.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
public @interface Base58PublicKey {

	String message() default "is not a Solana address (base58 text of 32 bytes)";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** Checks the text; null is left to {@code @NotNull}. */
	class Validator implements ConstraintValidator<Base58PublicKey, String> {

		@Override
		public boolean isValid(String value, ConstraintValidatorContext context) {
			return value == null || Base58.isPublicKey(value);
		}
	}
}
