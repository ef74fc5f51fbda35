package io.couponsync.chain.idl;

/**
 * One seed of a program-derived address as the IDL lists it: constant bytes, an instruction argument, or
 * another account of the instruction (by path).
 */
public record IdlPdaSeed(Kind kind, byte[] constant, String path) {

	public enum Kind {
		CONST, ARG, ACCOUNT
	}
}
